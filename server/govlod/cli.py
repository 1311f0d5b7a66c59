"""The `govlod` command: validate, build, serve, import."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govlod.settings import Settings
from govlod.sources import SourceError
from govlod.validation import (
    ShapesError,
    SourceErrors,
    format_report,
    load_shapes,
    load_sources,
    report_as_json,
    validate,
)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def _settings(overrides: dict[str, Any]) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def command_validate(args: argparse.Namespace) -> int:
    settings = _settings({"data": args.paths or None})
    started = time.perf_counter()
    try:
        parsed = load_sources(settings.data, settings.ontology_dir)
        shapes = load_shapes(settings.shapes_dir)
    except SourceErrors as errors:
        for error in errors.errors:
            print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    except SourceError as error:
        print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        report = validate(parsed, shapes)
    except ShapesError as error:
        print(f"the shapes in {settings.shapes_dir} cannot be used: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        print(report_as_json(report))
    else:
        print(format_report(report, lang=args.lang))
        print(f"validated in {time.perf_counter() - started:.2f} s")
    return EXIT_OK if report.conforms else EXIT_INVALID


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govlod",
        description="Publish the governance of social-services planning as linked open data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check data and ontology against the SHACL shapes",
        description="Exit 0 when the data conforms, 1 on violations, 2 on unreadable input.",
    )
    check.add_argument("paths", nargs="*", type=Path, help="data folders or files (default: data/)")
    check.add_argument(
        "--lang", choices=["it", "en", "both"], default="both", help="message language"
    )
    check.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    check.set_defaults(handler=command_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except ValidationError as error:
        for problem in error.errors():
            name = "--" + "-".join(str(p) for p in problem["loc"]).replace("_", "-")
            print(f"govlod: {name}: {problem['msg']}", file=sys.stderr)
        return EXIT_UNREADABLE
    return result


if __name__ == "__main__":
    sys.exit(main())
