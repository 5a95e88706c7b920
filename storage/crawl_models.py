"""The crawler's memory between runs: what each URL answered last time (for
conditional requests and gone marking) and the scheduled sites with their locks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class UrlState(Base):
    """The last full answer a fetched URL gave: its validators (ETag,
    Last-Modified), when it was downloaded and checked, the raw body kept, and the
    article it is (if any). One row per fetched URL, kept up to date by the writer."""

    __tablename__ = "url_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(unique=True)
    status: Mapped[int | None]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    fetched_at: Mapped[datetime]  # the last full download (200)
    checked_at: Mapped[datetime]  # the last answer of any kind (200, 304, 404...)
    raw_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("raw_pages.id", ondelete="SET NULL"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )


class ScheduledSite(Base):
    """One site of a sites file: when it was last crawled and who holds its lock.

    ``locked_by`` (``host:pid``) is set while a run crawls the site; a lock whose
    ``lock_expires_at`` has passed, or whose process is gone, may be taken over.
    """

    __tablename__ = "scheduled_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )
    locked_by: Mapped[str | None] = mapped_column(String(300))
    locked_at: Mapped[datetime | None]
    lock_expires_at: Mapped[datetime | None]
