"""Every statement of the two seed pages, asserted as SPARQL over the bundled data (ORG terms only where possible)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.seed import ENTI_GESTORI as SEED_ENTI_GESTORI

PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX gl: <https://w3id.org/govlod/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX body: <https://w3id.org/govlod/id/organization/>
PREFIX role: <https://w3id.org/govlod/id/concept/role/>
PREFIX kind: <https://w3id.org/govlod/id/concept/body-kind/>
"""
TP = "<https://w3id.org/govlod/id/organization/coordinamento-enti-gestori-novara/tavolo-politico>"
TT = "<https://w3id.org/govlod/id/organization/coordinamento-enti-gestori-novara/tavolo-tecnico>"
RHO_TABLE = (
    "<https://w3id.org/govlod/id/organization/programmazione-zonale-rhodense/tavolo-coordinamento-servizi-sociali-base>"
)
ENTI_GESTORI = set(SEED_ENTI_GESTORI)


def rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: solution[name].value for name in names if solution[name] is not None} for solution in solutions]


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query, use_default_graph_as_union=True))


def test_coordination_is_an_org_collaboration_set_up_by_the_province(
    bundled_store: ox.Store,
) -> None:
    assert ask(
        bundled_store,
        """ASK { body:coordinamento-enti-gestori-novara a org:OrganizationalCollaboration ;
                 gl:establishedBy body:provincia-novara ;
                 org:hasUnit ?tp , ?tt .
                 ?tp rdfs:label "Tavolo Politico"@it ; org:unitOf body:coordinamento-enti-gestori-novara .
                 ?tt rdfs:label "Tavolo Tecnico"@it ; org:unitOf body:coordinamento-enti-gestori-novara . }""",
    )


def test_seven_enti_gestori_by_name_take_part_in_the_coordination(bundled_store: ox.Store) -> None:
    found = rows(
        bundled_store,
        """SELECT ?name WHERE { body:coordinamento-enti-gestori-novara org:hasMember ?b .
               ?b org:classification kind:ente-gestore ; rdfs:label ?name ; org:memberOf ?c .
               FILTER (LANG(?name) = "it") }""",
    )
    assert {r["name"] for r in found} == ENTI_GESTORI


def test_tavolo_politico_has_seven_delegates_each_for_a_different_ente_gestore(
    bundled_store: ox.Store,
) -> None:
    found = rows(
        bundled_store,
        f"""SELECT ?seat ?name ?eligibility WHERE {{
               ?seat a org:Post ; org:postIn {TP} ; org:role role:delegato ;
                     gl:represents ?body ; gl:designatedBy ?body ; gl:eligibility ?eligibility .
               ?body rdfs:label ?name . FILTER (LANG(?name) = "it" && LANG(?eligibility) = "it") }}""",
    )
    assert len(found) == 7
    assert {r["name"] for r in found} == ENTI_GESTORI
    assert {r["eligibility"] for r in found} == {"Sindaci o Assessori ai servizi sociali"}
    assert ask(
        bundled_store,
        f"""ASK {{ ?seat org:postIn {TP} ; org:role role:delegato ;
                  gl:eligibleRole role:sindaco , role:assessore }}""",
    )


def test_president_seat_is_held_ex_officio_by_the_provincial_assessore(
    bundled_store: ox.Store,
) -> None:
    found = rows(
        bundled_store,
        f"""SELECT ?office ?org WHERE {{
               ?seat org:postIn {TP} ; org:role role:presidente ; gl:heldExOfficioBy ?office .
               ?office org:postIn ?org ; org:role role:assessore ; rdfs:label ?l .
               FILTER (CONTAINS(?l, "Assessore alle Politiche Sociali")) }}""",
    )
    assert found == [
        {
            "office": "https://w3id.org/govlod/id/post/provincia-novara/assessore-politiche-sociali",
            "org": "https://w3id.org/govlod/id/organization/provincia-novara",
        }
    ]


def test_presidents_directors_and_delegated_technicians_sit_for_each_ente_gestore(
    bundled_store: ox.Store,
) -> None:
    # The seat's role is its role at the table; the office that puts someone there is the body's own.
    for table, seat_role, link, office_role in (
        (TP, "componente-di-diritto", "gl:heldExOfficioBy", "presidente"),
        (TT, "componente-di-diritto", "gl:heldExOfficioBy", "direttore"),
        (TT, "tecnico-delegato", "gl:designatedBy", "direttore"),
    ):
        found = rows(
            bundled_store,
            f"""SELECT DISTINCT ?body WHERE {{
                   ?seat org:postIn {table} ; org:role role:{seat_role} ; gl:represents ?body ; {link} ?post .
                   ?post org:postIn ?body ; org:role role:{office_role} . }}""",
        )
        assert len(found) == 7, (seat_role, office_role)
    directors_designate = rows(
        bundled_store,
        f"""SELECT ?seat WHERE {{ ?seat org:postIn {TT} ; org:role role:tecnico-delegato ;
                gl:designatedBy ?director . ?director org:role role:direttore . }}""",
    )
    assert len(directors_designate) == 7


