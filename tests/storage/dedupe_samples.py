"""A small archive with known duplicate clusters, for the dedupe tests.

Story "sleep": an original on well-health, an exact syndicated copy, a copy with an
attribution line, and light rewrites with 10%, 20% and 30% of the sentences
replaced on a content farm. Story "magnesium": an original and two 30% rewrites.
Distractors: eight other articles on the same site and topic as the sleep story,
sharing its vocabulary and stock sentences; they must not cluster.
"""

from __future__ import annotations

import random
from dataclasses import replace

from sqlalchemy import Engine
from storage_samples import at

from bench.dedupe_corpus import Article, make_article, rewrite
from storage.writer import ArchiveWriter

SITE, FARM, OTHER = "well-health.example", "content-farm.example", "daily-care.example"


def known_articles() -> dict[str, Article]:
    """The articles by a readable name."""
    rng = random.Random(11)
    sleep = make_article(rng, site=SITE, topic="sleep", url=f"https://{SITE}/sleep", story=0)
    articles = {
        "sleep": sleep,
        "sleep-copy": replace(sleep, url=f"https://{OTHER}/sleep-copy", site=OTHER, role="copy"),
        "sleep-attributed": replace(
            sleep, url=f"https://{OTHER}/sleep-attributed", site=OTHER, role="copy",
            sentences=(*sleep.sentences, f"This article first appeared on {SITE} and is republished here.")),
    }
    for share in (0.1, 0.2, 0.3):
        name = f"sleep-rewrite-{round(share * 100)}"
        articles[name] = rewrite(rng, sleep, changed=share, site=FARM, url=f"https://{FARM}/{name}")
    magnesium = make_article(rng, site=OTHER, topic="magnesium", url=f"https://{OTHER}/magnesium", story=1)
    articles["magnesium"] = magnesium
    for number in (1, 2):
        articles[f"magnesium-rewrite-{number}"] = rewrite(
            rng, magnesium, changed=0.3, site=FARM, url=f"https://{FARM}/magnesium-{number}")
    for number in range(8):
        articles[f"distractor-{number}"] = make_article(
            rng, site=SITE, topic="sleep", url=f"https://{SITE}/sleep-{number}")
    return articles


def save_articles(engine: Engine, articles: list[Article], *, minute: int = 0) -> None:
    writer = ArchiveWriter(engine)
    run_id = writer.start_run(start_urls=[f"https://{SITE}/"])
    writer.save_articles(run_id, [(a.to_record(), {"fetched_at": at(minute)}) for a in articles])
