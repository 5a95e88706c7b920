"""Keeping the dedupe index: a signature and band keys for every current body.

``index_versions`` is what the writer calls when versions are inserted or refreshed
(inside its transaction, once per batch of articles): each body is normalised
without the site's learned boilerplate, a new distinct body gets its MinHash
signature and LSH band keys, and the version points at it. ``update_index`` brings
an archive that predates
the index, or was signed with another scheme, up to date: only current versions
without a key are indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import SQLITE_BEGIN_OPTION
from storage.dedupe_defaults import DEFAULT_SCHEME, LshScheme
from storage.dedupe_models import DedupeBandKey, DedupeText, VersionDedupeKey
from storage.dedupe_text import body_text, shingle_hashes, text_sha256
from storage.minhash import band_keys, signature_bytes, signatures
from storage.models import Article, ArticleVersion, SiteBoilerplate

T = TypeVar("T")
BATCH_SIZE = 2000
_IN_CHUNK = 900  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class VersionBody:
    """A version to index: its id, its article's site and its stored text."""

    version_id: int
    site_id: int
    text: str


def index_versions(
    conn: Connection, versions: Sequence[VersionBody], scheme: LshScheme = DEFAULT_SCHEME
) -> int:
    """Point each version at its body's ``DedupeText``, signing and banding the
    bodies not yet in the index. Returns how many new texts were signed."""
    if not versions:
        return 0
    learned = learned_blocks(conn, {v.site_id for v in versions})
    body_of = {v.version_id: body_text(v.text, learned.get(v.site_id, ())) for v in versions}
    sha_of = {version_id: text_sha256(body) for version_id, body in body_of.items()}
    ids = _text_ids(conn, set(sha_of.values()))
    new_bodies: dict[str, str] = {}
    for version_id, sha in sha_of.items():
        if sha not in ids:
            new_bodies.setdefault(sha, body_of[version_id])
    if new_bodies:
        ids.update(_insert_texts(conn, new_bodies, scheme))
    conn.execute(
        insert_for(conn)(VersionDedupeKey)
        .values([{"article_version_id": v, "dedupe_text_id": ids[sha]} for v, sha in sha_of.items()])
        .on_conflict_do_update(
            index_elements=["article_version_id"],
            set_={"dedupe_text_id": insert_for(conn)(VersionDedupeKey).excluded.dedupe_text_id},
        )
    )
    return len(new_bodies)


def learned_blocks(conn: Connection, site_ids: set[int]) -> dict[int, frozenset[str]]:
    """The learned boilerplate fingerprints of each site."""
    found: dict[int, set[str]] = defaultdict(set)
    for chunk in in_chunks(sorted(site_ids)):
        for site_id, sha1 in conn.execute(
            select(SiteBoilerplate.site_id, SiteBoilerplate.block_sha1).where(
                SiteBoilerplate.site_id.in_(chunk)
            )
        ):
            found[site_id].add(sha1)
    return {site_id: frozenset(shas) for site_id, shas in found.items()}


def _text_ids(conn: Connection, shas: set[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in in_chunks(sorted(shas)):
        ids.update(
            conn.execute(
                select(DedupeText.text_sha256, DedupeText.id).where(DedupeText.text_sha256.in_(chunk))
            ).all()
        )
    return ids


def _insert_texts(conn: Connection, bodies: dict[str, str], scheme: LshScheme) -> dict[str, int]:
    """Sign and band new bodies (``{sha256: normalised body}``): their ids."""
    shas = sorted(bodies)  # a fixed order: concurrent writers lock alike
    hashes = [shingle_hashes(bodies[sha], scheme.shingle_size) for sha in shas]
    signed = signatures(hashes, num_perm=scheme.num_perm, seed=scheme.seed)
    keys = band_keys(signed, scheme)
    now = datetime.now(UTC)
    rows = [
        {"text_sha256": sha, "scheme": scheme.name, "shingle_count": len(hashes[i]),
         "minhash": signature_bytes(signed[i]), "indexed_at": now, "paired_at": None}
        for i, sha in enumerate(shas)
    ]
    inserted = dict(
        conn.execute(
            insert_for(conn)(DedupeText)
            .on_conflict_do_nothing(index_elements=["text_sha256"])
            .returning(DedupeText.text_sha256, DedupeText.id),
            rows,
        ).all()
    )
    band_rows = [
        (inserted[sha], band, key)
        for i, sha in enumerate(shas)
        if sha in inserted and len(hashes[i])
        for band, key in enumerate(keys[i].tolist())
    ]
    if band_rows:
        # Plain integers, bands x texts of them: straight to the driver's executemany
        # (SQLAlchemy's per-row parameter processing cost more than the insert itself).
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO {DedupeBandKey.__tablename__} (dedupe_text_id, band, band_key) "
            f"VALUES ({mark}, {mark}, {mark})",
            band_rows,
        )
    missing = set(shas) - set(inserted)  # inserted meanwhile by another writer
    return {**inserted, **_text_ids(conn, missing)}


def update_index(engine: Engine, scheme: LshScheme = DEFAULT_SCHEME) -> int:
    """Drop texts signed with another scheme or no longer any live body's, then index
    every current version that has no key yet, in batches. Returns how many
    versions were indexed."""
    with write_transaction(engine) as conn:
        conn.execute(delete(DedupeText).where(DedupeText.scheme != scheme.name))
        current_keys = (
            select(VersionDedupeKey.dedupe_text_id)
            .join(Article, Article.current_version_id == VersionDedupeKey.article_version_id)
        )
        conn.execute(delete(DedupeText).where(DedupeText.id.not_in(current_keys)))
    indexed = 0
    for batch in _unindexed_batches(engine):
        with write_transaction(engine) as conn:
            index_versions(conn, batch, scheme)
        indexed += len(batch)
    return indexed


def _unindexed_batches(engine: Engine) -> Iterator[list[VersionBody]]:
    after = 0
    while True:
        with engine.connect() as conn:
            batch = [
                VersionBody(version_id, site_id, text)
                for version_id, site_id, text in conn.execute(
                    select(ArticleVersion.id, Article.site_id, ArticleVersion.text)
                    .join(Article, Article.current_version_id == ArticleVersion.id)
                    .outerjoin(VersionDedupeKey, VersionDedupeKey.article_version_id == ArticleVersion.id)
                    .where(VersionDedupeKey.article_version_id.is_(None), ArticleVersion.id > after)
                    .order_by(ArticleVersion.id)
                    .limit(BATCH_SIZE)
                )
            ]
        if not batch:
            return
        yield batch
        after = batch[-1].version_id


def write_transaction(engine: Engine) -> AbstractContextManager[Connection]:
    """A write transaction that takes SQLite's write lock at BEGIN (as the writer's do)."""
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}).begin()


def insert_for(conn: Connection) -> Any:
    """The dialect's ``insert`` (``storage.rows`` calls this module, so not imported from there)."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def in_chunks(items: Sequence[T]) -> Iterator[list[T]]:
    """``items`` in lists short enough for one ``IN (...)``."""
    for start in range(0, len(items), _IN_CHUNK):
        yield list(items[start : start + _IN_CHUNK])
