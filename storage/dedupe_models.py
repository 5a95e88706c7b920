"""The dedupe index: what the reports compare, kept up to date at ingest.

Versions with the same normalised body share one ``DedupeText``: its MinHash
signature is computed once and its LSH band keys (``DedupeBandKey``) are indexed,
so a new text finds its candidates by a few index lookups. ``paired_at`` is
empty until the text has been compared with its candidates; the verified pairs at
or above the index's floor similarity are kept in ``DedupeSimilarity``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class DedupeText(Base):
    """One distinct normalised body (learned boilerplate removed), by its SHA-256.

    ``scheme`` names how it was signed (``LshScheme.name``); ``minhash`` is the
    signature as little-endian ``uint32`` values; ``shingle_count`` the number of
    distinct word shingles; ``paired_at`` when it was compared with its candidates.
    """

    __tablename__ = "dedupe_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[str] = mapped_column(String(96))
    shingle_count: Mapped[int]
    minhash: Mapped[bytes]
    indexed_at: Mapped[datetime]
    paired_at: Mapped[datetime | None] = mapped_column(index=True)


class VersionDedupeKey(Base):
    """Which ``DedupeText`` an article version's body is."""

    __tablename__ = "version_dedupe_keys"

    article_version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id", ondelete="CASCADE"), primary_key=True
    )
    dedupe_text_id: Mapped[int] = mapped_column(
        ForeignKey("dedupe_texts.id", ondelete="CASCADE"), index=True
    )


class DedupeBandKey(Base):
    """One LSH band of a text's signature: texts sharing a ``band_key`` are candidates."""

    __tablename__ = "dedupe_band_keys"
    __table_args__ = (Index(None, "band_key", "dedupe_text_id"),)

    dedupe_text_id: Mapped[int] = mapped_column(
        ForeignKey("dedupe_texts.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    band_key: Mapped[int] = mapped_column(BigInteger)


class DedupeSimilarity(Base):
    """A verified pair of texts (``dedupe_text_id < similar_text_id``) and the
    Jaccard similarity of their shingle sets."""

    __tablename__ = "dedupe_similarities"

    dedupe_text_id: Mapped[int] = mapped_column(
        ForeignKey("dedupe_texts.id", ondelete="CASCADE"), primary_key=True
    )
    similar_text_id: Mapped[int] = mapped_column(
        ForeignKey("dedupe_texts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    jaccard: Mapped[float] = mapped_column(Float)
