"""ArchiveWriter: runs, fetches, raw pages, and idempotent article saves."""

from __future__ import annotations

import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from storage_samples import T0, at, content_hash, make_record

from storage.models import (
    Article,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    ArticleVersion,
    Author,
    Citation,
    CrawlRun,
    Fetch,
    RawPage,
    Section,
    Site,
    Tag,
    UrlState,
)
from storage.writer import ArchiveWriter


@pytest.fixture
def writer(archive_engine: Engine) -> ArchiveWriter:
    return ArchiveWriter(archive_engine)


@pytest.fixture
def run_id(writer: ArchiveWriter) -> int:
    return writer.start_run(start_urls=["https://example.com/"], started_at=T0)


def count(engine: Engine, model, *where) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def load_article(engine: Engine, url: str) -> Article:
    with Session(engine) as session:
        article = session.scalars(select(Article).where(Article.url == url)).one()
        session.expunge(article)
        return article


def test_new_then_unchanged(writer, run_id, archive_engine):
    record = make_record()
    assert writer.save_article(run_id, record, fetched_at=at(0), body=b"<p>1</p>") == "new"
    assert writer.save_article(run_id, record, fetched_at=at(60), body=b"<p>1</p>") == "unchanged"

    assert count(archive_engine, Article) == 1
    assert count(archive_engine, ArticleVersion) == 1
    article = load_article(archive_engine, record["url"])
    assert article.first_seen_at == at(0)
    assert article.last_seen_at == at(60)
    with Session(archive_engine) as session:
        version = session.get_one(ArticleVersion, article.current_version_id)
        assert version.version == 1
        assert version.refreshed_at is None
        assert version.published_at == datetime(2026, 3, 1, tzinfo=UTC)
        assert version.updated_at == datetime(2026, 5, 2, 7, 30, tzinfo=UTC)
        outcomes = session.scalars(select(Fetch.outcome).order_by(Fetch.id)).all()
        assert outcomes == ["archived", "unchanged"]
        fetch = session.scalars(select(Fetch)).first()
        assert fetch is not None
        assert (fetch.url, fetch.status, fetch.article_id) == (
            record["fetched_url"],
            200,
            article.id,
        )


def test_older_fetch_does_not_move_last_seen_back(writer, run_id, archive_engine):
    record = make_record()
    writer.save_article(run_id, record, fetched_at=at(10))
    writer.save_article(run_id, record, fetched_at=at(0))
    article = load_article(archive_engine, record["url"])
    assert (article.first_seen_at, article.last_seen_at) == (at(0), at(10))


def test_changed_text_makes_a_new_version_and_keeps_the_old(writer, run_id, archive_engine):
    first = make_record()
    second = make_record(
        text="Completely rewritten.",
        title="Walking, Revisited",
        sections=[{"heading": None, "level": 0, "kind": "lead", "text": "Rewritten."}],
        authors=[
            {"name": "Ann Other", "role": None, "bio": None, "url": None, "relation": "author"}
        ],
        references=[],
    )
    assert writer.save_article(run_id, first, fetched_at=at(0)) == "new"
    assert writer.save_article(run_id, second, fetched_at=at(5)) == "updated"
    assert writer.save_article(run_id, second, fetched_at=at(6)) == "unchanged"

    with Session(archive_engine) as session:
        article = session.scalars(select(Article)).one()
        assert [v.version for v in article.versions] == [1, 2]
        old, new = article.versions
        assert article.current_version_id == new.id
        assert old.content_hash == first["content_hash"]
        assert new.content_hash == content_hash("Completely rewritten.")
        assert [s.text for s in old.sections] == [s["text"] for s in first["sections"]]
        assert [a.name for a in old.authors] == ["Jane Roe", "Dr. Max Mustermann"]
        assert len(old.citations) == 2
        assert [a.name for a in new.authors] == ["Ann Other"]
        assert new.citations == []
        assert (article.first_seen_at, article.last_seen_at) == (at(0), at(6))


