"""One search syntax for both engines: parsed here, rendered for SQLite FTS5 and
for PostgreSQL ``tsquery``.

The syntax (what ``healtharchive search`` documents):

- ``sleep debt``: every word must appear (AND); words are stemmed (English), so
  ``running`` also finds ``run``; case and accents do not matter.
- ``"sleep debt"``: the words next to each other, in this order.
- ``magnes*``: any word starting with ``magnes`` (letters and digits only, two or more).
- ``apnea OR insomnia``: either. ``OR`` (upper case) binds tighter than the
  implicit AND: ``sleep apnea OR insomnia`` is sleep AND (apnea OR insomnia).
- ``-caffeine``: leave out articles with the word (or ``-"phrase"``, ``-(...)``);
  a query needs at least one term that is not excluded.
- ``( ... )``: grouping, e.g. ``(sleep OR rest) -caffeine``.

Anything else is a ``SearchQueryError`` with a one-line message: an unclosed
quote or parenthesis, a dangling ``OR``, an empty phrase, a term with no letter
or digit, a query of exclusions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column

PG_CONFIG = "english"
_WORD_CHAR = re.compile(r"\w", re.UNICODE)
_PREFIX = re.compile(r"^[^\W_]{2,}$", re.UNICODE)
_TOKEN = re.compile(r'\s+|"[^"]*"?|\(|\)|-(?=[^\s)])|[^\s"()]+')


class SearchQueryError(ValueError):
    """A query that does not parse; ``str(error)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word (``prefix``: any word starting with it)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear next to each other, in order."""

    text: str


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Any of its parts (``OR``)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part of ``include`` and none of ``exclude``."""

    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


Node = Term | Phrase | AnyOf | AllOf


def parse_query(query: str) -> AllOf:
    """The parsed form of a user query, or ``SearchQueryError``."""
    tokens = list(_tokens(query))
    if not tokens:
        raise SearchQueryError("empty search query")
    parser = _Parser(tokens)
    tree = parser.all_of()
    if parser.position < len(tokens):  # only a stray ')' stops all_of early
        raise SearchQueryError("unbalanced ')' in the search query")
    return tree


def _tokens(query: str) -> Iterator[str]:
    for match in _TOKEN.finditer(query):
        token = match.group()
        if token.isspace():
            continue
        if token.startswith('"') and (len(token) == 1 or not token.endswith('"')):
            raise SearchQueryError('unclosed quote (") in the search query')
        yield token


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def all_of(self) -> AllOf:
        include: list[Node] = []
        exclude: list[Node] = []
        while (token := self.peek()) is not None and token != ")":
            if token == "-":
                self.take()
                exclude.append(self.unit())
            else:
                include.append(self.any_of())
        if not include:
            if exclude:
                raise SearchQueryError("a search query needs a term that is not excluded (-)")
            raise SearchQueryError("empty search query" if self.position == 0 else "empty ( )")
        return AllOf(tuple(include), tuple(exclude))

    def any_of(self) -> Node:
        parts = [self.unit()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")", "OR"):
                raise SearchQueryError("OR needs a term on both sides")
            if self.peek() == "-":
                raise SearchQueryError("an excluded term (-) cannot be part of an OR")
            parts.append(self.unit())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def unit(self) -> Node:
        token = self.peek()
        if token is None or token == ")":
            raise SearchQueryError("a term is missing after '-'" if self.position and
                                   self.tokens[self.position - 1] == "-" else "a term is missing")
        self.take()
        if token == "OR":
            raise SearchQueryError("OR needs a term on both sides")
        if token == "(":
            group = self.all_of()
            if self.peek() != ")":
                raise SearchQueryError("unclosed '(' in the search query")
            self.take()
            return group
        if token.startswith('"'):
            text = " ".join(token[1:-1].split())
            if not _WORD_CHAR.search(text):
                raise SearchQueryError(f"nothing to search for in {token}")
            return Phrase(text)
        if token.endswith("*"):
            stem = token.rstrip("*")
            if not _PREFIX.match(stem):
                raise SearchQueryError(
                    f"prefix term {token!r}: use two or more letters or digits before '*'"
                )
            return Term(stem, prefix=True)
        if not _WORD_CHAR.search(token):
            raise SearchQueryError(f"nothing to search for in {token!r}")
        return Term(token)


