"""A generated corpus of health-like articles with known near-duplicate clusters.

Articles are built from a sentence generator over a health vocabulary: each has a
topic, a site, 24-36 sentences in paragraphs, and a few stock sentences (the
site's own and ones every site uses: "This doesn't work for everyone."). A story
is one original article plus its copies, which are the known clusters:

- syndicated copies: the same text on another site, sometimes with a one-line
  attribution added;
- light rewrites: 10-30% of the original's sentences replaced by new ones (a
  content farm's rewrites of one piece, up to 20 of them);
- distractors: every other article, many of them on the same site and topic as a
  story (sharing its vocabulary and stock sentences), which must not cluster.

``generate_corpus`` is deterministic for a seed. Used by ``bench/dedupe.py`` and by
the dedupe tests.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace

TOPICS = {
    "sleep": ["sleep", "melatonin", "insomnia", "bedtime", "deep sleep", "naps", "circadian rhythm"],
    "magnesium": ["magnesium", "magnesium glycinate", "cramps", "electrolytes", "minerals"],
    "blood pressure": ["blood pressure", "hypertension", "sodium", "arteries", "potassium"],
    "gut health": ["gut bacteria", "fibre", "probiotics", "bloating", "the microbiome"],
    "running": ["running", "easy runs", "intervals", "shin splints", "cadence", "long runs"],
    "strength": ["strength training", "squats", "resistance bands", "muscle mass", "deadlifts"],
    "skin": ["retinol", "sunscreen", "the skin barrier", "acne", "moisturiser", "collagen"],
    "vitamin d": ["vitamin D", "sunlight", "bone density", "calcium", "supplements"],
    "fasting": ["intermittent fasting", "eating windows", "insulin", "breakfast", "hunger"],
    "stress": ["stress", "cortisol", "breathing exercises", "anxiety", "meditation"],
    "diabetes": ["blood sugar", "type 2 diabetes", "insulin resistance", "carbohydrates"],
    "heart": ["heart health", "cholesterol", "cardio", "resting heart rate", "omega-3"],
    "hydration": ["hydration", "water intake", "electrolyte drinks", "thirst", "caffeine"],
    "migraine": ["migraines", "headaches", "triggers", "screen time", "light sensitivity"],
    "protein": ["protein", "whey", "plant protein", "recovery", "amino acids", "satiety"],
    "walking": ["walking", "step counts", "posture", "brisk walks", "joint pain"],
}
PEOPLE = ["adults", "older adults", "runners", "new parents", "shift workers", "students",
          "people with diabetes", "women over 40", "athletes", "office workers", "teenagers",
          "beginners", "people who sleep poorly", "most patients", "study participants"]
VERBS = ["tracked", "increased", "cut back on", "paid attention to", "added", "reduced",
         "experimented with", "switched to", "doubled", "measured", "skipped", "kept a log of",
         "combined", "tested", "focused on", "changed"]
EFFECTS = ["reported better energy", "saw a small drop in symptoms", "felt less tired",
           "noticed fewer cravings", "slept longer", "recovered faster", "had steadier moods",
           "improved their scores", "lost a little weight", "showed lower inflammation markers",
           "described more focus", "had fewer bad days", "reached their goals sooner",
           "reported less pain", "kept the habit longer"]
TIMES = ["over eight weeks", "within a month", "after two weeks", "in the first year",
         "during the trial", "by the end of the study", "over a full season", "within ten days",
         "across three months", "in the long run", "after the first week"]
HEDGES = ["according to a small study", "in one review of the evidence", "researchers say",
          "though the effect was modest", "but results varied widely", "compared with a control group",
          "in a survey of readers", "based on early data", "which surprised the authors",
          "in line with older findings", "yet nobody knows exactly why"]
ADVICE = ["start slowly and build up", "write down what you notice", "check the label first",
          "pick a time you can keep", "ask a pharmacist about interactions", "give it a few weeks",
          "keep portions moderate", "pair it with a short walk", "avoid it late in the evening",
          "repeat it on rest days too", "drink a glass of water with it", "use a simple reminder"]
QUALITIES = ["simple", "overlooked", "surprising", "practical", "common", "gentle", "popular",
             "underrated", "science-backed", "everyday", "quick", "realistic"]
TITLE_FORMS = ["{q} ways {n} affects {m}", "what {n} really does for {m}", "{n} and {m}: what to know",
               "the {q} guide to {n}", "is {n} worth it for {m}?", "{n} myths about {m}",
               "how {n} changes {m}", "{q} facts about {n}"]
GLOBAL_STOCK = [
    "This doesn't work for everyone.",
    "This is where many people get stuck.",
    "Talk to your doctor before making big changes to your routine.",
    "Small changes add up over time.",
    "Everyone's body responds a little differently.",
    "Consistency matters more than perfection here.",
    "If symptoms persist, see a qualified health professional.",
    "The research is still evolving, so keep an open mind.",
]


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article. ``story`` is its known cluster (-1: a distractor);
    ``role`` is original, copy, rewrite or distractor; ``changed`` the share of
    sentences rewritten (0 for originals and copies)."""

    url: str
    site: str
    topic: str
    title: str
    sentences: tuple[str, ...]
    published: str
    story: int
    role: str
    changed: float = 0.0

    @property
    def text(self) -> str:
        """The body: paragraphs of four sentences."""
        parts = [" ".join(self.sentences[i : i + 4]) for i in range(0, len(self.sentences), 4)]
        return "\n\n".join(parts)

    def to_record(self) -> dict[str, object]:
        """The article as the record the pipelines hand to ``ArchiveWriter``."""
        return {"url": self.url, "site": self.site, "kind": "article", "title": self.title,
                "published": self.published, "updated": None, "authors": [], "category": self.topic,
                "tags": [], "language": "en", "text": self.text,
                "sections": [{"heading": None, "level": 0, "kind": "lead", "text": self.text}],
                "references": [], "affiliate_links": [], "flags": [],
                "content_hash": hashlib.sha256(self.text.encode("utf-8")).hexdigest()}


