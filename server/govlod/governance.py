"""What a page about a governance table or a public body shows beyond its own triples:
the seats and whom they represent, the purposes in order, the legal basis, the parent and
sibling tables, the contact points, and the tables a body takes part in."""

from __future__ import annotations

from dataclasses import dataclass, field

from govlod.sparql.executor import QueryExecutor

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""


def _label(subject: str, target: str, lang: str, path: str = "rdfs:label|skos:prefLabel") -> str:
    """A label of `subject` into `target`: the reader's language, else Italian."""
    return (
        f'OPTIONAL {{ {subject} {path} {target}_a . FILTER (LANG({target}_a) = "{lang}") }} '
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


async def _select(executor: QueryExecutor, query: str) -> list[dict[str, str]]:
    return await executor.select(PREFIXES + query, max_rows=2000)


async def governance_view(executor: QueryExecutor, iri: str, vocabulary: str, lang: str) -> GovernanceView:
    r, gl = f"<{iri}>", vocabulary
    view = GovernanceView()
    view.seats = await _select(
        executor,
        f"""SELECT ?seat ?seatLabel ?roleLabel ?body ?bodyLabel ?designator ?designatorLabel ?office ?officeLabel
                   ?eligibility ?holders ?optional ?categoryLabel ?remit WHERE {{
              ?seat org:postIn {r} . {_label("?seat", "?seatLabel", lang, "rdfs:label")}
              OPTIONAL {{ ?seat org:role ?role . {_label("?role", "?roleLabel", lang, "skos:prefLabel")} }}
              OPTIONAL {{ ?seat <{gl}represents> ?body . {_label("?body", "?bodyLabel", lang, "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}designatedBy> ?designator .
                          {_label("?designator", "?designatorLabel", lang, "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}heldExOfficioBy> ?office .
                          {_label("?office", "?officeLabel", lang, "rdfs:label")} }}
              OPTIONAL {{ ?seat <{gl}eligibility> ?eligibility .
                          FILTER (LANG(?eligibility) = "{lang}" || LANG(?eligibility) = "it") }}
              OPTIONAL {{ ?seat <{gl}numberOfHolders> ?holders }}
              OPTIONAL {{ ?seat <{gl}optional> ?optional }}
              OPTIONAL {{ ?seat <{gl}filledByCategory> ?category .
                          {_label("?category", "?categoryLabel", lang, "skos:prefLabel")} }}
              OPTIONAL {{ ?seat <{gl}remit> ?remit . FILTER (LANG(?remit) = "{lang}" || LANG(?remit) = "it") }}
            }} ORDER BY ?roleLabel ?bodyLabel ?seatLabel""",
    )
    # One row per seat: a seat with an eligibility in two languages would otherwise show twice.
    unique: dict[str, dict[str, str]] = {}
    for row in view.seats:
        unique.setdefault(row["seat"], row)
    view.seats = list(unique.values())
    parents = await _select(
        executor,
        f"SELECT ?parent ?parentLabel WHERE {{ {r} org:unitOf ?parent . {_label('?parent', '?parentLabel', lang)} }}",
    )
    view.parent = parents[0] if parents else None
    scope = f"VALUES ?owner {{ {r} {'<' + view.parent['parent'] + '>' if view.parent else ''} }}"
    view.purposes = await _select(
        executor,
        f"""SELECT ?owner ?purpose ?order ?text ?kind WHERE {{ {scope}
              ?owner org:purpose ?purpose . ?purpose <{gl}order> ?order ; <{gl}fullText> ?text ; a ?type .
              ?type rdfs:subClassOf <{gl}Purpose> . {_label("?type", "?kind", lang, "rdfs:label")}
            }} ORDER BY ?owner ?kind ?order""",
    )
    view.laws = await _select(
        executor,
        f"""SELECT DISTINCT ?law ?lawLabel ?identifier WHERE {{ {scope} ?owner <{gl}legalBasis> ?law .
              {_label("?law", "?lawLabel", lang, "rdfs:label")} OPTIONAL {{ ?law dct:identifier ?identifier }} }}""",
    )
    if view.parent:
        view.siblings = await _select(
            executor,
            f"""SELECT ?unit ?unitLabel WHERE {{ <{view.parent["parent"]}> org:hasUnit ?unit . FILTER (?unit != {r})
                  {_label("?unit", "?unitLabel", lang)} }} ORDER BY ?unitLabel""",
        )
    view.contacts = await _select(
        executor,
        f"""SELECT DISTINCT ?name ?channel ?value WHERE {{ {scope} ?owner <{gl}contactPoint> ?cp . ?cp vcard:fn ?name .
              {{ ?cp vcard:hasTelephone ?t . ?t vcard:hasValue ?value .
                 BIND (IF(EXISTS {{ ?t a vcard:Fax }}, "fax", "tel") AS ?channel) }}
              UNION {{ ?cp vcard:hasEmail ?value BIND ("email" AS ?channel) }}
              UNION {{ ?cp <{gl}pec> ?value BIND ("pec" AS ?channel) }}
              UNION {{ ?cp vcard:hasAddress/rdfs:label ?value BIND ("address" AS ?channel) }}
            }} ORDER BY ?name ?channel ?value""",
    )
    view.takes_part_in = await _select(
        executor,
        f"""SELECT DISTINCT ?group ?groupLabel WHERE {{
              {{ {r} org:memberOf ?group }} UNION {{ {r} <{gl}established> ?group }}
              UNION {{ ?seat <{gl}represents> {r} ; org:postIn ?group }}
              {_label("?group", "?groupLabel", lang)} }} ORDER BY ?groupLabel""",
    )
    return view
