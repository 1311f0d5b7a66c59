"""publiccode.yml: the keys the standard requires, the repository and the IPA code of the publishing
administration that the NDC reads, and descriptions within the standard's limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from govlod.ndc.assets import read_vocabulary
from govlod.ndc.publiccode import publiccode
from tests.helpers import PROJECT
from tests.ndc.conftest import IPA_CODE, REPOSITORY

REQUIRED = (
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
)


def _load(repository: Path) -> dict[str, Any]:
    document = yaml.safe_load((repository / "publiccode.yml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_publiccode_has_the_required_keys_and_names_repository_and_administration(repository: Path) -> None:
    document = _load(repository)
    assert all(key in document for key in REQUIRED)
    assert document["url"] == REPOSITORY
    assert document["it"]["riuso"]["codiceIPA"] == IPA_CODE
    assert document["legal"]["license"] == "CC-BY-4.0"
    assert document["maintenance"]["type"] == "community" and document["maintenance"]["contacts"][0]["name"]
    assert set(document["localisation"]["availableLanguages"]) == {"it", "en"}


def test_descriptions_respect_the_standard_s_lengths(repository: Path) -> None:
    for lang, description in _load(repository)["description"].items():
        assert len(description["shortDescription"]) <= 150, lang
        assert len(description["longDescription"]) >= 150, lang
        assert description["features"] and all(len(f) <= 100 for f in description["features"])


def test_without_an_ipa_code_the_country_section_is_left_out() -> None:
    vocabulary = read_vocabulary(PROJECT / "ontology")
    document = publiccode(vocabulary.ontology, vocabulary.code_lists, {}, "https://example.org/r.git", None)
    assert "it" not in document
