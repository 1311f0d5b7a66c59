"""The `govlod` command: validate, build, serve, import, export, template, ndc-export."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr, ValidationError

from govlod.importing.definitions import SHEETS
from govlod.settings import Settings
from govlod.sources import SourceError, os_reason
from govlod.store import BuildInProgress, NoStore, StoreFolder, StoreWriteError

# The build, the importer and the validation machinery (pyshacl) are imported inside the commands
# that use them: `govlod serve` on a store already built never loads them.

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C
KEEP_ALIVE_SECONDS = 30  # how long an idle HTTP connection stays open (see command_serve)


def _settings(overrides: dict[str, Any]) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def command_validate(args: argparse.Namespace) -> int:
    from govlod.validation import (
        ShapesError,
        SourceErrors,
        dataset_sources,
        format_report,
        load_shapes,
        report_as_json,
        validate_sources,
    )

    settings = _settings({"data": args.paths or None})
    started = time.perf_counter()
    say = (lambda _: None) if args.format == "json" else print
    try:
        sources = dataset_sources(settings.data, settings.ontology_dir)
        shapes = load_shapes(settings.shapes_dir)
        report = validate_sources(sources, shapes, say=say)
    except SourceErrors as errors:
        for error in errors.errors:
            print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    except SourceError as error:
        print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    except ShapesError as error:
        print(f"the shapes in {settings.shapes_dir} cannot be used: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        print(report_as_json(report))
    else:
        print(format_report(report, lang=args.lang))
        print(f"validated in {time.perf_counter() - started:.2f} s")
    return EXIT_OK if report.conforms else EXIT_INVALID


def _store_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "store_url": args.store_url,
        "store_update_url": args.store_update_url,
        "store_data_url": args.store_data_url,
        "store_user": args.store_user,
        "store_password": args.store_password,
        "store_token_file": args.store_token_file,
    }


def command_build(args: argparse.Namespace) -> int:
    settings = _settings({"data": args.data, "store": args.store, "base_iri": args.base_iri, **_store_options(args)})
    return _run_build(settings, check=not args.skip_validation)


def _run_build(settings: Settings, check: bool) -> int:
    from govlod.build import DataDoesNotConform, LoaderStopped, build
    from govlod.stores.remote.connection import StoreError
    from govlod.validation import ShapesError, SourceErrors, format_report

    try:
        build(settings, check=check, say=print)
    except (SourceErrors, SourceError) as error:
        for problem in getattr(error, "errors", [error]):
            print(problem, file=sys.stderr)
        return EXIT_UNREADABLE
    except DataDoesNotConform as failure:
        print(format_report(failure.report), file=sys.stderr)
        print("the store was not changed", file=sys.stderr)
        return EXIT_INVALID
    except ShapesError as error:
        unusable = f"the shapes in {settings.shapes_dir} cannot be used: {error}"
        print(f"{unusable}; the store was not changed", file=sys.stderr)
        return EXIT_UNREADABLE
    except BuildInProgress as error:
        print(f"govlod: {error}: the store was not changed", file=sys.stderr)
        return EXIT_UNREADABLE
    except (StoreWriteError, LoaderStopped) as error:
        # One line: the file and why, then that nothing was switched.
        print(f"govlod: {error}; the store was not changed", file=sys.stderr)
        return EXIT_UNREADABLE
    except StoreError as error:
        print(f"govlod: {error}", file=sys.stderr)
        print("the store still serves the build it served before", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def _store_needs_build(settings: Settings) -> str | None:
    """Why the store must be built before serving, or None when the current build will do.

    With a remote store, the build it serves must be one whose files are in the store folder.
    """
    folder = StoreFolder(settings.store_dir)
    if settings.store_url is not None:
        from govlod.stores.remote.connection import Connection
        from govlod.stores.remote.layout import served_build

        connection = Connection(settings)
        try:
            served = served_build(connection, settings.base_iri)
        finally:
            connection.close()
        if served is None:
            return f"the store at {connection.name} serves no build yet"
        try:
            info = folder.info_of(served)
        except NoStore:
            raise NoStore(
                f"the store at {connection.name} serves build {served}, whose files are not in "
                f"{folder.root}/builds: copy them from the machine that built it, or build again"
            ) from None
    else:
        try:
            info = folder.info()
        except NoStore:
            return f"no store in {settings.store_dir} yet"
    if info.base_iri != settings.base_iri:
        return f"the store was built for {info.base_iri}, not {settings.base_iri}"
    return None


def _export(settings: Settings) -> None:
    """Hand the settings to uvicorn's worker processes, which read GOVLOD_* variables."""
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        variable = f"GOVLOD_{name.upper()}"
        if isinstance(value, SecretStr):
            os.environ[variable] = value.get_secret_value()
        elif isinstance(value, list):
            os.environ[variable] = os.pathsep.join(str(v) for v in value)
        else:
            os.environ[variable] = str(value)


