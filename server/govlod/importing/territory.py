"""The national territorial vocabularies (OntoPiA): current ISTAT codes of municipalities, provinces
and regions, and the IRIs to link them with.

`territorial.csv` is derived from the official CSV files of italia/daf-ontologie-vocabolari-controllati
(the rows whose validity is open), with each province's acronym ("NO" for Novara) from the same
release; refresh it from a newer release when municipalities change."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

VOCABULARY = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/"
FOLDERS = {"comune": "cities", "provincia": "provinces", "regione": "regions"}
LEVELS = {6: "comune", 3: "provincia", 2: "regione"}
TABLE = Path(__file__).with_name("territorial.csv")


@functools.cache
def _codes() -> dict[tuple[str, str], tuple[str, str]]:
    with TABLE.open(encoding="utf-8") as table:
        return {(r["livello"], r["codice_istat"]): (r["id_vocabolario"], r["nome"]) for r in csv.DictReader(table)}


def territorial_iri(istat_code: str) -> str | None:
    """The national vocabulary IRI of a current ISTAT code (6 digits municipality, 3 province, 2 region)."""
    level = LEVELS.get(len(istat_code))
    if level is None:
        return None
    found = _codes().get((level, istat_code))
    return f"{VOCABULARY}{FOLDERS[level]}/{found[0]}" if found else None


def istat_code(iri: str) -> str | None:
    """The current ISTAT code a national vocabulary IRI names: the inverse of `territorial_iri`."""
    code = iri.rsplit("/", 1)[-1].split("-(", 1)[0]
    return code if code.isdigit() and territorial_iri(code) == iri else None


@functools.cache
def _acronyms() -> dict[str, str]:
    with TABLE.open(encoding="utf-8") as table:
        return {r["codice_istat"]: r["sigla"] for r in csv.DictReader(table) if r["livello"] == "provincia"}


def province_acronym(istat_code: str) -> str | None:
    """The acronym registries write after a town, "(NO)", of a province's current ISTAT code."""
    return _acronyms().get(istat_code)


def municipality(istat_code: str) -> tuple[str, str, str] | None:
    """A current municipality's name, its province's acronym and its vocabulary IRI, by its 6-digit
    ISTAT code (whose first three digits are its province's); None for no such municipality."""
    found = _codes().get(("comune", istat_code))
    acronym = _acronyms().get(istat_code[:3])
    if found is None or acronym is None:
        return None
    return found[1], acronym, f"{VOCABULARY}{FOLDERS['comune']}/{found[0]}"
