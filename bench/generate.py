"""Deterministic generator of realistic govlod data: many coordinations, tables, seats, bodies,
objectives and memberships of named people over the years, in the project's own vocabulary.

Names collide as a country's do, so that reconciliation is measured on near-duplicates: the
Comuni bear real names (many "San ...", the same town in several provinces, the capital's name in
every province of that capital), managing bodies have acronyms one letter apart ("CISA Arona",
"CISS Arona", "CISAS Arona") or numbers that recur ("CISA 24"), and the seats of a body are named
after it ("Direttore di CISA Arona").

    python bench/generate.py --triples 1000000 --out bench/out/data

The output passes `govlod validate`; the same arguments always give the same files.
"""

from __future__ import annotations

import argparse
import csv
import functools
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
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


# Acronyms of real managing bodies, chosen because they resemble one another: one letter apart
# (CISA, CISS, CISAS, CISSA), one inside another (ISA, ISPA, CISA) or the same letters reordered
# (CSSAC, CISSACA). A matcher has to tell them apart by the letters, not by how they look.
ACRONYMS = ("CISA", "CISS", "CISAS", "CSSAC", "ISA", "ISPA", "CISSACA", "CISSA", "CISAP", "CSS")
# Managing bodies whose names are spelt out: (words before the town, classification, IPA code stem).
SPELT_OUT = (
    ("Consorzio Intercomunale Servizi Sociali", ("ente-gestore", "consorzio-socio-assistenziale"), "ciss"),
    ("Unione dei Comuni", ("ente-gestore",), "uc"),
    ("Azienda Speciale Consortile", ("ente-gestore", "azienda-speciale-consortile"), "asc"),
)
CONSORTIUM = ("ente-gestore", "consorzio-socio-assistenziale")
# Italy's municipalities (ISTAT's list, bundled with the importer): the generated Comuni bear
# real names, so that the collisions of a country (the same town in two provinces, hundreds of
# "San ...") are there, not made up. Read at run time from inside the repository.
TERRITORIAL = Path(__file__).resolve().parents[1] / "server" / "govlod" / "importing" / "territorial.csv"
SAINTS = ("San ", "Santa ", "Sant'", "Santo ", "Santi ", "Santes ")
SAINT_SHARE = 0.3  # of the Comuni drawn: 6 % of real names start so, the rest are drawn from all
PARTICLES = frozenset(
    {"A", "Di", "Del", "Della", "Dello", "Dei", "Degli", "Delle", "E", "Ed", "In", "Con", "Da"}
) | frozenset(
    {
        "Al",
        "Allo",
        "Alla",
        "Ai",
        "Agli",
        "Alle",
        "Sul",
        "Sulla",
        "Sui",
        "Dal",
        "Dalla",
        "Nel",
        "Nella",
        "Sopra",
        "Sotto",
    }
)
TRIPLES_PER_COORDINATION = 1910  # measured over the 1M output (each file counted whole)


@dataclass(frozen=True)
class Body:
    """A managing body of a province: its name, its kinds in the body-kind list, its IPA code's stem."""

    label: str
    kinds: tuple[str, ...]
    ipa_stem: str


def _italian_case(name: str) -> str:
    """ISTAT's list capitalises every word ("Ala Di Stura"); Comuni write particles in lower case."""
    words = name.split(" ")
    for i, word in enumerate(words[1:], start=1):
        if word in PARTICLES:
            words[i] = word.lower()
        elif word.startswith("D'"):
            words[i] = "d'" + word[2:]
    return " ".join(words)