def test_tavolo_tecnico_has_the_provincial_seats_and_optional_consultants(
    bundled_store: ox.Store,
) -> None:
    found = rows(
        bundled_store,
        f"""SELECT ?role WHERE {{ ?seat org:postIn {TT} ; org:role ?r . ?r skos:notation ?role .
               FILTER (?r NOT IN (role:componente-di-diritto, role:tecnico-delegato)) }}""",
    )
    assert sorted(r["role"] for r in found) == [
        "consulente",
        "funzionario-coordinamento-tecnico",
        "segretario-verbalizzante",
    ]
    assert ask(
        bundled_store,
        f"""ASK {{ ?s org:postIn {TT} ; org:role role:segretario-verbalizzante ;
                  gl:drawnFrom body:provincia-novara ;
                  gl:eligibility "scelto fra il personale provinciale"@it .
                  ?c org:postIn {TT} ; org:role role:consulente ; gl:optional true ;
                  gl:remit "supporto metodologico e progettuale"@it .
                  FILTER NOT EXISTS {{ ?c gl:numberOfHolders ?n }}
                  ?d org:postIn {TT} ; org:role role:componente-di-diritto ; gl:heldExOfficioBy ?p .
                  ?p org:postIn ?settore . ?settore org:unitOf body:provincia-novara . }}""",
    )


def test_four_objectives_in_order_with_their_full_text_through_org_purpose(
    bundled_store: ox.Store,
) -> None:
    found = rows(
        bundled_store,
        """SELECT ?order ?text WHERE { body:coordinamento-enti-gestori-novara org:purpose ?o .
               ?o gl:order ?order ; gl:fullText ?text } ORDER BY ?order""",
    )
    assert [r["order"] for r in found] == ["1", "2", "3", "4"]
    assert found[0]["text"].startswith("Promuovere e facilitare la negoziazione")
    assert "(Comuni, Enti Gestori, ASL)" in found[0]["text"]
    assert found[1]["text"].startswith("Garantire il necessario raccordo")
    assert found[2]["text"].startswith("Perseguire e rafforzare")
    assert found[3]["text"].endswith("con i problemi rilevati.")


def test_both_laws_have_their_urn_nir_and_title(bundled_store: ox.Store) -> None:
    found = rows(
        bundled_store,
        """SELECT ?urn ?title WHERE { body:coordinamento-enti-gestori-novara gl:legalBasis ?law .
               ?law owl:sameAs ?same ; dct:identifier ?urn ; eli:title ?title . FILTER (STR(?same) = ?urn) }""",
    )
    assert {(r["urn"], r["title"]) for r in found} == {
        (
            "urn:nir:stato:legge:2000-11-08;328",
            "Legge quadro per la realizzazione del sistema integrato di interventi e servizi sociali",
        ),
        (
            "urn:nir:regione.piemonte:legge:2004-01-08;1",
            "Norme per la realizzazione del sistema regionale integrato di interventi e servizi "
            "sociali e riordino della legislazione di riferimento",
        ),
    }


def test_parties_named_by_the_objectives_are_resources(bundled_store: ox.Store) -> None:
    assert ask(
        bundled_store,
        """ASK { ?o gl:order 1 ; gl:involvesParty body:regione-piemonte , body:asl-provincia-novara ;
                   gl:involvesPartyKind kind:comune .
                 body:regione-piemonte skos:exactMatch
                   <https://w3id.org/italia/controlled-vocabulary/territorial-classifications/regions/01> .
                 body:comune-novara skos:exactMatch
                   <https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/003106-(1948-01-01)> . }""",
    )


def test_contact_point_of_the_ufficio_politiche_sociali(bundled_store: ox.Store) -> None:
    found = rows(
        bundled_store,
        """SELECT ?person ?number ?type ?mail WHERE {
               body:coordinamento-enti-gestori-novara gl:contactPoint ?cp .
               ?cp vcard:fn "Ufficio Politiche Sociali" ; vcard:hasMember ?p ; vcard:hasEmail ?mail ;
                   vcard:hasTelephone ?t . ?p vcard:fn ?person .
               ?t vcard:hasValue ?number ; a ?type . FILTER (?type IN (vcard:Voice, vcard:Fax)) }""",
    )
    assert {r["person"] for r in found} == {"Eufemia Melissa"}
    assert {r["mail"] for r in found} == {"mailto:e.melissa@provincia.novara.it"}
    assert {(r["number"], r["type"].rsplit("#", 1)[1]) for r in found} == {
        ("tel:+39-0321-378851", "Voice"),
        ("tel:+39-0321-378844", "Voice"),
        ("tel:+39-0321-378848", "Fax"),
    }