def command_serve(args: argparse.Namespace) -> int:
    settings = _settings(
        {
            "data": args.data,
            "store": args.store,
            "base_iri": args.base_iri,
            "host": args.host,
            "port": args.port,
            "workers": args.workers,
            "query_timeout": args.query_timeout,
            "max_rows": args.max_rows,
            "query_processes": args.query_processes,
            "allow_service": args.allow_service or None,
            "memory_copy_triples": args.memory_copy_triples,
            "max_body_bytes": args.max_body_bytes,
            "max_query_length": args.max_query_length,
            "max_concurrent_queries": args.max_concurrent_queries,
            "reconcile_batch_size": args.reconcile_batch_size,
            **_store_options(args),
        }
    )
    from govlod.stores.remote.connection import StoreError

    try:
        reason = _store_needs_build(settings)
    except (StoreError, NoStore) as error:
        print(f"govlod: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if reason is not None:
        print(f"building: {reason}")
        status = _run_build(settings, check=True)
        if status != EXIT_OK:
            return status
    _export(settings)
    uvicorn.run(
        "govlod.web.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        # Idle keep-alive connections stay open well past the Retry-After a refused client is
        # given: a client that waits as told and sends again on the same connection must not
        # meet a connection closed under it (uvicorn's default is 5 s).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return EXIT_OK


def command_import(args: argparse.Namespace) -> int:
    from govlod.importing.command import import_sheets

    settings = _settings({})
    out = args.out or settings.home / "data" / args.publisher
    result = import_sheets(args.paths, args.publisher, out, settings.ontology_dir, args.name or args.publisher)
    if result.problems:
        for problem in result.problems:
            print(problem.bilingual(), file=sys.stderr)  # in Italian, then in English beneath it
        count = len(result.problems)
        print(f"{count} problem{'a' if count == 1 else 'i'}: non è stato scritto nulla", file=sys.stderr)
        print(f"{count} problem{'s' if count != 1 else ''}: nothing was written", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {result.triples} triples to {result.output}; check them with: govlod validate {out}")
    return EXIT_OK


EXIT_NOT_HELD = 2  # `govlod export`: the data holds what the sheets cannot, and nothing was written


def command_export(args: argparse.Namespace) -> int:
    from govlod.importing.export import ExportError, default_data, export_data, output_format, write

    settings = _settings({})
    try:
        kind = output_format(args.format, args.out)
        paths = args.data or [default_data(settings.home / "data", args.publisher)]
        exported, codes = export_data(paths, args.publisher, settings.ontology_dir)
        summary = exported.summary()
        if summary and not args.partial:
            print(f"govlod: {summary[0]}", file=sys.stderr)
            for line in summary[1:]:
                print(line, file=sys.stderr)
            print("nothing was written; --partial writes what the sheets can hold", file=sys.stderr)
            return EXIT_NOT_HELD
        written = write(exported, kind, args.out, codes)
    except ExportError as error:
        print(f"govlod: {error}", file=sys.stderr)
        return EXIT_INVALID
    if summary:
        print(f"warning: {summary[0]}", file=sys.stderr)
        for line in summary[1:]:
            print(line, file=sys.stderr)
    for path in written:
        print(f"wrote {path}")
    print(f"rows: {exported.counts()} ({len(exported.triples)} triples)")
    sheets = args.out if kind == "csv" else written[0]
    named = f" --name {exported.name}" if exported.name else ""
    print(f"to import it again: govlod import {sheets} --publisher {args.publisher}{named}")
    return EXIT_OK


def command_template(args: argparse.Namespace) -> int:
    from govlod.importing.command import code_lists
    from govlod.importing.templates import write_template

    settings = _settings({})
    try:
        written = write_template(args.format, args.out, code_lists(settings.ontology_dir))
    except OSError as error:
        where = error.filename or args.out
        print(f"govlod: {where}: cannot write: {os_reason(error)}", file=sys.stderr)
        return EXIT_UNREADABLE
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def command_ndc_export(args: argparse.Namespace) -> int:
    from govlod.ndc.assets import AssetError
    from govlod.ndc.export import export_repository
    from govlod.ndc.publiccode import PubliccodeError

    settings = _settings({})
    try:
        exported = export_repository(
            settings.ontology_dir, args.out, ipa_code=args.ipa_code, repository=args.repository
        )
    except SourceError as error:
        print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    except (AssetError, PubliccodeError) as error:
        print(f"govlod: {error}; nothing was exported", file=sys.stderr)
        return EXIT_INVALID
    for note in exported.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(exported.files)} files to {args.out}")
    return EXIT_OK


def _add_data_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data",
        action="append",
        type=Path,
        metavar="DIR",
        help="data folder or file (repeatable; default: data/)",
    )
    command.add_argument("--store", type=Path, metavar="DIR", help="store folder (default: store/)")
    command.add_argument("--base-iri", metavar="URL", help="rewrite the dataset's IRIs to this base")
    remote = command.add_argument_group(
        "remote store", "build into and serve from a SPARQL 1.1 store instead of the embedded one"
    )
    remote.add_argument("--store-url", metavar="URL", help="the store's SPARQL query endpoint")
    remote.add_argument("--store-update-url", metavar="URL", help="its SPARQL update endpoint (default: --store-url)")
    remote.add_argument(
        "--store-data-url", metavar="URL", help="its endpoint taking a POST of N-Quads, for faster loading"
    )
    remote.add_argument("--store-user", metavar="NAME", help="user name for the store")
    remote.add_argument(
        "--store-password", metavar="SECRET", help="password for the store (better: GOVLOD_STORE_PASSWORD)"
    )
    remote.add_argument("--store-token-file", type=Path, metavar="FILE", help="file holding a bearer token")


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
    check.add_argument("--lang", choices=["it", "en", "both"], default="both", help="message language")
    check.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    check.set_defaults(handler=command_validate)

    build_command = commands.add_parser(
        "build",
        help="validate the data and load it into a fresh store, then switch to it",
        description="The previous store keeps serving until the new one is complete.",
    )
    _add_data_options(build_command)
    build_command.add_argument(
        "--skip-validation",
        action="store_true",
        help="load without SHACL validation (data already checked)",
    )
    build_command.set_defaults(handler=command_build)

    serve = commands.add_parser(
        "serve",
        help="serve the SPARQL endpoint and the linked data (building the store first if needed)",
        description="Every option also reads a GOVLOD_* environment variable, e.g. GOVLOD_PORT.",
    )
    _add_data_options(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="uvicorn worker processes (default 1)")
    serve.add_argument("--query-timeout", type=float, metavar="SECONDS", help="SPARQL time limit (default 30)")
    serve.add_argument("--max-rows", type=int, help="most rows or triples in an answer (default 100000)")
    serve.add_argument("--query-processes", type=int, help="processes running queries, per worker (default 2)")
    serve.add_argument("--allow-service", action="store_true", help="allow SPARQL SERVICE (federated) queries")
    serve.add_argument("--max-body-bytes", type=int, metavar="N", help="largest request body (default 1048576)")
    serve.add_argument("--max-query-length", type=int, metavar="N", help="most characters of a query (default 100000)")
    serve.add_argument(
        "--max-concurrent-queries", type=int, metavar="N", help="queries at once per worker, then 503 (default 32)"
    )
    serve.add_argument(
        "--reconcile-batch-size", type=int, metavar="N", help="most queries in a reconciliation batch (default 50)"
    )
    serve.add_argument(
        "--memory-copy-triples",
        type=int,
        metavar="N",
        help="memory copy of stores up to N triples per query process (default: 600k in all)",
    )
    serve.set_defaults(handler=command_serve)

    sheets = commands.add_parser(
        "import",
        help="turn a publisher's sheets (CSV files, an .xlsx or .ods workbook) into Turtle in the govlod vocabulary",
        description=f"Sheets: {', '.join(sheet.name for sheet in SHEETS)}, with "
        "Italian column names in the first row: CSV files named after them (posti.csv, UTF-8), or the sheets of "
        "an .xlsx or .ods workbook named after them (other sheets, such as Leggimi, are ignored). Start from "
        "`govlod template` or data/templates/. Every problem is reported at once, named by file and row "
        "(posti.csv:7: ruolo: ...) or by sheet and cell (posti!D7 (ruolo): ...); when there is any, "
        "nothing is written.",
    )
    sheets.add_argument(
        "paths", nargs="+", type=Path, help="folders with CSV sheets, CSV sheet files, or .xlsx/.ods workbooks"
    )
    sheets.add_argument("--publisher", required=True, help="the publisher's slug, e.g. provincia-novara")
    sheets.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: data/PUBLISHER/)")
    sheets.add_argument(
        "--name",
        metavar="NAME",
        help="the file to write, DIR/NAME.ttl, and so the named graph (default: PUBLISHER): the file an "
        "export was made from, to replace it (e.g. --name coordinamento-enti-gestori)",
    )
    sheets.set_defaults(handler=command_import)

    export = commands.add_parser(
        "export",
        help="write a publisher's data back as the sheets `govlod import` reads, to edit and import again",
        description="Reads the publisher's data (by default data/PUBLISHER/PUBLISHER.ttl, what `govlod import "
        "--publisher PUBLISHER` writes) and writes it as a filled-in template: an .xlsx or .ods workbook with the "
        "Leggimi sheet, notes and dropdowns, or a folder of CSV sheets. Importing them again with the same "
        "--publisher gives the same Turtle. Exit 0 when written; 1 when the data cannot be read or nothing can "
        "be written; 2 when the data holds what the sheets cannot (listed by predicate and class), unless "
        "--partial, which writes the rest and warns.",
    )
    export.add_argument("--publisher", required=True, help="the publisher's slug, e.g. provincia-novara")
    export.add_argument(
        "--format", choices=("xlsx", "ods", "csv"), help="default: as --out names it (govlod.ods), else xlsx"
    )
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="the workbook to write (a folder: PATH/govlod.xlsx or .ods); for csv, the folder",
    )
    export.add_argument(
        "--data",
        action="append",
        type=Path,
        metavar="FILE_OR_DIR",
        help="the data to export (repeatable; default: data/PUBLISHER/PUBLISHER.ttl)",
    )
    export.add_argument(
        "--partial", action="store_true", help="write what the sheets can hold, warning of the rest, instead of failing"
    )
    export.set_defaults(handler=command_export)

    template = commands.add_parser(
        "template",
        help="write the empty sheets `govlod import` reads: an .xlsx or .ods workbook, or CSV files",
        description="A workbook has a Leggimi sheet explaining every sheet and column, a note on every header "
        "cell, and dropdown lists for the columns that take a code-list value or the code of another sheet's "
        "row. CSV templates are the header rows only, with the explanations in README.txt.",
    )
    template.add_argument("--format", choices=("xlsx", "ods", "csv"), default="xlsx", help="default: xlsx")
    template.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="the workbook to write (a folder: PATH/govlod.xlsx or .ods); for csv, the folder",
    )
    template.set_defaults(handler=command_template)

    ndc = commands.add_parser(
        "ndc-export",
        help="write the vocabulary and its code lists as a repository the National Data Catalog harvests",
        description="Writes publiccode.yml, assets/ontologies/NAME/VERSION/ and assets/controlled-vocabularies/KEY/ "
        "(Turtle, CSV and datapackage.yaml) as schema.gov.it's guide lays them out. Each asset folder is "
        "rewritten; other files in DIR are kept.",
    )
    ndc.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the repository folder (created if missing)"
    )
    ndc.add_argument("--ipa-code", metavar="CODE", help="IPA code of the administration publishing the repository")
    ndc.add_argument("--repository", metavar="URL", help="the repository's URL, for publiccode.yml")
    ndc.set_defaults(handler=command_ndc_export)
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
    except OSError as error:
        # A file or folder no command expected to fail on (a store folder that cannot be read):
        # the user gets its name and the reason, not a traceback.
        where = f"{error.filename}: " if error.filename else ""
        print(f"govlod: {where}{os_reason(error)}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("govlod: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return result


if __name__ == "__main__":
    sys.exit(main())