def test_back_to_old_content_is_a_new_version(writer, run_id, archive_engine):
    writer.save_article(run_id, make_record(), fetched_at=at(0))
    writer.save_article(run_id, make_record(text="B"), fetched_at=at(1))
    assert writer.save_article(run_id, make_record(), fetched_at=at(2)) == "updated"
    assert count(archive_engine, ArticleVersion) == 3


def test_better_extraction_of_same_text_refreshes_in_place(writer, run_id, archive_engine):
    record = make_record()
    writer.save_article(run_id, record, fetched_at=at(0))
    better = make_record(
        title="Why Walking Works (fixed)",
        authors=[
            {
                "name": "Jane Roe",
                "role": "Registered Dietitian",
                "bio": None,
                "url": None,
                "relation": "author",
            }
        ],
        tags=["walking"],
        flags=[],
    )
    assert better["content_hash"] == record["content_hash"]
    assert writer.save_article(run_id, better, fetched_at=at(1)) == "unchanged"

    with Session(archive_engine) as session:
        version = session.scalars(select(ArticleVersion)).one()
        assert version.version == 1
        assert version.title == "Why Walking Works (fixed)"
        assert version.refreshed_at is not None
        assert version.fetched_at == at(0)
        assert [(a.name, a.role) for a in version.authors] == [("Jane Roe", "Registered Dietitian")]
        assert [t.tag.name for t in version.tags] == ["walking"]
        assert version.flags == []
    assert count(archive_engine, ArticleAuthor) == 1


def test_raw_pages_are_stored_once_compressed(writer, run_id, archive_engine):
    body = b"<html>" + b"same page " * 500 + b"</html>"
    writer.save_article(
        run_id, make_record(), fetched_at=at(0), body=body, content_type="text/html"
    )
    writer.save_article(run_id, make_record("https://example.com/b"), fetched_at=at(1), body=body)
    fetch_id = writer.record_fetch(
        run_id,
        url="https://example.com/list",
        status=200,
        fetched_at=at(2),
        outcome="skipped",
        reason="skip:listing",
        body=body,
    )
    assert count(archive_engine, RawPage) == 1
    with Session(archive_engine) as session:
        page = session.scalars(select(RawPage)).one()
        assert zlib.decompress(page.content) == body
        assert page.size == len(body) > len(page.content)
        assert page.content_type == "text/html"
        assert session.get_one(Fetch, fetch_id).raw_page_id == page.id
        assert {v.raw_page_id for v in session.scalars(select(ArticleVersion))} == {page.id}


def test_fetch_error_rows(writer, run_id, archive_engine):
    ids = [
        writer.record_fetch(
            run_id,
            url="https://example.com/missing",
            status=404,
            fetched_at=at(0),
            outcome="error",
            reason="http:404",
        ),
        writer.record_fetch(
            run_id,
            url="https://example.com/slow",
            status=None,
            fetched_at=at(1),
            outcome="error",
            reason="fetch:timeout",
            detail="TimeoutError after 30 s",
        ),
        writer.record_fetch(
            run_id,
            url="https://example.com/private",
            status=None,
            fetched_at=at(2),
            outcome="skipped",
            reason="robots:disallowed",
            etag='"abc"',
            last_modified="Mon, 23 Nov 2026 18:00:00 GMT",
        ),
    ]
    assert len(set(ids)) == 3
    with Session(archive_engine) as session:
        rows = session.scalars(select(Fetch).order_by(Fetch.id)).all()
        assert [(f.status, f.outcome, f.reason) for f in rows] == [
            (404, "error", "http:404"),
            (None, "error", "fetch:timeout"),
            (None, "skipped", "robots:disallowed"),
        ]
        assert rows[1].detail == "TimeoutError after 30 s"
        assert rows[2].etag == '"abc"'
        assert all(f.raw_page_id is None and f.article_id is None for f in rows)
    with pytest.raises(ValueError, match="outcome"):
        writer.record_fetch(run_id, url="u", status=None, fetched_at=at(0), outcome="oops")