# -- SQLite FTS5 ------------------------------------------------------------------------


def to_fts5(node: Node) -> str:
    """The FTS5 MATCH expression of a parsed query (every string quoted: FTS5
    syntax in the user's words is never interpreted)."""
    if isinstance(node, Term):
        return _fts5_string(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _fts5_string(node.text)
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(to_fts5(part) for part in node.parts) + ")"
    rendered = "(" + " AND ".join(to_fts5(part) for part in node.include) + ")"
    for part in node.exclude:
        rendered = f"({rendered} NOT {to_fts5(part)})"
    return rendered


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# -- PostgreSQL tsquery ---------------------------------------------------------------


def to_tsquery(node: Node, *, relaxed: bool = False) -> ColumnElement[Any]:
    """A SQL expression of type ``tsquery`` for a parsed query; every user string
    is a bound parameter, normalised by PostgreSQL's English configuration.

    ``relaxed``: phrases (and words the parser splits, like ``omega-3``) that
    must be present become plain ANDs of their words, a query that matches a
    superset of what the exact one does and that a GIN index answers without
    reading any vector (an exact phrase needs the positions). Excluded parts stay
    exact: relaxing them would exclude too much.
    """
    config: ColumnElement[Any] = literal_column(f"'{PG_CONFIG}'::regconfig")
    if isinstance(node, Term) and node.prefix:
        return func.to_tsquery(config, f"'{node.text}':*")
    if isinstance(node, Term | Phrase):
        return (func.plainto_tsquery if relaxed else func.phraseto_tsquery)(config, node.text)
    if isinstance(node, AnyOf):
        return _fold(func.tsquery_or, [to_tsquery(part, relaxed=relaxed) for part in node.parts])
    combined = _fold(func.tsquery_and, [to_tsquery(part, relaxed=relaxed) for part in node.include])
    for part in node.exclude:
        combined = func.tsquery_and(combined, func.tsquery_not(to_tsquery(part)))
    return combined


def wanted_part(node: AllOf) -> AllOf:
    """The query without its exclusions: what ranking weighs (``ts_rank`` of a query
    with ``!word`` in it is next to nothing for every article that matches it)."""
    return AllOf(tuple(_without_exclusions(part) for part in node.include))


def _without_exclusions(node: Node) -> Node:
    if isinstance(node, AllOf):
        return wanted_part(node)
    if isinstance(node, AnyOf):
        return AnyOf(tuple(_without_exclusions(part) for part in node.parts))
    return node


def to_any_tsquery(node: Node) -> ColumnElement[Any]:
    """A ``tsquery`` that any of the query's wanted words or phrases (relaxed to their
    words) matches: what a title must hold to make an article a likely best match."""
    return _fold(func.tsquery_or, [to_tsquery(unit, relaxed=True) for unit in _wanted_units(node)])


def ands_wanted(node: Node) -> bool:
    """Whether the query wants two of its words or phrases together (an AND between
    them); if not, any one of them is what its relaxed form asks for."""
    if isinstance(node, Term | Phrase):
        return False
    parts = node.parts if isinstance(node, AnyOf) else node.include
    return (isinstance(node, AllOf) and len(parts) > 1) or any(ands_wanted(part) for part in parts)


def _wanted_units(node: Node) -> Iterator[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        yield node
    else:
        for part in node.parts if isinstance(node, AnyOf) else node.include:
            yield from _wanted_units(part)


def _fold(combine: Any, parts: list[ColumnElement[Any]]) -> ColumnElement[Any]:
    result = parts[0]
    for part in parts[1:]:
        result = combine(result, part)
    return result
