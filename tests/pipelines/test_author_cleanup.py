import pytest

from pipelines.author_cleanup import clean_authors
from pipelines.records import Author


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ([Author("Sarah E. Needleman"), Author("Biography Sarah E. Needleman")], [("Sarah E. Needleman", None)]),
        ([Author("Michael Hiltzik Business Columnist", role="Business Columnist"), Author("Michael Hiltzik")],
         [("Michael Hiltzik", "Business Columnist")]),
        ([Author("Associated Press"), Author("Ryan McKenna"), Author("Canadian Press")], [("Ryan McKenna", None)]),
        ([Author("Tom Davies Associated Press")], [("Tom Davies", None)]),
        ([Author("20 Nov 2019 08:00 GMT")], []),
        ([Author("Cleveland.com"), Author("jdadmin"), Author("plague")], []),
        ([Author("Meg James", role="twitter")], [("Meg James", None)]),
        ([Author("Lisa Mascaro", role="MARY CLARE JALONICK, ERIC TUCKER")], [("Lisa Mascaro", None)]),
        ([Author("Molly Woo d"), Author("Molly Wood", role="Ideas Contributor")], [("Molly Wood", "Ideas Contributor")]),
        ([Author("Regan"), Author("Mary O'Neil", role="RD")], [("Regan", None), ("Mary O'Neil", "RD")]),
        ([Author("Jane Roe", relation="author"), Author("Jane Roe", relation="reviewer")],
         [("Jane Roe", None), ("Jane Roe", None)]),
    ],
    ids=["label-prefix", "role-suffix", "wire-services", "trailing-outlet", "date", "domain-handle-word",
         "ui-role", "names-as-role", "split-name", "single-and-apostrophe", "two-relations"],
)
def test_clean_authors(authors, expected):
    assert [(a.name, a.role) for a in clean_authors(authors)] == expected
