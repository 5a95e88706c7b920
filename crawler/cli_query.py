"""Registers the commands analysts use to read the archive: search, export, stats, browse."""

from __future__ import annotations

from typing import Any


def add_parsers(sub: Any) -> None:
    from crawler import cli_browse, cli_export, cli_search, cli_stats

    for module in (cli_search, cli_export, cli_stats, cli_browse):
        module.add_parser(sub)
