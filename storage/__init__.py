"""The healtharchive archive: models, migrations, writing, export and queries.

Knows nothing of the crawler or the pipelines; it takes and gives plain dicts.
Start with ``storage.db.open_archive`` and ``storage.writer.ArchiveWriter``.
"""