@functools.cache
def municipalities() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every Comune's name, the names of saints among them), in the file's order."""
    with TERRITORIAL.open(encoding="utf-8", newline="") as handle:
        names = [_italian_case(row["nome"]) for row in csv.DictReader(handle) if row["livello"] == "comune"]
    unique = tuple(dict.fromkeys(names))
    return unique, tuple(name for name in unique if name.startswith(SAINTS))


def _comuni(rng: random.Random, capital: str) -> list[str]:
    """The province's Comuni: its capital first, then real names drawn with many saints among
    them. Drawn independently for every province, so the same name lies in several provinces."""
    every, saints = municipalities()
    chosen = [capital]
    for _ in range(rng.randint(8, 14)):
        name = rng.choice(saints if rng.random() < SAINT_SHARE else every)
        if name not in chosen:  # a province has no two Comuni of one name
            chosen.append(name)
    return chosen


def _bodies(rng: random.Random, index: int, capital: str, comuni: list[str]) -> list[Body]:
    """4 to 9 managing bodies, each named after a town of the province: an acronym and the town
    ("CISS Borgomanero"), an acronym and a number ("CISA 24"), or a name spelt out ("Unione dei
    Comuni ..."). The first is named after the capital, so provinces of one capital have bodies
    whose acronyms differ by a letter. No two bodies of a province share a name."""
    bodies: list[Body] = []
    for k in range(rng.randint(4, 9)):
        while True:
            town = capital if k == 0 else rng.choice(comuni)
            draw = rng.random()
            if k == 0 or draw < 0.6:
                acronym = rng.choice(ACRONYMS)
                body = Body(f"{acronym} {town}", CONSORTIUM, acronym.lower())
            elif draw < 0.7:
                acronym = rng.choice(ACRONYMS)
                body = Body(f"{acronym} {rng.randint(1, 60)}", CONSORTIUM, acronym.lower())
            else:
                words, kinds, stem = rng.choice(SPELT_OUT)
                body = Body(f"{words} {town}", kinds, stem)
            if all(body.label != other.label for other in bodies):
                break
        bodies.append(body)
    return bodies


def _istat_code(province: int, comune: int) -> str:
    """A six-digit ISTAT code of a Comune, unique in the data up to 10,000 provinces (18M triples);
    not the real one, which a name drawn for many provinces would share."""
    return f"{province:04d}{comune:02d}"


class Coordination:
    """One province's coordination of managing bodies, with the Comuni of the province: about
    TRIPLES_PER_COORDINATION triples."""

    def __init__(self, index: int, rng: random.Random):
        self.index = index
        self.rng = rng
        self.slug = f"coordinamento-{index:05d}"
        capital = rng.choice(PLACES)
        self.place = f"{capital} {index}"
        self.comuni = _comuni(rng, capital)
        self.bodies = _bodies(rng, index, capital, self.comuni)

    def turtle(self) -> Iterator[str]:
        rng, n = self.rng, self.index
        province = f"<{ID}organization/provincia-{n:05d}>"
        coordination = f"<{ID}organization/{self.slug}>"
        tables = {
            "politico": f"<{ID}organization/{self.slug}/tavolo-politico>",
            "tecnico": f"<{ID}organization/{self.slug}/tavolo-tecnico>",
        }
        bodies = [(f"<{ID}organization/ente-{n:05d}-{k}>", body) for k, body in enumerate(self.bodies)]
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
        for k, (iri, body) in enumerate(bodies):
            kinds = " , ".join(f"kind:{kind}" for kind in body.kinds)
            yield (
                f"{iri} a gl:PublicBody , org:FormalOrganization , org:Organization ; rdfs:label {_text(body.label)}@it ; "
                f"org:classification {kinds} ; gl:withinTerritoryOf {province} ; "
                f"gl:partitaIVA {_text(_partita_iva(rng))} ; gl:ipaCode {_text(f'{body.ipa_stem}_{n:05d}_{k}')} ; "
                f"org:memberOf {coordination} .\n"
            )
        for j, town in enumerate(self.comuni):
            # Each Comune belongs to one of the province's managing bodies, as Comuni join a consortium
            # or a union to run their social services: the body is also what tells namesakes apart.
            body_iri = rng.choice(bodies)[0]
            yield (
                f"<{ID}organization/comune-{n:05d}-{j:02d}> a gl:PublicBody , org:FormalOrganization , org:Organization ; "
                f"rdfs:label {_text('Comune di ' + town)}@it ; org:classification kind:comune ; "
                f"gl:withinTerritoryOf {province} ; gl:istatCode {_text(_istat_code(n, j))} ; "
                f"gl:codiceFiscale {_text(_partita_iva(rng))} ; org:memberOf {body_iri} .\n"
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
        # (seat, table, role, body represented, label): the seats of a body are named after it, as
        # real tables name them ("Direttore di CISA 24"), so a body's name also finds its seats.
        seats: list[tuple[str, str, str, str | None, str]] = [
            (
                f"<{ID}post/{self.slug}/tavolo-politico/presidente>",
                tables["politico"],
                "presidente",
                province,
                f"presidente ({self.place})",
            )
        ]
        for k, (iri, body) in enumerate(bodies):
            seats.append(
                (
                    f"<{ID}post/{self.slug}/tavolo-politico/delegato-{k}>",
                    tables["politico"],
                    "delegato",
                    iri,
                    f"Delegato dell'Assemblea di {body.label}",
                )
            )
            seats.append(
                (
                    f"<{ID}post/{self.slug}/tavolo-politico/presidente-{k}>",
                    tables["politico"],
                    "componente-di-diritto",  # a member here, by the office held in the body
                    iri,
                    f"Presidente di {body.label}",
                )
            )
            seats.append(
                (
                    f"<{ID}post/{self.slug}/tavolo-tecnico/direttore-{k}>",
                    tables["tecnico"],
                    "componente-di-diritto",
                    iri,
                    f"Direttore di {body.label}",
                )
            )
            seats.append(
                (
                    f"<{ID}post/{self.slug}/tavolo-tecnico/tecnico-delegato-{k}>",
                    tables["tecnico"],
                    "tecnico-delegato",
                    iri,
                    f"Tecnico delegato dal Direttore di {body.label}",
                )
            )
        seats.append(
            (
                f"<{ID}post/{self.slug}/tavolo-tecnico/dirigente>",
                tables["tecnico"],
                "dirigente",
                province,
                f"dirigente ({self.place})",
            )
        )
        seats.append(
            (
                f"<{ID}post/{self.slug}/tavolo-tecnico/segretario>",
                tables["tecnico"],
                "segretario-verbalizzante",
                None,
                f"segretario-verbalizzante ({self.place})",
            )
        )
        people: list[str] = []
        for number, (seat, table, seat_role, represents, label) in enumerate(seats):
            on_behalf = f" ; gl:represents {represents}" if represents else ""
            yield (
                f"{seat} a gl:Seat , org:Post ; rdfs:label {_text(label)}@it ; "
                f"org:postIn {table} ; org:role role:{seat_role} ; gl:numberOfHolders 1{on_behalf} .\n"
            )
            # Each term begins on the first of a month; the previous holder's membership ends the day
            # before, so that the seat never has two holders at once (a rule of the shapes).
            begins = [date(start, rng.randint(1, 12), 1) for start in TERM_STARTS]
            for term in range(len(TERM_STARTS)):
                # Some people keep their seat for a second term: reuse them, as real tables do.
                if people and rng.random() < 0.3:
                    person = rng.choice(people)
                else:
                    person = f"<{ID}person/{self.slug}/{len(people)}>"
                    people.append(person)
                    yield f'{person} a foaf:Person ; rdfs:label "{rng.choice(GIVEN)} {rng.choice(FAMILY)}"@it .\n'
                membership = f"<{ID}membership/{self.slug}/{seat_role}-{number}-{term}>"
                end = (
                    ""
                    if term == len(TERM_STARTS) - 1
                    else f' ; time:hasEnd [ time:inXSDDate "{begins[term + 1] - timedelta(days=1)}"^^xsd:date ]'
                )
                yield (
                    f"{membership} a org:Membership ; org:member {person} ; org:organization {table} ; "
                    f"org:role role:{seat_role} ; gl:holdsSeat {seat}{on_behalf} ; "
                    f'org:memberDuring [ a time:Interval ; time:hasBeginning [ time:inXSDDate "{begins[term]}"^^xsd:date ]{end} ] .\n'
                )


def generate(triples: int, out: Path, seed: int = 20261122) -> int:
    """Write about `triples` triples into `out/`, one Turtle file per coordination; returns the file count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    files = max(1, round(triples / TRIPLES_PER_COORDINATION))
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
