"""A code list's CSV projection and its frictionless data package, whose JSON-LD context maps each
column back to the SKOS property it was read from, as the NDC guide asks."""

from __future__ import annotations

import csv
import io
from typing import Any

import pyoxigraph as ox

from govlod.ndc.assets import DCT, OWL, SKOS, CodeList
from govlod.ndc.queries import COLUMNS, csv_query

LINE_END = "\r\n"
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": LINE_END, "header": True}


def rows(store: ox.Store, key: str) -> list[list[str]]:
    """The code list `key` as the endpoint's CSV distribution has it: one row per concept."""
    answer = store.query(csv_query(key))
    assert isinstance(answer, ox.QuerySolutions)
    return [[_text(solution[column.name]) for column in COLUMNS] for solution in answer]


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def csv_text(table: list[list[str]]) -> str:
    """RFC 4180 CSV with every value quoted: the guide asks for quoted strings, and every column is one."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=LINE_END)
    writer.writerow([column.name for column in COLUMNS])
    writer.writerows(table)
    return out.getvalue()


def datapackage(code_list: CodeList, licence: str) -> dict[str, Any]:
    """The data package describing `<key>.csv`: named after the key concept, as the NDC tools read it."""
    title, description = code_list.texts(DCT + "title"), code_list.texts(DCT + "description")
    context: dict[str, Any] = {"skos": SKOS}
    context.update({column.name: column.term for column in COLUMNS})
    return {
        "profile": "tabular-data-package",
        "name": code_list.name,
        "id": code_list.iri,
        "title": title.get("it", code_list.name),
        "description": description.get("it", ""),
        "version": code_list.first(OWL + "versionInfo"),
        "created": code_list.first(DCT + "issued"),
        "licenses": [{"name": licence, "path": code_list.first(DCT + "license")}],
        "resources": [
            {
                "name": code_list.name,
                "path": f"{code_list.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "schema": {
                    "x-jsonld-type": "skos:Concept",
                    "x-jsonld-context": {"@context": context},
                    "primaryKey": "uri",
                    "fields": [{"name": c.name, "type": "string", "description": c.description} for c in COLUMNS],
                },
            }
        ],
    }
