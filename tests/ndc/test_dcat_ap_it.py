"""A code list is a DCAT-AP_IT dataset: AgID's validator finds no error in an exported list's file
but the one the NDC guide says to ignore for a vocabulary checked alone (no catalog around it)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.agid import RULES, run_rules

# rule 112: "dcatapit:Catalog does not exist", which a file holding one vocabulary cannot satisfy.
IGNORED_FOR_A_VOCABULARY = {"rule-112.rq"}


@pytest.mark.skipif(not RULES.is_dir(), reason="AgID's rules live in ../shared/standards")
def test_agid_rules_find_no_error_in_a_code_list(vocabularies: list[Path]) -> None:
    for folder in vocabularies:
        store = ox.Store()
        store.load(path=folder / f"{folder.name}.ttl", format=ox.RdfFormat.TURTLE)
        errors = [f for f in run_rules(store) if f.severity == "error" and f.rule not in IGNORED_FOR_A_VOCABULARY]
        assert errors == [], f"{folder.name}: " + "; ".join(f"{f.rule} {f.message}" for f in errors)
