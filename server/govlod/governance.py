"""What a page about a governance table or a public body shows beyond its own triples:
the seats and whom they represent, the purposes in order, the legal basis, the parent and
sibling tables, the contact points, and the tables a body takes part in."""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass, field

import pyoxigraph as ox

from govlod.stores.interface import Bindings, Reads

MAX_ROWS = 2000
ORG = "http://www.w3.org/ns/org#"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""


def _label(subject: str, target: str, path: str = "rdfs:label|skos:prefLabel") -> str:
    """A label of `subject` into `target`: the reader's language (?lang), else Italian."""
    return (
        f"OPTIONAL {{ {subject} {path} {target}_a . FILTER (LANG({target}_a) = ?lang) }} "
        f'OPTIONAL {{ {subject} {path} {target}_b . FILTER (LANG({target}_b) = "it") }} '
        f"BIND (COALESCE({target}_a, {target}_b) AS {target})"
    )


@dataclass
class GovernanceView:
    seats: list[dict[str, str]] = field(default_factory=list)
    purposes: list[dict[str, str]] = field(default_factory=list)
    laws: list[dict[str, str]] = field(default_factory=list)
    parent: dict[str, str] | None = None
    siblings: list[dict[str, str]] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)
    takes_part_in: list[dict[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.seats or self.purposes or self.laws or self.parent or self.contacts or self.takes_part_in)


Rows = list[dict[str, str]]


def _select(reader: Reads, build_id: str, query: str, bindings: Bindings) -> Rows:
    """Rows of values (IRIs and literals as their text), as the page shows them."""
    rows = reader.select(build_id, PREFIXES + query, bindings, MAX_ROWS)
    return [{name: term.value for name, term in row.items() if not isinstance(term, ox.Triple)} for row in rows]


def _for_owners(reader: Reads, build_id: str, query: str, owners: list[str], lang: ox.Literal) -> Rows:
    """A query about ?owner run for the resource and its parent, in the order of their IRIs."""
    rows: Rows = []
    for owner in sorted(owners):
        rows += _select(reader, build_id, query, {"owner": ox.NamedNode(owner), "lang": lang})
    return rows


def _when(found: bool, rows: Callable[[], Rows]) -> Rows:
    return rows() if found else []


def governance_view(
    reader: Reads,
    build_id: str,
    iri: str,
    vocabulary: str,
    lang: str,
    own: Set[str] | None = None,
    incoming: Set[str] | None = None,
) -> GovernanceView:
    """What the page of `iri` shows of its governance, in the reader's language `lang`.

    `vocabulary` is the project's own namespace (a setting); `iri` and `lang` come from the
    request and enter the queries as terms. `own` and `incoming`, the properties of the resource's
    own triples and of the links to it when the caller knows them, spare the queries that could
    find nothing: most resources (memberships, people, seats) have no governance to show.
    """
    gl = vocabulary

    def may(has: tuple[str, ...] = (), linked_by: tuple[str, ...] = ()) -> bool:
        if own is None or incoming is None:
            return True
        return not own.isdisjoint(has) or not incoming.isdisjoint(linked_by)

    bound: Bindings = {"r": ox.NamedNode(iri), "lang": ox.Literal(lang)}
    literal_lang = ox.Literal(lang)
    view = GovernanceView()
    view.seats = _when(
        may(linked_by=(ORG + "postIn",)),
        lambda: _select(
            reader,
            build_id,
            f"""SELECT ?seat ?seatLabel ?roleLabel ?body ?bodyLabel ?designator ?designatorLabel ?office
                   ?officeLabel ?eligibility ?holders ?optional ?categoryLabel ?remit WHERE {{
              ?seat org:postIn ?r . {_label("?seat", "?seatLabel", "rdfs:label")}
              OPTIONAL {{ ?seat org:role ?role . {_label("?role", "?roleLabel", "skos:prefLabel")} }}
              OPTIONAL {{ ?seat <{gl}represents> ?body . {_label("?body", "?bodyLabel", "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}designatedBy> ?designator .
                          {_label("?designator", "?designatorLabel", "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}heldExOfficioBy> ?office .
                          {_label("?office", "?officeLabel", "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}eligibility> ?eligibility .
                          FILTER (LANG(?eligibility) = ?lang || LANG(?eligibility) = "it") }}
              OPTIONAL {{ ?seat <{gl}numberOfHolders> ?holders }}
              OPTIONAL {{ ?seat <{gl}optional> ?optional }}
              OPTIONAL {{ ?seat <{gl}filledByCategory> ?category .
                          {_label("?category", "?categoryLabel", "skos:prefLabel")} }}
              OPTIONAL {{ ?seat <{gl}remit> ?remit . FILTER (LANG(?remit) = ?lang || LANG(?remit) = "it") }}
            }} ORDER BY ?roleLabel ?bodyLabel ?seatLabel""",
            bound,
        ),
    )
    # One row per seat: a seat with an eligibility in two languages would otherwise show twice.
    unique: dict[str, dict[str, str]] = {}
    for row in view.seats:
        unique.setdefault(row["seat"], row)
    view.seats = list(unique.values())
    parents = _when(
        may(has=(ORG + "unitOf",)),
        lambda: _select(
            reader,
            build_id,
            f"SELECT ?parent ?parentLabel WHERE {{ ?r org:unitOf ?parent . {_label('?parent', '?parentLabel')} }}",
            bound,
        ),
    )
    view.parent = parents[0] if parents else None
    owners = [iri] + ([view.parent["parent"]] if view.parent else [])
    inherits = view.parent is not None  # a table shows its coordination's purposes, laws and contacts
    view.purposes = _when(
        inherits or may(has=(ORG + "purpose",)),
        lambda: _for_owners(
            reader,
            build_id,
            f"""SELECT ?purpose ?order ?text ?kind WHERE {{
              ?owner org:purpose ?purpose . ?purpose <{gl}order> ?order ; <{gl}fullText> ?text ; a ?type .
              ?type rdfs:subClassOf <{gl}Purpose> . {_label("?type", "?kind", "rdfs:label")}
            }} ORDER BY ?kind ?order""",
            owners,
            literal_lang,
        ),
    )
    laws = _when(
        inherits or may(has=(gl + "legalBasis",)),
        lambda: _for_owners(
            reader,
            build_id,
            f"""SELECT DISTINCT ?law ?lawLabel ?identifier WHERE {{ ?owner <{gl}legalBasis> ?law .
              {_label("?law", "?lawLabel", "rdfs:label")} OPTIONAL {{ ?law dct:identifier ?identifier }} }}""",
            owners,
            literal_lang,
        ),
    )
    # A law cited by the resource and by its parent once.
    view.laws = list({(row["law"], row.get("lawLabel"), row.get("identifier")): row for row in laws}.values())
    if view.parent:
        view.siblings = _select(
            reader,
            build_id,
            f"""SELECT ?unit ?unitLabel WHERE {{ ?parent org:hasUnit ?unit . FILTER (?unit != ?r)
                  {_label("?unit", "?unitLabel")} }} ORDER BY ?unitLabel""",
            {**bound, "parent": ox.NamedNode(view.parent["parent"])},
        )
    contacts = _when(
        inherits or may(has=(gl + "contactPoint",)),
        lambda: _for_owners(
            reader,
            build_id,
            f"""SELECT DISTINCT ?name ?channel ?value WHERE {{ ?owner <{gl}contactPoint> ?cp .
              ?cp vcard:fn ?name .
              {{ ?cp vcard:hasTelephone ?t . ?t vcard:hasValue ?value .
                 BIND (IF(EXISTS {{ ?t a vcard:Fax }}, "fax", "tel") AS ?channel) }}
              UNION {{ ?cp vcard:hasEmail ?value BIND ("email" AS ?channel) }}
              UNION {{ ?cp <{gl}pec> ?value BIND ("pec" AS ?channel) }}
              UNION {{ ?cp vcard:hasAddress/rdfs:label ?value BIND ("address" AS ?channel) }}
            }}""",
            owners,
            literal_lang,
        ),
    )
    view.contacts = sorted(
        {(c["name"], c["channel"], c["value"]): c for c in contacts}.values(),
        key=lambda c: (c["name"], c["channel"], c["value"]),
    )
    joins = may(has=(ORG + "memberOf", gl + "established"), linked_by=(gl + "represents",))
    view.takes_part_in = _when(
        joins,
        lambda: _select(
            reader,
            build_id,
            f"""SELECT DISTINCT ?group ?groupLabel WHERE {{
              {{ ?r org:memberOf ?group }} UNION {{ ?r <{gl}established> ?group }}
              UNION {{ ?seat <{gl}represents> ?r ; org:postIn ?group }}
              {_label("?group", "?groupLabel")} }} ORDER BY ?groupLabel""",
            bound,
        ),
    )
    return view
