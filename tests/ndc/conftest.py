"""The vocabulary exported once as an NDC repository, for every test of the layout and its files."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from govlod.ndc.export import export_repository
from tests.helpers import PROJECT

NDC_RULES = PROJECT.parent / "shared" / "standards" / "ndc-rules"
IPA_CODE = "govlod_test"
REPOSITORY = "https://example.org/govlod-semantic-assets.git"
DCATAPIT_DATASET = rdflib.URIRef("http://dati.gov.it/onto/dcatapit#Dataset")


@pytest.fixture(scope="package")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ndc-repository")
    export_repository(PROJECT / "ontology", out, ipa_code=IPA_CODE, repository=REPOSITORY)
    return out


@pytest.fixture(scope="package")
def vocabularies(repository: Path) -> list[Path]:
    """The folder of each exported code list."""
    return sorted(p for p in (repository / "assets" / "controlled-vocabularies").iterdir() if p.is_dir())


def graph_of(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")
