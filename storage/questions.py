"""The worked analyst questions of ``docs/querying.md``, read from the document itself.

The document is the one source: Datasette's canned queries and the test that runs
every query come from it. Its format: each question is a ``### N. Title``
heading, a paragraph or more of explanation, then one fenced ``sql`` block that
starts with ``-- name: <identifier>``. A block fenced ``sql sqlite`` or
``sql postgresql`` is that engine's variant (write both); a ``python`` block is
a pandas example that expects ``engine`` to be an open archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ENGINES = ("sqlite", "postgresql")
_HEADING = re.compile(r"^###\s+(\d+)\.\s+(.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w+)(?:[ \t]+(\w+))?[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_NAME = re.compile(r"^--\s*name:\s*([a-z][a-z0-9_]*)\s*$", re.MULTILINE)


class QuestionsError(ValueError):
    """The document breaks its own format; ``str(error)`` says where."""


@dataclass(frozen=True, slots=True)
class Question:
    """One worked question: ``sql`` by engine (the same text for both unless the
    document gives per-engine variants), ``python``: its pandas example, if any."""

    number: int
    name: str
    title: str
    description: str
    sql: dict[str, str] = field(default_factory=dict)
    python: str | None = None


def parse_questions(markdown: str) -> list[Question]:
    """The questions of a ``docs/querying.md``-shaped document, in order."""
    headings = list(_HEADING.finditer(markdown))
    questions: list[Question] = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(markdown)
        body = markdown[heading.end():end]
        number, title = int(heading.group(1)), heading.group(2)
        questions.append(_question(number, title, body))
    names = [question.name for question in questions]
    if len(set(names)) != len(names):
        raise QuestionsError(f"duplicate query names in {names}")
    return questions


def _question(number: int, title: str, body: str) -> Question:
    sql: dict[str, str] = {}
    python: str | None = None
    names: set[str] = set()
    for fence in _FENCE.finditer(body):
        language, engine, code = fence.group(1), fence.group(2), fence.group(3).strip()
        if language == "python":
            python = code
            continue
        if language != "sql":
            continue
        found = _NAME.search(code)
        if found is None:
            raise QuestionsError(f"question {number}: an sql block lacks its '-- name:' line")
        names.add(found.group(1))
        for target in (engine,) if engine else ENGINES:
            if target not in ENGINES:
                raise QuestionsError(f"question {number}: unknown engine {target!r}")
            sql[target] = code
    if len(names) != 1 or set(sql) != set(ENGINES):
        raise QuestionsError(
            f"question {number}: needs one named sql block (or one per engine), found {sorted(names)}"
        )
    prose = _FENCE.sub("", body).strip()
    description = " ".join(prose.split("\n\n")[0].split()) if prose else title
    return Question(number, names.pop(), title, description, sql, python)
