"""Each code list's CSV projection: its header is its data package's fields, it has one row per
concept, and the data package's JSON-LD context turns every row back into the list's own RDF."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import yaml
from rdflib.namespace import RDF, SKOS

from tests.ndc.conftest import DCATAPIT_DATASET, graph_of


def _package(folder: Path) -> dict[str, object]:
    document = yaml.safe_load((folder / "datapackage.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _table(folder: Path, resource: dict[str, object]) -> list[dict[str, str]]:
    dialect = resource["dialect"]
    assert isinstance(dialect, dict)
    text = (folder / str(resource["path"])).read_bytes().decode("utf-8")
    assert all(line.endswith("\r") for line in text.split("\n")[:-1])  # the declared line terminator
    return list(
        csv.DictReader(io.StringIO(text, newline=""), delimiter=dialect["delimiter"], quotechar=dialect["quoteChar"])
    )


def test_the_header_is_the_data_package_fields_and_each_concept_is_a_row(vocabularies: list[Path]) -> None:
    for folder in vocabularies:
        package = _package(folder)
        assert package["name"] == folder.name  # the key concept names the package
        [resource] = package["resources"]  # type: ignore[misc]
        assert resource["path"] == f"{folder.name}.csv" and resource["encoding"] == "utf-8"
        fields = [f["name"] for f in resource["schema"]["fields"]]
        table = _table(folder, resource)
        assert table and list(table[0]) == fields
        assert all(name.isascii() and name.replace("_", "").isalnum() and 2 <= len(name) <= 64 for name in fields)
        graph = graph_of(folder / f"{folder.name}.ttl")
        [scheme] = list(graph.subjects(RDF.type, DCATAPIT_DATASET))
        assert {row["uri"] for row in table} == {str(c) for c in graph.subjects(SKOS.inScheme, scheme)}


def test_the_json_ld_context_maps_every_row_back_to_the_code_list(vocabularies: list[Path]) -> None:
    for folder in vocabularies:
        package = _package(folder)
        [resource] = package["resources"]  # type: ignore[misc]
        schema = resource["schema"]
        context = schema["x-jsonld-context"]["@context"]
        nodes = [{**row, "@type": schema["x-jsonld-type"]} for row in _table(folder, resource)]
        document = json.dumps({"@context": context, "@graph": nodes}).encode("utf-8")
        projected = {
            ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(document, format=ox.RdfFormat.JSON_LD)
        }
        original = set(ox.parse(path=folder / f"{folder.name}.ttl", format=ox.RdfFormat.TURTLE))
        assert len(projected) == 6 * len(nodes)  # a type, a notation, two labels, two definitions each
        missing = [t for t in projected if ox.Quad(t.subject, t.predicate, t.object) not in original]
        assert missing == [], missing[:3]