def test_record_fetches_writes_many_pages_in_one_transaction(writer, run_id, archive_engine):
    listing = {"url": "https://example.com/blog/", "status": 200, "fetched_at": at(0),
               "outcome": "skipped", "reason": "skip:listing", "body": b"<html>listing</html>",
               "content_type": "text/html"}
    again = {**listing, "url": "https://example.com/blog/?page=1", "fetched_at": at(1)}
    broken = {"url": "https://example.com/broken", "status": 200, "fetched_at": at(1),
              "outcome": "error", "reason": "extract:error", "detail": "ValueError: bad"}
    ids = writer.record_fetches(run_id, [listing, again, broken])
    assert len(set(ids)) == 3
    with Session(archive_engine) as session:
        fetches = session.scalars(select(Fetch).order_by(Fetch.id)).all()
        assert [(f.url, f.reason) for f in fetches] == [
            (listing["url"], "skip:listing"), (again["url"], "skip:listing"),
            (broken["url"], "extract:error")]
        assert fetches[0].raw_page_id == fetches[1].raw_page_id is not None  # one body, stored once
        assert fetches[2].raw_page_id is None and fetches[2].detail == "ValueError: bad"
    assert count(archive_engine, RawPage) == 1
    # All or nothing: a bad entry refuses the whole batch before anything is written.
    with pytest.raises(ValueError, match="outcome"):
        writer.record_fetches(run_id, [{**listing, "url": "https://example.com/new"},
                                       {**broken, "outcome": "oops"}])
    assert count(archive_engine, Fetch) == 3


def test_fetch_of_an_archived_url_is_linked_to_its_article(writer, run_id, archive_engine):
    record = make_record()
    writer.save_article(run_id, record, fetched_at=at(0))
    fetch_id = writer.record_fetch(
        run_id,
        url=record["url"],
        status=304,
        fetched_at=at(1),
        outcome="unchanged",
        reason="http:304",
    )
    with Session(archive_engine) as session:
        assert session.get_one(Fetch, fetch_id).article_id is not None


def test_authors_are_deduplicated_per_site(writer, run_id, archive_engine):
    jane = {"name": "Jane Roe", "role": None, "bio": None, "url": None, "relation": "author"}
    writer.save_article(
        run_id, make_record("https://example.com/a", authors=[jane]), fetched_at=at(0)
    )
    writer.save_article(
        run_id,
        make_record(
            "https://example.com/b",
            authors=[{**jane, "name": "jane  roe", "url": "https://example.com/jr"}],
        ),
        fetched_at=at(1),
    )
    writer.save_article(
        run_id,
        make_record("https://other.org/c", site="other.org", authors=[jane]),
        fetched_at=at(2),
    )
    with Session(archive_engine) as session:
        authors = session.scalars(select(Author).join(Site).order_by(Site.host)).all()
        assert [(a.site.host, a.name, a.name_key, a.url) for a in authors] == [
            ("example.com", "Jane Roe", "jane roe", "https://example.com/jr"),
            ("other.org", "Jane Roe", "jane roe", None),
        ]
        credited = session.scalars(select(ArticleAuthor.name).order_by(ArticleAuthor.name)).all()
        assert credited == ["Jane Roe", "Jane Roe", "jane  roe"]


def test_tags_are_shared(writer, run_id, archive_engine):
    writer.save_article(
        run_id, make_record("https://example.com/a", tags=["sleep", "walking"]), fetched_at=at(0)
    )
    writer.save_article(
        run_id,
        make_record("https://other.org/b", site="other.org", tags=["walking"]),
        fetched_at=at(1),
    )
    assert count(archive_engine, Tag) == 2
    assert count(archive_engine, ArticleTag) == 3


def test_gone_url_that_comes_back_is_cleared(writer, run_id, archive_engine):
    record = make_record()
    writer.save_article(run_id, record, fetched_at=at(0))
    assert writer.mark_gone(record["url"], gone_at=at(5)) is True
    assert writer.mark_gone(record["url"], gone_at=at(6)) is False
    assert writer.mark_gone("https://example.com/never", gone_at=at(6)) is False
    assert load_article(archive_engine, record["url"]).gone_at == at(5)
    assert writer.save_article(run_id, record, fetched_at=at(10)) == "unchanged"
    assert load_article(archive_engine, record["url"]).gone_at is None


