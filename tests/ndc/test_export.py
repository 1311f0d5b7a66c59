"""The repository `govlod ndc-export` writes: laid out, named and encoded as the National Data
Catalog's guide asks, and free of results under both NDC SHACL rule sets."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, SH

from govlod.ndc.assets import AssetError
from govlod.ndc.export import export_repository
from tests.helpers import PROJECT, run_govlod
from tests.ndc.conftest import DCATAPIT_DATASET, NDC_RULES, graph_of

# The guide's rules, written here from its text rather than taken from the code under test.
NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
VERSION = re.compile(r"latest|v?[0-9]+(\.[0-9]+){0,2}")
ASSET_SUFFIXES = {".ttl", ".csv", ".yaml", ".md"}
NDC = rdflib.Namespace("https://w3id.org/italia/onto/NDC/")
ADMSAPIT = rdflib.Namespace("https://w3id.org/italia/onto/ADMS/")


def test_the_repository_has_the_folders_and_files_the_ndc_reads(repository: Path) -> None:
    assert (repository / "publiccode.yml").is_file()
    assert (repository / "assets" / "ontologies").is_dir()
    assert (repository / "assets" / "controlled-vocabularies").is_dir()


def test_every_file_and_folder_name_follows_the_pattern(repository: Path, vocabularies: list[Path]) -> None:
    for path in repository.rglob("*"):
        assert NAME.fullmatch(path.name), path
    # Folders of datasets should be lower case.
    assert vocabularies and all(folder.name == folder.name.lower() for folder in vocabularies)


def test_the_ontology_is_published_in_a_folder_named_after_its_version(repository: Path) -> None:
    ontologies = [p for p in (repository / "assets" / "ontologies").iterdir() if p.is_dir()]
    assert [o.name for o in ontologies] == ["govlod"]
    versions = [p for p in ontologies[0].iterdir() if p.is_dir()]
    assert len(versions) == 1 and VERSION.fullmatch(versions[0].name)
    files = sorted(versions[0].iterdir())
    assert [f.name for f in files] == ["govlod.ttl"]
    graph = graph_of(files[0])
    [ontology] = list(graph.subjects(RDF.type, OWL.Ontology))
    assert str(graph.value(ontology, OWL.versionInfo)) == versions[0].name
    # The file need not be named after the IRI's last segment when the IRI is a w3id redirect.
    assert str(ontology).startswith("https://w3id.org/")
    assert files[0].read_bytes() == (PROJECT / "ontology" / "govlod.ttl").read_bytes()


def test_each_code_list_file_is_named_after_its_folder_and_its_iri(vocabularies: list[Path]) -> None:
    assert {v.name for v in vocabularies} == {
        "actor-category",
        "body-kind",
        "capacity",
        "decision-rule-kind",
        "governance-body-kind",
        "governance-level",
        "holder-status",
        "role",
        "rule-base",
        "vote-outcome",
        "voting-basis",
    }
    for folder in vocabularies:
        assert sorted(f.name for f in folder.iterdir()) == sorted(
            [f"{folder.name}.ttl", f"{folder.name}.csv", "datapackage.yaml"]
        )
        graph = graph_of(folder / f"{folder.name}.ttl")
        # The harvester takes the one dcatapit:Dataset of the file as the vocabulary.
        [dataset] = list(graph.subjects(RDF.type, DCATAPIT_DATASET))
        assert str(dataset).rsplit("/", 1)[-1] == folder.name
        assert str(graph.value(dataset, NDC.keyConcept)) == folder.name


def test_only_utf8_turtle_carries_rdf(repository: Path) -> None:
    assets = repository / "assets"
    for path in assets.rglob("*"):
        if path.is_dir():
            if not any(child.is_dir() for child in path.iterdir()) and path != assets:
                assert any(child.suffix == ".ttl" for child in path.iterdir()), f"{path} has no Turtle file"
            continue
        assert path.suffix in ASSET_SUFFIXES, path
        path.read_bytes().decode("utf-8")  # strict: raises on anything but UTF-8
        if path.suffix == ".ttl":
            assert len(graph_of(path)) > 0, path


@pytest.mark.skipif(not NDC_RULES.is_dir(), reason="the NDC rules live in ../shared/standards")
@pytest.mark.parametrize("rules", ["ontology-rules.shacl", "vocabulary-rules.shacl"])
def test_both_ndc_rule_sets_report_nothing_on_any_file(repository: Path, rules: str) -> None:
    shapes = rdflib.Graph().parse(NDC_RULES / rules, format="turtle")
    for path in sorted(repository.rglob("*.ttl")):
        conforms, report, text = pyshacl.validate(graph_of(path), shacl_graph=shapes, advanced=True, inference="none")
        assert conforms and not list(report.subjects(RDF.type, SH.ValidationResult)), f"{path.name}: {text}"


@pytest.mark.skipif(not NDC_RULES.is_dir(), reason="the NDC rules live in ../shared/standards")
@pytest.mark.parametrize(
    ("rules", "file", "missing"),
    [
        ("ontology-rules.shacl", "assets/ontologies/govlod/0.1.0/govlod.ttl", ADMSAPIT.hasKeyClass),
        (
            "ontology-rules.shacl",
            "assets/ontologies/govlod/0.1.0/govlod.ttl",
            rdflib.URIRef("http://www.w3.org/ns/dcat#keyword"),
        ),
        ("vocabulary-rules.shacl", "assets/controlled-vocabularies/role/role.ttl", NDC.keyConcept),
        ("vocabulary-rules.shacl", "assets/controlled-vocabularies/role/role.ttl", OWL.versionInfo),
    ],
)
def test_the_ndc_rules_see_a_missing_property(repository: Path, rules: str, file: str, missing: rdflib.URIRef) -> None:
    """The rules' SPARQL targets need SHACL-AF: without this check zero results could mean no target at all."""
    graph = graph_of(repository / file)
    graph.remove((None, missing, None))
    shapes = rdflib.Graph().parse(NDC_RULES / rules, format="turtle")
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, advanced=True, inference="none")
    paths = set(report.objects(None, SH.resultPath))
    assert not conforms and paths == {missing}


def test_the_command_rewrites_its_asset_folders_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "repository"
    stale = out / "assets" / "controlled-vocabularies" / "role" / "roles-2025.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old\n", encoding="utf-8")
    (out / "README.md").write_text("# Semantic assets\n", encoding="utf-8")
    result = run_govlod("ndc-export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 35 files" in result.stdout  # the ontology's 2, and 3 for each of the 11 code lists
    assert "--ipa-code" in result.stderr  # the IPA code the NDC needs was not given
    assert not stale.exists()
    assert (out / "README.md").read_text(encoding="utf-8") == "# Semantic assets\n"
    assert (out / "assets" / "controlled-vocabularies" / "role" / "role.ttl").is_file()


def test_a_version_that_cannot_name_a_folder_is_refused(tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(PROJECT / "ontology", ontology)
    source = ontology / "govlod.ttl"
    source.write_text(
        source.read_text(encoding="utf-8").replace('owl:versionInfo "0.1.0"', 'owl:versionInfo "0.1 beta"')
    )
    with pytest.raises(AssetError, match="versionInfo"):
        export_repository(ontology, tmp_path / "out")
    assert not (tmp_path / "out").exists()
