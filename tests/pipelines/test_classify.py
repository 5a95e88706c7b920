import pytest

from pipelines.classify import PageSignals, classify_page


def signals(url, *, words=400, types=(), headings=(), date=True, byline=True, linked=0.0, cards=0, share=0.0):
    return PageSignals(url=url, jsonld_types=frozenset(types), og_type=None, word_count=words,
                       headings=tuple(headings), has_date=date, has_byline=byline,
                       linked_heading_ratio=linked, card_count=cards, card_share=share)


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        (signals("https://ex.org/"), "listing"),
        (signals("https://ex.org/category/fitness/"), "listing"),
        (signals("https://ex.org/category/fitness/page/2/"), "listing"),
        (signals("https://ex.org/tag/sleep/"), "listing"),
        (signals("https://ex.org/authors/linda-wei/"), "listing"),
        (signals("https://ex.org/about/"), "other"),
        (signals("https://ex.org/privacy-policy/"), "other"),
        (signals("https://ex.org/glossary/"), "listing"),
        (signals("https://ex.org/glossary/bdnf/", words=150, date=False, byline=False), "glossary"),
        (signals("https://ex.org/bdnf-term/", types=("definedterm",), words=90), "glossary"),
        (signals("https://ex.org/wiki/eccentric-contraction/", headings=("Origin", "Mechanism"), date=False, byline=False), "glossary"),
        (signals("https://ex.org/articles/eccentric-loading/"), "article"),
        (signals("https://ex.org/2025/03/04/vitamin-d/", words=80, types=("blogposting",)), "article"),
        (signals("https://ex.org/blog/", words=600, cards=8, share=0.9), "listing"),
        (signals("https://ex.org/news/", headings=("A", "B", "C", "D"), linked=1.0), "listing"),
        (signals("https://ex.org/news/a-story", types=("newsarticle", "organization"), cards=6, share=0.7,
                 headings=("Related", "More", "Other", "Top"), linked=0.8), "article"),
        (signals("https://ex.org/2019/11/19/story/", types=("organization",)), "article"),
        (signals("https://ex.org/sleep-hub/", types=("collectionpage",)), "listing"),
        (signals("https://ex.org/thin/", words=20, date=False, byline=False), "other"),
        (signals("https://ex.org/drugs/b/"), "listing"),
        (signals("https://ex.org/conditions/a-z/"), "listing"),
        (signals("https://ex.org/health/topics/acne-causes-and-care/"), "article"),
    ],
)
def test_classify_page(sig, expected):
    assert classify_page(sig)[0] == expected