def test_save_is_all_or_nothing(writer, archive_engine):
    with pytest.raises(IntegrityError):
        writer.save_article(9999, make_record(), fetched_at=at(0), body=b"<p>x</p>")
    for model in (Site, Article, ArticleVersion, RawPage, Fetch, Author, Tag):
        assert count(archive_engine, model) == 0, model.__name__


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"kind": "listing"}, "kind", id="bad-kind"),
        pytest.param({"content_hash": None}, "content_hash", id="no-hash"),
        pytest.param({"tags": "walking"}, "tags", id="tags-not-list"),
        pytest.param({"authors": [{"name": ""}]}, "name", id="author-without-name"),
        pytest.param(
            {"authors": [{"name": "A", "relation": "ghost"}]}, "relation", id="bad-relation"
        ),
    ],
)
def test_malformed_records_are_refused(writer, run_id, archive_engine, change, message):
    with pytest.raises(ValueError, match=message):
        writer.save_article(run_id, make_record(**change), fetched_at=at(0))
    assert count(archive_engine, Article) == 0


def test_naive_datetimes_are_refused(writer, run_id):
    with pytest.raises(ValueError, match="timezone"):
        writer.save_article(run_id, make_record(), fetched_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        writer.start_run(start_urls=[], started_at=datetime(2026, 1, 1))


def test_timestamps_come_back_utc(writer, archive_engine):
    plus_two = timezone(timedelta(hours=2))
    run_id = writer.start_run(start_urls=[], started_at=datetime(2026, 1, 1, 12, tzinfo=plus_two))
    with Session(archive_engine) as session:
        started_at = session.get_one(CrawlRun, run_id).started_at
    assert started_at == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert started_at.utcoffset() == timedelta(0)


def test_start_and_finish_run(writer, run_id, archive_engine):
    writer.finish_run(
        run_id,
        status="finished",
        stats={"item_scraped_count": 3, "start_time": T0, "codes": {200, 404}},
    )
    with Session(archive_engine) as session:
        run = session.get_one(CrawlRun, run_id)
        assert run.status == "finished"
        assert run.finished_at is not None
        assert run.start_urls == ["https://example.com/"]
        assert run.stats["start_time"] == T0.isoformat()
        assert sorted(run.stats["codes"]) == [200, 404]
        assert run.hostname and run.pid
    with pytest.raises(ValueError, match="status"):
        writer.finish_run(run_id, status="running", stats={})


def test_mark_interrupted_runs(writer, archive_engine):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive_run = writer.start_run(start_urls=[])
    dead_run = writer.start_run(start_urls=[], started_at=T0)
    writer.record_fetch(
        dead_run,
        url="https://example.com/",
        status=200,
        fetched_at=at(3),
        outcome="skipped",
        reason="skip:listing",
    )
    with archive_engine.begin() as conn:
        conn.execute(update(CrawlRun).where(CrawlRun.id == dead_run).values(pid=dead.pid))
    assert writer.mark_interrupted_runs() == 1
    assert writer.mark_interrupted_runs() == 0
    with Session(archive_engine) as session:
        assert session.get_one(CrawlRun, alive_run).status == "running"
        run = session.get_one(CrawlRun, dead_run)
        assert (run.status, run.finished_at) == ("interrupted", at(3))


def test_save_articles_in_one_transaction(writer, run_id, archive_engine):
    results = writer.save_articles(
        run_id,
        [
            (make_record("https://example.com/a"), {"fetched_at": at(0)}),
            (make_record("https://example.com/b"), {"fetched_at": at(0), "body": b"b"}),
            (make_record("https://example.com/a"), {"fetched_at": at(1)}),
        ],
    )
    assert results == ["new", "new", "unchanged"]
    assert count(archive_engine, Article) == 2


def test_deleting_a_version_deletes_its_children(writer, run_id, archive_engine):
    writer.save_article(run_id, make_record(), fetched_at=at(0))
    writer.save_article(run_id, make_record(text="v2"), fetched_at=at(1))
    children = (ArticleAuthor, Section, Citation, ArticleTag, ArticleFlag)
    before = {model: count(archive_engine, model) for model in children}
    with archive_engine.begin() as conn:
        conn.execute(delete(ArticleVersion).where(ArticleVersion.version == 2))
    after = {model: count(archive_engine, model) for model in children}
    assert all(after[model] == before[model] / 2 for model in children)
    article = load_article(archive_engine, make_record()["url"])
    assert article.current_version_id is None  # ON DELETE SET NULL
    with Session(archive_engine) as session:
        session.delete(session.get_one(Article, article.id))
        session.commit()
    assert all(count(archive_engine, model) == 0 for model in (*children, ArticleVersion))


def test_a_version_refreshed_in_the_batch_that_made_it_keeps_one_set_of_children(
    writer, run_id, archive_engine
):
    """Child rows are inserted at the end of the transaction: a version written and
    then refreshed in the same batch ends with the rows of its last write only."""
    first = make_record()
    better = make_record(
        title="Why Walking Works (fixed)",
        sections=[{"heading": None, "level": 0, "kind": "lead", "text": "Walking helps."}],
        flags=["has_affiliate_links"],
    )
    assert better["content_hash"] == first["content_hash"]
    other = make_record("https://example.com/fitness/running", text="Running is walking, faster.")
    results = writer.save_articles(
        run_id,
        [(first, {"fetched_at": at(0)}), (other, {"fetched_at": at(0)}),
         (better, {"fetched_at": at(1)})],
    )
    assert results == ["new", "new", "unchanged"]
    with Session(archive_engine) as session:
        version = session.scalars(
            select(ArticleVersion).join(Article, Article.id == ArticleVersion.article_id)
            .where(Article.url == first["url"])
        ).one()
        assert version.title == "Why Walking Works (fixed)"
        assert [s.text for s in version.sections] == ["Walking helps."]
        assert version.flags and [f.flag for f in version.flags] == ["has_affiliate_links"]
        assert len(version.citations) == len(first["references"])
        running = session.scalars(
            select(ArticleVersion).join(Article, Article.id == ArticleVersion.article_id)
            .where(Article.url == other["url"])
        ).one()
        assert [s.text for s in running.sections] == [s["text"] for s in other["sections"]]
    assert count(archive_engine, Section) == 1 + len(other["sections"])
    assert count(archive_engine, Citation) == 2 * len(first["references"])


def test_one_batch_saving_a_url_twice_keeps_its_last_answer(writer, run_id, archive_engine):
    """A batch's URL states are written at its end, one per URL: the last answer's."""
    url = "https://example.com/a"
    first = make_record(url, text="First text.")
    second = make_record(url, text="Second text, changed.")
    other = make_record("https://example.com/b", text="Another page.")
    results = writer.save_articles(run_id, [
        (first, {"fetched_at": at(0), "body": b"<p>1</p>", "etag": '"one"'}),
        (other, {"fetched_at": at(1), "body": b"<p>b</p>", "etag": '"b"'}),
        (second, {"fetched_at": at(2), "body": b"<p>2</p>", "etag": '"two"'}),
    ])
    assert results == ["new", "new", "updated"]
    with Session(archive_engine) as session:
        states = {s.url: s for s in session.scalars(select(UrlState))}
        article = session.scalars(select(Article).where(Article.url == url)).one()
        fetched = second["fetched_url"]
        assert set(states) == {fetched, other["fetched_url"]}
        assert (states[fetched].etag, states[fetched].fetched_at) == ('"two"', at(2))
        assert states[fetched].article_id == article.id
        assert states[fetched].raw_page_id == session.scalars(
            select(ArticleVersion.raw_page_id).where(ArticleVersion.id == article.current_version_id)
        ).one()
