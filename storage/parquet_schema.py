"""The Parquet export's schema: one row per record, lists kept as lists.

``authors``, ``sections`` and ``references`` are ``list<struct>`` columns with the
record's field names, ``tags``, ``affiliate_links`` and ``flags`` are
``list<string>``, and the scalar fields keep their record types (timestamps stay the
ISO strings of the JSON records, so the two formats compare equal).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["AUTHOR", "REFERENCE", "SCHEMA", "SECTION"]

_string, _int = pa.string(), pa.int64()
AUTHOR = pa.struct([("name", _string), ("role", _string), ("bio", _string), ("url", _string),
                    ("relation", _string)])
SECTION = pa.struct([("heading", _string), ("level", _int), ("kind", _string), ("text", _string)])
REFERENCE = pa.struct([("text", _string), ("title", _string), ("year", _int), ("url", _string),
                       ("doi", _string), ("pmid", _string)])

# Field order and nullability follow article.schema.json, then the export's extras.
SCHEMA = pa.schema([
    pa.field("url", _string, nullable=False),
    pa.field("site", _string, nullable=False),
    pa.field("kind", _string, nullable=False),
    pa.field("title", _string, nullable=False),
    pa.field("published", _string),
    pa.field("updated", _string),
    pa.field("authors", pa.list_(AUTHOR), nullable=False),
    pa.field("category", _string),
    pa.field("tags", pa.list_(_string), nullable=False),
    pa.field("language", _string),
    pa.field("text", _string, nullable=False),
    pa.field("sections", pa.list_(SECTION), nullable=False),
    pa.field("references", pa.list_(REFERENCE), nullable=False),
    pa.field("affiliate_links", pa.list_(_string), nullable=False),
    pa.field("flags", pa.list_(_string), nullable=False),
    pa.field("content_hash", _string, nullable=False),
    pa.field("first_seen", _string, nullable=False),
    pa.field("last_seen", _string, nullable=False),
    pa.field("version", _int, nullable=False),
    pa.field("gone_at", _string),
    pa.field("fetched_url", _string, nullable=False),
])
