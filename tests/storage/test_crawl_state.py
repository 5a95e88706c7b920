"""What the archive remembers per URL between crawls (validators, stored body,
article), unchanged pages recorded in batches, 404/410 marking gone, and the 0003
backfill from older archives. On SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, select
from storage_samples import at, make_record

from storage.crawl_state import KnownUrls, UnchangedCheck, iter_known_urls, known_url
from storage.db import alembic_config
from storage.export import iter_article_records
from storage.models import Article, Fetch, UrlState
from storage.writer import ArchiveWriter

URL = "https://example.com/fitness/walking"


def saved(engine: Engine) -> tuple[ArchiveWriter, int]:
    writer = ArchiveWriter(engine)
    run_id = writer.start_run(start_urls=["https://example.com/"])
    writer.save_article(run_id, make_record(fetched_url=URL), fetched_at=at(0), body=b"<html>walk</html>",
                        content_type="text/html", etag='"v1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")
    writer.record_fetch(run_id, url="https://example.com/fitness/", status=200, fetched_at=at(1),
                        outcome="skipped", reason="skip:listing", body=b"<html>listing</html>",
                        content_type="text/html", etag='"l1"')
    return writer, run_id


def test_an_archived_page_and_a_listing_are_remembered(archive_engine):
    saved(archive_engine)
    with archive_engine.connect() as conn:
        article = known_url(conn, URL)
        listing = known_url(conn, "https://example.com/fitness/")
        assert known_url(conn, "https://example.com/other") is None
    assert article.etag == '"v1"' and article.last_modified.startswith("Mon, 02 Mar")
    assert article.article_id is not None and article.can_revalidate
    assert listing.etag == '"l1"' and listing.article_id is None
    known = KnownUrls(archive_engine, ["https://example.com/"])
    assert known.complete and known.get(URL) == article
    assert known.body(article.raw_page_id).body == b"<html>walk</html>"
    assert sorted(iter_known_urls(archive_engine, ["https://example.com/"], batch_size=1)) == [
        "https://example.com/fitness/", URL]
    assert list(iter_known_urls(archive_engine, ["https://other.example/"])) == []


def test_known_urls_past_the_limit_are_looked_up_one_by_one(archive_engine):
    saved(archive_engine)
    known = KnownUrls(archive_engine, ["https://example.com/"], limit=1)
    assert not known.complete
    assert known.get(URL).etag == '"v1"' and known.get("https://example.com/nope") is None


def test_unchanged_pages_move_last_seen_in_one_batch(archive_engine):
    writer, run_id = saved(archive_engine)
    kinds = writer.record_not_modified(run_id, [
        UnchangedCheck(URL, at(100), 304, "http:304"),
        UnchangedCheck("https://example.com/fitness/", at(100), None, "sitemap:lastmod"),
        UnchangedCheck("https://example.com/never-seen", at(100), 304, "http:304"),
    ])
    assert kinds == ["unchanged", "page", "unknown"]
    (record,) = iter_article_records(archive_engine)
    assert record["last_seen"].startswith(at(100).isoformat()[:19]) and record["version"] == 1
    with archive_engine.connect() as conn:
        rows = conn.execute(select(Fetch.url, Fetch.status, Fetch.reason, Fetch.article_id)
                            .where(Fetch.outcome == "unchanged").order_by(Fetch.url)).all()
        checked = conn.execute(select(UrlState.checked_at).where(UrlState.url == URL)).scalar_one()
    assert [(r.url, r.status, r.reason) for r in rows] == [
        ("https://example.com/fitness/", None, "sitemap:lastmod"), (URL, 304, "http:304")]
    assert checked == at(100)


def test_a_404_marks_the_article_gone_and_forgets_its_validators(archive_engine):
    writer, run_id = saved(archive_engine)
    assert writer.record_missing(run_id, url=URL, status=404, fetched_at=at(200), reason="http:404")
    assert not writer.record_missing(run_id, url=URL, status=410, fetched_at=at(300), reason="http:410")
    (record,) = iter_article_records(archive_engine)
    assert record["gone_at"].startswith(at(200).isoformat()[:19])  # the first time it went
    with archive_engine.connect() as conn:
        assert known_url(conn, URL) is None  # a page that comes back is downloaded in full
        gone = conn.execute(select(Article.gone_at)).scalar_one()
    assert gone == at(200)
    writer.save_article(run_id, make_record(fetched_url=URL), fetched_at=at(400), body=b"<html>walk</html>")
    (record,) = iter_article_records(archive_engine)
    assert record["gone_at"] is None


def test_migration_0003_fills_url_states_from_older_fetches(archive_engine):
    saved(archive_engine)
    config = alembic_config()
    with archive_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with archive_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with archive_engine.connect() as conn:
        article = known_url(conn, URL)
        listing = known_url(conn, "https://example.com/fitness/")
    assert article is not None and article.etag == '"v1"' and article.article_id is not None
    assert listing is not None and listing.etag == '"l1"'
