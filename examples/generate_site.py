#!/usr/bin/env python3
"""Render the VitalWell Journal example site (a fictional health site) to a directory.

    python examples/generate_site.py --out examples/site
    python examples/generate_site.py --out /tmp/site-2000 --articles 2000

The first form writes the bundled site and its labels,
tests/fixtures/example_site/expected.json. The second writes a scaled copy for
benchmarks: the hand-written articles plus deterministic recombinations of them,
N articles in all (labels only with --expected). Output is deterministic: the
same content and arguments give byte-identical files.

Content lives in examples/content/ (see sitegen/content.py for its format);
the rendering code in examples/sitegen/. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # allow running from any directory, or importing
    sys.path.insert(0, str(HERE))

from sitegen.build import build_site, write_site  # noqa: E402
from sitegen.content import load_site  # noqa: E402
from sitegen.labels import expected  # noqa: E402
from sitegen.scale import scale_site  # noqa: E402

DEFAULT_EXPECTED = HERE.parent / "tests" / "fixtures" / "example_site" / "expected.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="directory to write the site into (replaced if it holds a generated site)",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=None,
        metavar="N",
        help="scale to N articles in all by recombining the hand-written ones",
    )
    parser.add_argument(
        "--seed", type=int, default=2026, help="random seed for the scaled articles (default 2026)"
    )
    parser.add_argument(
        "--expected",
        type=Path,
        default=None,
        metavar="PATH",
        help="where to write the labels (default: the test fixture for the "
        "bundled site, none for a scaled site)",
    )
    parser.add_argument("--no-expected", action="store_true", help="do not write labels")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    site = load_site()
    if args.articles is not None:
        site = scale_site(site, args.articles, seed=args.seed)
    files, html_paths = build_site(site)
    write_site(files, args.out)

    labels_path = args.expected
    if labels_path is None and args.articles is None:
        labels_path = DEFAULT_EXPECTED
    if labels_path is not None and not args.no_expected:
        labels = expected(site, html_paths=html_paths, broken=[site.broken_link])
        labels_path.parent.mkdir(parents=True, exist_ok=True)
        labels_path.write_text(
            json.dumps(labels, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
        )
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(files)} files ({len(site.articles)} articles, {len(html_paths)} pages) "
        f"to {args.out} in {elapsed:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