def sentence(rng: random.Random, topic: str) -> str:
    """One new sentence about ``topic``."""
    noun, other = rng.sample(TOPICS[topic], 2)
    form = rng.randrange(5)
    if form == 0:
        text = f"{rng.choice(PEOPLE)} who {rng.choice(VERBS)} {noun} {rng.choice(TIMES)} {rng.choice(EFFECTS)}, {rng.choice(HEDGES)}"
    elif form == 1:
        text = f"when it comes to {noun}, {rng.choice(ADVICE)} and {rng.choice(ADVICE)}"
    elif form == 2:
        text = f"{rng.choice(HEDGES)}, {noun} matters for {other} because {rng.choice(PEOPLE)} {rng.choice(EFFECTS)} {rng.choice(TIMES)}"
    elif form == 3:
        text = f"if you have {rng.choice(VERBS)} {noun} {rng.choice(TIMES)}, {rng.choice(ADVICE)} before you worry about {other}"
    else:
        text = f"{rng.choice(PEOPLE)} {rng.choice(EFFECTS)} once they {rng.choice(VERBS)} {other}, and {rng.choice(PEOPLE)} {rng.choice(EFFECTS)} {rng.choice(TIMES)}"
    return text[0].upper() + text[1:] + "."


def site_stock(site: str) -> list[str]:
    """A site's own stock sentences (its templated asides)."""
    rng = random.Random(site)
    name = site.split(".")[0].replace("-", " ").title()
    return [f"At {name} we review every article for accuracy and update it regularly.",
            f"Sign up for the {name} newsletter to get tips like these every week.",
            f"Our {name} editors {rng.choice(VERBS)} this topic {rng.choice(TIMES)} and {rng.choice(ADVICE)}.",
            f"Readers of {name} often ask about this, so here is the short answer.",
            f"As always at {name}, {rng.choice(ADVICE)} and {rng.choice(ADVICE)}."]


def make_article(rng: random.Random, *, site: str, topic: str, url: str, story: int = -1) -> Article:
    """A new article: 24-36 sentences, three to six of them stock sentences."""
    count = rng.randint(24, 36)
    stock = rng.sample(GLOBAL_STOCK, rng.randint(2, 3)) + rng.sample(site_stock(site), rng.randint(1, 3))
    body = [sentence(rng, topic) for _ in range(count - len(stock))]
    for line in stock:
        body.insert(rng.randrange(len(body) + 1), line)
    form = rng.choice(TITLE_FORMS)
    noun, other = rng.sample(TOPICS[topic], 2)
    title = form.format(q=rng.choice(QUALITIES), n=noun, m=other)
    published = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Article(url, site, topic, title[0].upper() + title[1:], tuple(body), published, story,
                   "original" if story >= 0 else "distractor")


def rewrite(rng: random.Random, original: Article, *, changed: float, site: str, url: str) -> Article:
    """A light rewrite: ``changed`` of the sentences replaced by new ones on the topic."""
    body = list(original.sentences)
    for index in rng.sample(range(len(body)), round(changed * len(body))):
        body[index] = sentence(rng, original.topic)
    return replace(original, url=url, site=site, sentences=tuple(body), role="rewrite", changed=changed)


def syndicate(rng: random.Random, original: Article, *, site: str, url: str) -> Article:
    """A syndicated copy on another site, half the time with an attribution line."""
    body = original.sentences
    if rng.random() < 0.5:
        body = (*body, f"This article first appeared on {original.site} and is republished with permission.")
    return replace(original, url=url, site=site, sentences=body, role="copy")


def generate_corpus(count: int, *, seed: int = 7, sites: int = 60, story_share: float = 0.3) -> list[Article]:
    """``count`` articles; about ``story_share`` of them belong to known clusters."""
    rng = random.Random(seed)
    hosts = [f"{rng.choice(['well', 'vital', 'daily', 'pure', 'fit', 'calm'])}-{name}{i}.example"
             for i, name in enumerate(rng.choice(["health", "living", "body", "care", "life"])
                                      for _ in range(sites))]
    farms = hosts[: max(2, sites // 10)]
    articles: list[Article] = []
    story = 0

    def url_for(site: str) -> str:
        return f"https://{site}/articles/{len(articles):07d}"

    while len(articles) < count:
        site, topic = rng.choice(hosts), rng.choice(list(TOPICS))
        if rng.random() >= story_share / 3.2:
            articles.append(make_article(rng, site=site, topic=topic, url=url_for(site)))
            continue
        original = make_article(rng, site=site, topic=topic, url=url_for(site), story=story)
        articles.append(original)
        kind = rng.random()
        copies = rng.randint(1, 19) if kind < 0.1 else rng.randint(1, 4)
        for _ in range(copies):
            if len(articles) >= count:
                break
            if kind < 0.1:  # a content farm's rewrites
                farm = rng.choice(farms)
                articles.append(rewrite(rng, original, changed=rng.uniform(0.1, 0.3), site=farm, url=url_for(farm)))
            elif kind < 0.55:
                other = rng.choice([h for h in hosts if h != site])
                articles.append(syndicate(rng, original, site=other, url=url_for(other)))
            else:
                other = rng.choice(hosts)
                articles.append(rewrite(rng, original, changed=rng.uniform(0.1, 0.3), site=other, url=url_for(other)))
        story += 1
    return articles[:count]
