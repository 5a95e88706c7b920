"""Synthetic but realistic health articles for the query benchmark, as archive rows.

Deterministic for a seed. Each article has a title built from a topic, 8-14
paragraphs of health prose (about 500-900 words), its body split into sections,
1-3 bylines (authors with credentials, sometimes a reviewer), 0-9 references
(DOIs and PMIDs drawn with a skew, so some studies are cited by many articles),
2-5 tags, affiliate links on a fifth of the articles and quality flags.
``article_batches`` yields plain row dicts per table, ready for executemany.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

TOPICS = {
    "Sleep": ["sleep debt", "insomnia", "sleep apnea", "circadian rhythm", "melatonin", "napping",
              "deep sleep", "blue light", "snoring", "restless legs"],
    "Nutrition": ["magnesium", "vitamin D", "protein timing", "fibre", "omega-3", "creatine",
                  "intermittent fasting", "ultra-processed food", "gut microbiome", "hydration"],
    "Fitness & Exercise": ["zone 2 cardio", "eccentric loading", "grip strength", "kettlebell swings",
                           "mobility", "rest days", "VO2 max", "resistance training", "walking",
                           "stretching"],
    "Mental Health": ["anxiety", "burnout", "depression", "journaling", "loneliness", "mindfulness",
                      "box breathing", "stress", "screen time", "BDNF"],
    "Skin Care": ["retinol", "sunscreen", "eczema", "acne", "skin barrier", "bakuchiol",
                  "niacinamide", "rosacea", "hyaluronic acid", "moisturiser"],
    "Heart Health": ["blood pressure", "cholesterol", "heart rate variability", "statins",
                     "atrial fibrillation", "salt", "cardiac rehab", "LDL", "triglycerides", "aspirin"],
}
TITLES = ["What {t} really does to your body", "{T}: {n} things the research says",
          "Is {t} worth it? A clinician explains", "The truth about {t}",
          "{T} for beginners: a practical guide", "{n} myths about {t}, debunked",
          "How {t} affects your long-term health", "Should you worry about {t}?"]
OPENERS = ["Most people", "Researchers", "Clinicians", "Many readers", "New studies", "Experts",
           "A large cohort study", "Small trials", "Dietitians", "Neurologists", "Coaches",
           "Cardiologists", "A recent meta-analysis", "Public health agencies", "Pharmacists"]
VERBS = ["suggest", "report", "have found", "often assume", "tend to underestimate", "now argue",
         "still debate", "rarely mention", "point out", "have measured", "caution", "observed",
         "remain unsure", "keep finding", "estimate"]
EFFECTS = ["may lower", "can raise", "is linked to changes in", "barely moves", "seems to improve",
           "might worsen", "predicts", "does not change", "gradually shifts", "protects against",
           "interacts with", "is a poor proxy for", "tracks closely with", "can mask"]
OUTCOMES = {
    "Sleep": ["sleep latency", "night waking", "daytime fatigue", "sleep efficiency", "REM sleep",
              "morning alertness", "slow-wave sleep", "reaction time", "shift work tolerance",
              "jet lag", "nocturia", "bedtime procrastination"],
    "Nutrition": ["fasting glucose", "iron stores", "muscle protein synthesis", "satiety",
                  "bloating", "bone density", "insulin sensitivity", "homocysteine",
                  "gut transit time", "ferritin", "appetite hormones", "micronutrient status"],
    "Fitness & Exercise": ["muscle soreness", "tendon stiffness", "lactate threshold", "power output",
                           "balance in older adults", "injury risk", "mitochondrial density",
                           "running economy", "hip mobility", "recovery time", "bone loading",
                           "aerobic capacity"],
    "Mental Health": ["rumination", "social anxiety", "working memory", "mood ratings",
                      "stress hormones", "self-esteem", "attention span", "panic symptoms",
                      "emotional regulation", "motivation", "neuroplasticity", "resilience"],
    "Skin Care": ["transepidermal water loss", "collagen density", "pigmentation", "sebum output",
                  "skin irritation", "photoaging", "acne lesions", "itch severity", "redness",
                  "wound healing", "pore size", "barrier repair"],
    "Heart Health": ["arterial stiffness", "resting heart rate", "endothelial function",
                     "plaque progression", "heart failure risk", "stroke risk", "blood viscosity",
                     "kidney function", "exercise tolerance", "palpitations", "oedema",
                     "lipoprotein(a)"],
}
QUALIFIERS = ["in older adults", "after six weeks", "in small trials", "when combined with exercise",
              "in people with diabetes", "during pregnancy", "in shift workers", "in teenagers",
              "at higher doses", "over several years", "in athletes", "after menopause",
              "in people with long commutes", "in observational data only", "compared with placebo",
              "in randomised trials", "for beginners", "in smokers", "at altitude", "in winter"]
FILLERS = ["The evidence is mixed, and most trials are short.",
           "That is why a gradual approach usually works better than a dramatic change.",
           "Talk to a doctor before changing medication or starting supplements.",
           "The mechanism is plausible, but the effect sizes are modest.",
           "People with chronic conditions respond differently, so averages can mislead.",
           "Habits that fit an ordinary week tend to last longer than ambitious plans.",
           "Measurement matters: self-reported data overstate the benefit.",
           "Cortisol, insulin and inflammation all move together in these experiments.",
           "The same pattern appears in older adults, though less strongly.",
           "Costs vary widely between brands, and price says little about quality.",
           "Side effects are usually mild and fade within a few days.",
           "Several of the early studies were funded by manufacturers.",
           "Guidelines differ between countries, which confuses patients.",
           "Tracking progress in a notebook helps people notice small changes.",
           "Genetics explain part of the difference between individuals.",
           "Children and pregnant women were excluded from most of this research.",
           "The placebo effect is strong for subjective outcomes like energy.",
           "Combining several changes at once makes it hard to know what worked.",
           "Local pharmacists can check for interactions in a few minutes.",
           "Long-term follow-up is rare, so durability remains an open question."]
BDNF = ("Hard exercise raises brain-derived neurotrophic factor (BDNF), a protein that helps "
        "neurons keep their connections.")
HEADINGS = ["What the research says", "How it works", "Who benefits most", "Risks and side effects",
            "How to start", "The bottom line", "Frequently asked questions", "Action plan"]
SECTION_KINDS = ["other", "mechanism", "other", "other", "action_plan", "summary", "faq", "action_plan"]
FIRST = ["Jane", "Omar", "Priya", "Mark", "Linda", "Ana", "Ben", "Grace", "Luis", "Mei", "Tom",
         "Sara", "Ravi", "Nora", "Ivan", "Chloe", "Kwame", "Elena", "Yuki", "Hassan"]
LAST = ["Roe", "Haddad", "Nair", "Davies", "Wei", "Torres", "Okafor", "Mensah", "Garcia", "Chen",
        "Kowalski", "Silva", "Patel", "Berg", "Novak", "Martin", "Asante", "Rossi", "Tanaka", "Aziz"]
CREDENTIALS = ["MD", "RD", "RN", "PsyD", "PhD", "Certified Fitness Coach", "Registered Dietitian",
               "Dermatologist", "Sleep Medicine Physician", "Health Journalist", None, None]
FLAGS = ["affiliate_disclosure", "template_placeholder", "repeated_title_phrase", "author_topic_mismatch"]


@dataclass
class Batch:
    """Rows of one batch of articles, per table, as dicts for executemany."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def shared_rows(seed: int, *, sites: int = 40, authors_per_site: int = 30) -> dict[str, list[dict]]:
    """Sites, authors and tags every batch refers to (ids from 1)."""
    rng = random.Random(seed)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    site_rows = [{"id": i, "host": f"healthsite-{i:02d}.example", "first_seen_at": now}
                 for i in range(1, sites + 1)]
    author_rows = []
    for site in site_rows:
        names = {f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(authors_per_site * 2)}
        for name in sorted(names)[:authors_per_site]:
            author_rows.append({"id": len(author_rows) + 1, "site_id": site["id"], "name": name,
                                "name_key": name.lower(), "url": None})
    words = sorted({t for topics in TOPICS.values() for t in topics} | set(TOPICS))
    tag_rows = [{"id": i + 1, "name": name.lower()} for i, name in enumerate(words)]
    return {"sites": site_rows, "authors": author_rows, "tags": tag_rows}


