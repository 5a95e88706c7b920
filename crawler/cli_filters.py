"""The article filters that ``search``, ``export`` and ``stats`` share on the command
line, read into one ``storage.filters.ArticleFilter``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crawler.errors import UserError

if TYPE_CHECKING:
    from storage.filters import ArticleFilter


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (AND-ed)")
    group.add_argument("--site", help="only this site (host, www. ignored)")
    group.add_argument("--author", help="credited name contains this (any relation; case, dots and spacing ignored)")
    group.add_argument("--category", help="this category (any case)")
    group.add_argument("--kind", choices=("article", "glossary"), help="article or glossary page")
    group.add_argument("--since", metavar="DATE",
                       help="published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    group.add_argument("--until", metavar="DATE",
                       help="published on or before DATE (the whole year, month or day)")
    group.add_argument("--cites-doi", metavar="DOI", help="the reference list cites this DOI")


def read_filters(args: argparse.Namespace) -> ArticleFilter:
    """The ``ArticleFilter`` of the parsed arguments; a bad value is a ``UserError``."""
    from storage.filters import ArticleFilter, FilterError, normalise_doi, parse_period

    try:
        return ArticleFilter(
            site=args.site, author=args.author, category=args.category, kind=args.kind,
            since=parse_period(args.since) if args.since else None,
            until=parse_period(args.until, end=True) if args.until else None,
            cites_doi=normalise_doi(args.cites_doi) if args.cites_doi else None,
        )
    except FilterError as exc:
        raise UserError(str(exc)) from exc


def positive_int(value: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number
