"""How each record's IRI is minted from its row. `govlod export` builds the same IRIs to recognise what
a row would give back, so both directions read them from here."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from govlod.namespaces import CANONICAL_BASE

ID = CANONICAL_BASE + "id/"
ORGANIZATION = f"{ID}organization/"
URN_NIR = re.compile(r"^urn:nir:([a-z][a-z.]*(?:;[a-z.]+)?):([a-z][a-z.]*):(\d{4}-\d{2}-\d{2});([0-9A-Za-z.-]+)$")
COORDINATION_KIND = "coordinamento-enti-gestori"  # of the governance-body-kind list: a coordination's by default


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def concept_iri(scheme: str, code: str) -> str:
    return f"{ID}concept/{scheme}/{code}"


def organization_iri(code: str) -> str:
    """A body's, a coordination's or a governance structure's IRI."""
    return f"{ORGANIZATION}{code}"


def unit_iri(parent: str, code: str) -> str:
    """A unit's IRI within the organization it belongs to: a table of a coordination, an office of a body."""
    return f"{parent}/{code}"


def seat_iri(organization: str, code: str) -> str:
    """A post's IRI: a seat at a table, or an office of a body (post/cisa-24/presidente)."""
    return organization.replace(ORGANIZATION, f"{ID}post/") + f"/{code}"


def person_iri(publisher: str, name: str) -> str:
    return f"{ID}person/{publisher}/{slug(name)}"


def membership_iri(publisher: str, name: str, seat: str, start: date) -> str:
    return f"{ID}membership/{publisher}/{slug(name)}-{seat.rsplit('/', 1)[-1]}-{start}"


def purpose_iri(kind: str, owner: str, key: str) -> str:
    """An objective's, a function's or an activity's IRI (kind: objective, function, activity), under
    the path of the table or coordination it belongs to."""
    return owner.replace(ORGANIZATION, f"{ID}{kind}/") + f"/{key}"


def objective_iri(owner: str, position: str) -> str:
    return purpose_iri("objective", owner, position)


def plan_iri(code: str) -> str:
    return f"{ID}plan/{code}"


def area_iri(code: str) -> str:
    return f"{ID}territorial-area/{code}"


def participation_iri(code: str) -> str:
    return f"{ID}participation/{code}"


def dataset_iri(code: str) -> str:
    return f"{ID}dataset/{code}"


def source_iri(code: str) -> str:
    return f"{ID}source/{code}"


def legislation_iri(urn: str) -> str | None:
    """The IRI of the act a URN:NIR names; None for what is no URN:NIR (the row's check says why)."""
    found = URN_NIR.match(urn)
    if not found:
        return None
    issuer, kind, day, number = found.groups()
    return f"{ID}legislation/{slug(issuer)}-{kind}-{day}-{slug(number)}"


def contact_iri(publisher: str, code: str) -> str:
    return f"{ID}contact-point/{publisher}/{code}"


def address_iri(contact: str) -> str:
    return f"{contact}/indirizzo"


def telephone_iri(publisher: str, kind: str, number: str) -> str:
    """The node of a publisher's telephone or fax number (kind: tel, fax), given as a tel: IRI: the same
    number of several contact points is one node."""
    return f"{ID}contact-point/{publisher}/{kind}-{number.removeprefix('tel:+').replace('-', '')}"