def test_sercop_identity_address_and_pec(bundled_store: ox.Store) -> None:
    assert ask(
        bundled_store,
        """ASK { body:sercop org:classification kind:azienda-speciale-consortile ;
                   gl:partitaIVA "05728560961" ; gl:codiceFiscale "05728560961" ;
                   org:identifier "05728560961" ; gl:contactPoint ?cp .
                 ?cp gl:pec <mailto:sercop@legalmail.it> ; vcard:hasAddress ?a .
                 ?a vcard:street-address "Via dei Cornaggia 33" ; vcard:postal-code "20017" ;
                   vcard:locality "Rho" ; vcard:region "MI" ;
                   gl:inMunicipality <https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/015182-(2015-01-01)> . }""",
    )


def test_rhodense_table_has_its_function_five_activities_and_composition(
    bundled_store: ox.Store,
) -> None:
    activities = rows(
        bundled_store,
        f"""SELECT ?order ?text WHERE {{ {RHO_TABLE} gl:hasActivity ?a . ?a gl:order ?order ; gl:fullText ?text }}
            ORDER BY ?order""",
    )
    assert [r["order"] for r in activities] == ["1", "2", "3", "4", "5"]
    assert activities[0]["text"].startswith("collabora con l'ufficio di piano")
    assert activities[4]["text"].startswith("rappresenta l'angolo visuale")
    assert ask(
        bundled_store,
        f"""ASK {{ {RHO_TABLE} org:unitOf ?structure ; gl:constitutedWithin ?plan ; gl:hasFunction ?f .
                  ?f gl:fullText ?ft . FILTER (CONTAINS(?ft, "connessione e coordinamento"))
                  ?plan gl:managedBy body:sercop ; gl:planningOffice ?office ; gl:territorialArea ?area .
                  ?area rdfs:label "Rhodense"@it .
                  ?seat org:postIn {RHO_TABLE} ; org:role role:assistente-sociale ; gl:filledByCategory ?cat .
                  ?cat skos:prefLabel "Assistenti sociali dei servizi di base"@it . }}""",
    )


def test_rhodense_governance_levels_and_third_sector_participation(bundled_store: ox.Store) -> None:
    levels = rows(
        bundled_store,
        """SELECT ?level WHERE { body:programmazione-zonale-rhodense gl:comprisesLevel ?l .
               ?l skos:notation ?level }""",
    )
    assert {r["level"] for r in levels} == {"indirizzo-politico", "gestione", "partecipazione"}
    assert ask(
        bundled_store,
        """ASK { body:programmazione-zonale-rhodense gl:hasParticipation ?p .
                 ?p gl:participantCategory ?c ; gl:fullText ?t . ?c skos:prefLabel "Terzo settore"@it .
                 FILTER (CONTAINS(?t, "partecipazione alla formazione delle decisioni")) }""",
    )


@pytest.mark.parametrize(
    ("title", "modified"),
    [
        ("Tavolo di coordinamento dei servizi sociali di base", "2021-07-22"),
        ("La GOVERNANCE della Programmazione Zonale", "2021-07-24"),
    ],
)
def test_source_pages_keep_their_last_modified_date(bundled_store: ox.Store, title: str, modified: str) -> None:
    assert ask(
        bundled_store,
        f"""ASK {{ ?page a gl:SourcePage , prov:Entity ; dct:title "{title}"@it ;
                  gl:lastModifiedOnSource "{modified}"^^xsd:date ; dct:publisher body:sercop }}""",
    )


def test_every_table_seat_belongs_to_a_table_of_a_collaboration(bundled_store: ox.Store) -> None:
    orphans = rows(
        bundled_store,
        """SELECT ?seat WHERE { ?seat a gl:Seat .
               FILTER NOT EXISTS { ?seat org:postIn ?t . ?t org:unitOf ?c . ?c a org:OrganizationalCollaboration } }""",
    )
    assert orphans == []


def test_inverse_org_links_are_published_both_ways(bundled_store: ox.Store) -> None:
    one_way = rows(
        bundled_store,
        """SELECT ?a ?b WHERE {
               { ?a org:hasUnit ?b FILTER NOT EXISTS { ?b org:unitOf ?a } }
               UNION { ?b org:unitOf ?a FILTER NOT EXISTS { ?a org:hasUnit ?b } }
               UNION { ?a org:hasMember ?b FILTER NOT EXISTS { ?b org:memberOf ?a } }
               UNION { ?b org:memberOf ?a FILTER NOT EXISTS { ?a org:hasMember ?b } } }""",
    )
    assert one_way == []


def test_identifiers_are_visible_as_org_identifier(bundled_store: ox.Store) -> None:
    assert ask(bundled_store, 'ASK { body:sercop org:identifier "05728560961" }')
