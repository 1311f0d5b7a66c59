"""Deterministic generator of realistic govlod data: many coordinations, tables, seats, bodies,
objectives and memberships of named people over the years, in the project's own vocabulary.

    python bench/generate.py --triples 1000000 --out bench/out/data

The output passes `govlod validate`; the same arguments always give the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

from stdnum import luhn

PREFIXES = """@prefix gl: <https://w3id.org/govlod/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix kind: <https://w3id.org/govlod/id/concept/body-kind/> .
@prefix gbk: <https://w3id.org/govlod/id/concept/governance-body-kind/> .
@prefix role: <https://w3id.org/govlod/id/concept/role/> .
"""
ID = "https://w3id.org/govlod/id/"
# Provinces are spread over the twenty regions in turn (no draw from the random generator, so
# the rest of the data is the same as it was before regions were added).
REGIONS = [
    "Piemonte",
    "Valle d'Aosta",
    "Lombardia",
    "Trentino-Alto Adige",
    "Veneto",
    "Friuli-Venezia Giulia",
    "Liguria",
    "Emilia-Romagna",
    "Toscana",
    "Umbria",
    "Marche",
    "Lazio",
    "Abruzzo",
    "Molise",
    "Campania",
    "Puglia",
    "Basilicata",
    "Calabria",
    "Sicilia",
    "Sardegna",
]
PLACES = [
    "Alba",
    "Arona",
    "Asti",
    "Avigliana",
    "Biella",
    "Borgomanero",
    "Bra",
    "Casale",
    "Chieri",
    "Chivasso",
    "Cuneo",
    "Domodossola",
    "Fossano",
    "Galliate",
    "Ghemme",
    "Ivrea",
    "Mondovì",
    "Novara",
    "Oleggio",
    "Omegna",
    "Orbassano",
    "Pinerolo",
    "Rivoli",
    "Saluzzo",
    "Santhià",
    "Savigliano",
    "Susa",
    "Tortona",
    "Trecate",
    "Valenza",
    "Verbania",
    "Vercelli",
    "Rho",
    "Legnano",
    "Magenta",
    "Abbiategrasso",
    "Lodi",
    "Crema",
    "Cremona",
    "Varese",
    "Saronno",
    "Busto",
    "Gallarate",
    "Como",
    "Cantù",
    "Lecco",
    "Merate",
    "Monza",
    "Vimercate",
    "Seregno",
    "Desio",
    "Sondrio",
    "Chiavenna",
    "Bergamo",
]
GIVEN = [
    "Anna",
    "Marco",
    "Giulia",
    "Luca",
    "Chiara",
    "Paolo",
    "Francesca",
    "Andrea",
    "Sara",
    "Giorgio",
    "Elena",
    "Matteo",
    "Laura",
    "Stefano",
    "Marta",
    "Davide",
]
FAMILY = [
    "Rossi",
    "Bianchi",
    "Colombo",
    "Ferrari",
    "Russo",
    "Romano",
    "Gallo",
    "Costa",
    "Fontana",
    "Conti",
    "Esposito",
    "Ricci",
    "Bruno",
    "Moretti",
]
OBJECTIVES = (
    "Promuovere la negoziazione e l'accordo tra i soggetti preposti alla programmazione sociale",
    "Garantire il raccordo tra enti gestori, Provincia e Regione sui Piani di zona",
    "Rafforzare lo sviluppo della programmazione territoriale",
    "Supportare l'individuazione delle problematiche sociali prioritarie",
    "Condividere dati e indicatori sui servizi sociali del territorio",
    "Coordinare la formazione degli operatori sociali",
)
TERM_STARTS = (2006, 2011, 2016, 2021)


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _partita_iva(rng: random.Random) -> str:
    body = f"{rng.randrange(10**7):07d}{rng.randrange(1, 101):03d}"
    return body + luhn.calc_check_digit(body)


class Coordination:
    """One province's coordination of managing bodies: about 1,820 triples."""

    def __init__(self, index: int, rng: random.Random):
        self.index = index
        self.rng = rng
        self.slug = f"coordinamento-{index:05d}"
        self.place = f"{rng.choice(PLACES)} {index}"

    def turtle(self) -> Iterator[str]:
        rng, n = self.rng, self.index
        province = f"<{ID}organization/provincia-{n:05d}>"
        coordination = f"<{ID}organization/{self.slug}>"
        tables = {
            "politico": f"<{ID}organization/{self.slug}/tavolo-politico>",
            "tecnico": f"<{ID}organization/{self.slug}/tavolo-tecnico>",
        }
        bodies = [
            (f"<{ID}organization/ente-{n:05d}-{k}>", f"Consorzio socio-assistenziale {self.place}-{k}")
            for k in range(rng.randint(4, 9))
        ]
        region_name = REGIONS[n % len(REGIONS)]
        region = f"<{ID}organization/regione-{n % len(REGIONS):02d}>"
        yield (
            f"{region} a gl:PublicBody , org:FormalOrganization , org:Organization ; "
            f"rdfs:label {_text('Regione ' + region_name)}@it ; org:classification kind:regione .\n"
        )
        yield (
            f"{province} a gl:PublicBody , org:FormalOrganization , org:Organization ; "
            f'rdfs:label "Provincia di {self.place}"@it ; org:classification kind:provincia ; '
            f"gl:withinTerritoryOf {region} ; "
            f"gl:partitaIVA {_text(_partita_iva(rng))} ; org:memberOf {coordination} ; gl:established {coordination} ; "
            f"gl:contactPoint <{ID}contact-point/{self.slug}> .\n"
        )
        yield (
            f'<{ID}contact-point/{self.slug}> a vcard:Organization , vcard:Kind ; vcard:fn "Ufficio Politiche Sociali" ; '
            f"vcard:hasEmail <mailto:sociale@provincia-{n}.example.it> ; vcard:hasTelephone <{ID}contact-point/{self.slug}/tel> .\n"
            f"<{ID}contact-point/{self.slug}/tel> a vcard:Voice ; vcard:hasValue <tel:+39-0{rng.randrange(10, 99)}-{rng.randrange(100000, 999999)}> .\n"
        )
        for iri, label in bodies:
            yield (
                f"{iri} a gl:PublicBody , org:FormalOrganization , org:Organization ; rdfs:label {_text(label)}@it ; "
                f"org:classification kind:ente-gestore , kind:consorzio-socio-assistenziale ; "
                f"gl:withinTerritoryOf {province} ; "
                f"gl:partitaIVA {_text(_partita_iva(rng))} ; org:memberOf {coordination} .\n"
            )
        members = " , ".join([province, *(iri for iri, _ in bodies)])
        yield (
            f"{coordination} a gl:Coordination , org:OrganizationalCollaboration , org:Organization ; "
            f'rdfs:label "Coordinamento degli Enti Gestori di {self.place}"@it ; org:classification gbk:coordinamento-enti-gestori ; '
            f"gl:establishedBy {province} ; org:hasMember {members} ; org:hasUnit {tables['politico']} , {tables['tecnico']} ; "
            + " ; ".join(f"gl:hasObjective <{ID}objective/{self.slug}/{i}>" for i in range(1, 5))
            + " .\n"
        )
        for i, text in enumerate(rng.sample(OBJECTIVES, 4), start=1):
            yield (
                f"<{ID}objective/{self.slug}/{i}> a gl:Objective , skos:Concept ; rdfs:label {_text(text)}@it ; "
                f"gl:order {i} ; gl:fullText {_text(text + '.')}@it .\n"
            )
        for name, table in tables.items():
            yield (
                f"{table} a gl:GovernanceTable , org:OrganizationalUnit , org:Organization ; "
                f'rdfs:label "Tavolo {name.capitalize()}"@it ; org:classification gbk:tavolo-{name} ; org:unitOf {coordination} .\n'
            )
        seats: list[tuple[str, str, str, str | None]] = [
            (f"<{ID}post/{self.slug}/tavolo-politico/presidente>", tables["politico"], "presidente", province)
        ]
        for k, (iri, _) in enumerate(bodies):
            seats.append((f"<{ID}post/{self.slug}/tavolo-politico/delegato-{k}>", tables["politico"], "delegato", iri))
            seats.append(
                (f"<{ID}post/{self.slug}/tavolo-politico/presidente-{k}>", tables["politico"], "presidente", iri)
            )
            seats.append((f"<{ID}post/{self.slug}/tavolo-tecnico/direttore-{k}>", tables["tecnico"], "direttore", iri))
            seats.append(
                (
                    f"<{ID}post/{self.slug}/tavolo-tecnico/tecnico-delegato-{k}>",
                    tables["tecnico"],
                    "tecnico-delegato",
                    iri,
                )
            )
        seats.append((f"<{ID}post/{self.slug}/tavolo-tecnico/dirigente>", tables["tecnico"], "dirigente", province))
        seats.append(
            (f"<{ID}post/{self.slug}/tavolo-tecnico/segretario>", tables["tecnico"], "segretario-verbalizzante", None)
        )
        people: list[str] = []
        for seat, table, seat_role, represents in seats:
            on_behalf = f" ; gl:represents {represents}" if represents else ""
            yield (
                f"{seat} a gl:Seat , org:Post ; rdfs:label {_text(f'{seat_role} ({self.place})')}@it ; "
                f"org:postIn {table} ; org:role role:{seat_role} ; gl:numberOfHolders 1{on_behalf} .\n"
            )
            for term, start in enumerate(TERM_STARTS):
                # Some people keep their seat for a second term: reuse them, as real tables do.
                if people and rng.random() < 0.3:
                    person = rng.choice(people)
                else:
                    person = f"<{ID}person/{self.slug}/{len(people)}>"
                    people.append(person)
                    yield f'{person} a foaf:Person ; rdfs:label "{rng.choice(GIVEN)} {rng.choice(FAMILY)}"@it .\n'
                membership = f"<{ID}membership/{self.slug}/{seat_role}-{seats.index((seat, table, seat_role, represents))}-{term}>"
                end = (
                    ""
                    if start == TERM_STARTS[-1]
                    else f' ; time:hasEnd [ time:inXSDDate "{start + 5}-{rng.randint(1, 12):02d}-28"^^xsd:date ]'
                )
                yield (
                    f"{membership} a org:Membership ; org:member {person} ; org:organization {table} ; "
                    f"org:role role:{seat_role} ; gl:holdsSeat {seat}{on_behalf} ; "
                    f'org:memberDuring [ a time:Interval ; time:hasBeginning [ time:inXSDDate "{start}-{rng.randint(1, 12):02d}-01"^^xsd:date ]{end} ] .\n'
                )


def generate(triples: int, out: Path, seed: int = 20261122) -> int:
    """Write about `triples` triples into `out/`, one Turtle file per coordination; returns the file count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    files = max(1, round(triples / 1820))  # a coordination is about 1,820 triples
    for index in range(files):
        coordination = Coordination(index, random.Random(rng.random()))
        path = out / f"coordinamento-{index:05d}.ttl"
        path.write_text(PREFIXES + "".join(coordination.turtle()), encoding="utf-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    files = generate(args.triples, args.out, args.seed)
    print(f"wrote {files} files to {args.out}")


if __name__ == "__main__":
    main()