def article_batches(
    total: int, *, seed: int, batch_size: int, shared: dict[str, list[dict]]
) -> Iterator[Batch]:
    """``total`` articles in batches of ``batch_size`` (article and version ids from 1)."""
    rng = random.Random(seed + 1)
    by_site: dict[int, list[dict]] = {}
    for author in shared["authors"]:
        by_site.setdefault(author["site_id"], []).append(author)
    roles = {author["id"]: rng.choice(CREDENTIALS) for author in shared["authors"]}
    tag_ids = {tag["name"]: tag["id"] for tag in shared["tags"]}
    start = datetime(2021, 1, 1, tzinfo=UTC)
    batch = Batch()
    for article_id in range(1, total + 1):
        _add_article(batch, article_id, rng, by_site=by_site, roles=roles, tag_ids=tag_ids,
                     sites=len(shared["sites"]), start=start)
        if len(batch.articles) == batch_size:
            yield batch
            batch = Batch()
    if batch.articles:
        yield batch


def _add_article(batch: Batch, article_id: int, rng: random.Random, **context: Any) -> None:
    category = rng.choice(list(TOPICS))
    topic = rng.choice(TOPICS[category])
    site_id = rng.randint(1, context["sites"])
    published = context["start"] + timedelta(days=rng.randint(0, 5 * 365), hours=rng.randint(0, 23))
    title = rng.choice(TITLES).format(t=topic, T=topic[0].upper() + topic[1:], n=rng.randint(3, 9))
    paragraphs = [_paragraph(rng, topic if rng.random() < 0.7 else rng.choice(TOPICS[category]),
                             OUTCOMES[category]) for _ in range(rng.randint(8, 14))]
    if category in ("Mental Health", "Fitness & Exercise") and rng.random() < 0.1:
        paragraphs[rng.randrange(len(paragraphs))] += " " + BDNF
    text = "\n\n".join(paragraphs)
    seen = published + timedelta(days=rng.randint(0, 30))
    batch.articles.append({"id": article_id, "site_id": site_id, "kind": "article",
                           "url": f"https://healthsite-{site_id:02d}.example/{category.split()[0].lower()}/"
                                  f"{topic.replace(' ', '-').lower()}-{article_id}",
                           "first_seen_at": seen, "last_seen_at": seen, "gone_at": None})
    content_hash = hashlib.sha256(text.encode()).hexdigest()
    batch.versions.append({
        "id": article_id, "article_id": article_id, "version": 1, "content_hash": content_hash,
        "record_sha256": content_hash, "title": title, "published": published.date().isoformat(),
        "updated": None, "published_at": published.replace(hour=0), "updated_at": None,
        "category": category, "language": "en", "text": text,
        "fetched_url": f"https://healthsite-{site_id:02d}.example/a/{article_id}", "fetched_at": seen,
        "raw_page_id": None, "crawl_run_id": None, "created_at": seen, "refreshed_at": None,
    })
    children = batch.children
    for position, (author, relation) in enumerate(_bylines(rng, context["by_site"][site_id])):
        children.setdefault("article_authors", []).append({
            "article_version_id": article_id, "position": position, "author_id": author["id"],
            "name": author["name"], "relation": relation, "role": context["roles"][author["id"]],
            "bio": None, "url": None})
    cut = sorted(rng.sample(range(1, len(paragraphs)), 3))
    for position, (begin, end) in enumerate(zip([0, *cut], [*cut, len(paragraphs)], strict=True)):
        heading = None if position == 0 else rng.choice(HEADINGS)
        children.setdefault("sections", []).append({
            "article_version_id": article_id, "position": position, "heading": heading,
            "level": 0 if heading is None else 2,
            "kind": "lead" if heading is None else SECTION_KINDS[HEADINGS.index(heading)],
            "text": "\n\n".join(paragraphs[begin:end])})
    for position in range(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9])):
        study = int(rng.paretovariate(1.2) * 100) % 60_000
        children.setdefault("citations", []).append({
            "article_version_id": article_id, "position": position,
            "text": f"Study {study} on {topic}. J Health Res. {2000 + study % 24}.",
            "title": f"Study {study} on {topic}", "year": 2000 + study % 24,
            "url": f"https://doi.org/10.5555/jhr.{study}", "doi": f"10.5555/jhr.{study}",
            "pmid": str(90_000_000 + study) if study % 3 == 0 else None})
    tags = sorted({topic.lower(), category.lower(), *(t.lower() for t in rng.sample(TOPICS[category], 3))})
    for position, tag in enumerate(tags[: rng.randint(2, 5)]):
        children.setdefault("article_tags", []).append(
            {"article_version_id": article_id, "position": position, "tag_id": context["tag_ids"][tag]})
    if rng.random() < 0.2:
        for position in range(rng.randint(1, 4)):
            children.setdefault("affiliate_links", []).append({
                "article_version_id": article_id, "position": position,
                "url": f"https://{rng.choice(['www.amazon.com/dp/B0', 'amzn.to/', 'shareasale.com/r?'])}"
                       f"{rng.randint(10**6, 10**7)}"})
    for position, flag in enumerate(f for f in FLAGS if rng.random() < 0.08):
        children.setdefault("article_flags", []).append(
            {"article_version_id": article_id, "position": position, "flag": flag})


def _paragraph(rng: random.Random, topic: str, outcomes: list[str]) -> str:
    sentences = [f"{rng.choice(OPENERS)} {rng.choice(VERBS)} that {topic} {rng.choice(EFFECTS)} "
                 f"{rng.choice(outcomes)} {rng.choice(QUALIFIERS)}." for _ in range(rng.randint(2, 3))]
    if rng.random() < 0.35:
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(FILLERS))
    return " ".join(sentences)


def _bylines(rng: random.Random, authors: list[dict]) -> list[tuple[dict, str]]:
    chosen = rng.sample(authors, rng.choice([1, 1, 1, 2, 3]))
    result = [(author, "author") for author in chosen]
    if rng.random() < 0.35:
        result.append((rng.choice([a for a in authors if a not in chosen]), "reviewer"))
    return result
