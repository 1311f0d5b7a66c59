"""The inverse of `records`, sheet by sheet: each function below finds the resources one sheet's rows
become and rebuilds their cells (codes from the IRIs' last segments, through the same IRI builders;
code-list values from the concepts' notations; references as the codes of other rows; dates,
numbers, `sì`/`no`; several values sorted and joined with ";").

`export` imports what these rows give and keeps only the rows that give back what the data holds."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import pyoxigraph as ox

from govlod.importing import records as forward
from govlod.importing.definitions import SHEETS
from govlod.importing.iris import (
    COORDINATION_KIND,
    address_iri,
    area_iri,
    contact_iri,
    dataset_iri,
    legislation_iri,
    membership_iri,
    objective_iri,
    organization_iri,
    participation_iri,
    plan_iri,
    purpose_iri,
    seat_iri,
    source_iri,
    telephone_iri,
    unit_iri,
)
from govlod.importing.records import (
    DCAT,
    DCT,
    ELI,
    GL,
    ORG,
    PROV,
    RDFS_COMMENT,
    RDFS_LABEL,
    SKOS,
    TIME,
    TYPE,
    UNIT_KIND,
    VCARD,
    XSD,
)
from govlod.importing.territory import istat_code

# What no cell of every format gives back: XML 1.0 refuses these control characters (and Excel with
# it), and a carriage return comes back from XML and CSV readers as a line break.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
TEL = re.compile(r"^tel:\+\d+(-\d+)+$")


@dataclass(frozen=True)
class Record:
    """One row of a sheet. `key` names it from one rebuilding to the next: its resource's IRI (in the
    sheets with a codice, whose rows others refer to by that IRI), or its link (owner, then resource)."""

    key: str
    cells: dict[str, str]
    order: tuple[object, ...]  # where it goes in its sheet


class Graph:
    """The data's triples, looked up by subject and by class."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.out: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
        self.typed: dict[str, list[str]] = defaultdict(list)
        for triple in triples:
            if not isinstance(triple.subject, ox.NamedNode):
                continue  # no row makes a blank node
            subject = triple.subject.value
            self.out.setdefault(subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
            if triple.predicate.value == TYPE and isinstance(triple.object, ox.NamedNode):
                self.typed[triple.object.value].append(subject)
        # One order for everything read: what is chosen among several values never depends on parsing.
        for predicates in self.out.values():
            for objects in predicates.values():
                objects.sort(key=str)
        for subjects in self.typed.values():
            subjects.sort()
        self._pointing: dict[tuple[str, str], list[str]] | None = None  # made when first asked

    def of_type(self, *classes: str) -> list[str]:
        return sorted({subject for cls in classes for subject in self.typed.get(cls, [])})

    def iris(self, subject: str, predicate: str) -> list[str]:
        objects = self.out.get(subject, {}).get(predicate, [])
        return [o.value for o in objects if isinstance(o, ox.NamedNode)]

    def has(self, subject: str, predicate: str, obj: str) -> bool:
        return obj in self.iris(subject, predicate)

    def pointing(self, predicate: str, obj: str) -> list[str]:
        """The subjects that link to `obj` by `predicate` (a contact point's bodies, a person's office)."""
        if self._pointing is None:
            pointing: dict[tuple[str, str], list[str]] = defaultdict(list)
            for subject, predicates in self.out.items():
                for name, objects in predicates.items():
                    for target in objects:
                        if isinstance(target, ox.NamedNode):
                            pointing[(name, target.value)].append(subject)
            self._pointing = dict(pointing)
        return sorted(self._pointing.get((predicate, obj), []))

    def literals(self, subject: str, predicate: str, fits: Callable[[ox.Literal], bool]) -> list[str]:
        """The values that `fit` the literal the importer writes and that a cell holds as they are."""
        return [
            obj.value
            for obj in self.out.get(subject, {}).get(predicate, [])
            if isinstance(obj, ox.Literal) and fits(obj) and _cell_safe(obj.value)
        ]

    def literal(self, subject: str, predicate: str, fits: Callable[[ox.Literal], bool]) -> str:
        return next(iter(self.literals(subject, predicate, fits)), "")

    def italian(self, subject: str, predicate: str) -> str:
        return self.literal(subject, predicate, _in("it"))

    def english(self, subject: str, predicate: str) -> str:
        return self.literal(subject, predicate, _in("en"))

    def plain(self, subject: str, predicate: str) -> str:
        return self.literal(
            subject, predicate, lambda lit: lit.language is None and lit.datatype.value == XSD + "string"
        )

    def typed_value(self, subject: str, predicate: str, datatype: str) -> str:
        return self.literal(subject, predicate, lambda lit: lit.language is None and lit.datatype.value == datatype)

    def also_known(self, subject: str) -> str:
        """A cell of several Italian alternative names, each one a cell can hold among others."""
        names = self.literals(subject, SKOS + "altLabel", _in("it"))
        return ";".join(sorted(name for name in names if ";" not in name))


def _in(language: str) -> Callable[[ox.Literal], bool]:
    return lambda lit: lit.language == language


def _cell_safe(text: str) -> bool:
    """Whether a cell gives the text back unchanged: the importer strips cells, and no workbook holds
    control characters."""
    return bool(text) and text == text.strip() and not UNSAFE.search(text)


def _code(iri: str, mint: Callable[[str], str]) -> str | None:
    """The row's code: the IRI's last segment, when the sheets mint this very IRI from it."""
    code = iri.rsplit("/", 1)[-1]
    return code if mint(code) == iri else None


def _integer(text: str) -> str:
    return text if text.isdigit() else ""


def _other_than(text: str, default: str) -> str:
    """A cell whose emptiness means `default`: empty when the text is the default."""
    return "" if text == default else text


@dataclass
class Context:
    """What the rows of one sheet may refer to: the rows rebuilt before them, the code lists, and
    what is being left out."""

    graph: Graph
    publisher: str
    concepts: dict[str, dict[str, str]]  # code list -> concept IRI -> notation
    excluded: dict[tuple[str, str], str]  # (sheet, record key) -> why it is left out
    emptied: dict[tuple[str, str, str], str]  # (sheet, record key, column) -> why the cell is left empty
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> IRI -> how rows name its kept rows

    def notation(self, iris: Sequence[str], scheme: str) -> str:
        concepts = self.concepts.get(scheme, {})
        return next((concepts[iri] for iri in iris if iri in concepts), "")

    def notations(self, iris: Sequence[str], scheme: str) -> str:
        concepts = self.concepts.get(scheme, {})
        return ";".join(sorted({concepts[iri] for iri in iris if iri in concepts}))

    def ref(self, iris: Sequence[str], *sheets: str) -> str:
        """The code of the first of `iris` that is a row of one of `sheets`; "" when none is."""
        for iri in iris:
            for sheet in sheets:
                if iri in self.codes.get(sheet, {}):
                    return self.codes[sheet][iri]
        return ""

    def refs(self, iris: Sequence[str], *sheets: str) -> str:
        """The codes of those of `iris` that are rows of `sheets`, as a cell of several."""
        return ";".join(sorted({code for iri in iris if (code := self.ref([iri], *sheets))}))

    def later_refs(self, iris: Sequence[str], mint: Callable[[str], str], cls: str) -> str:
        """The codes of rows of a sheet rebuilt later, as a cell of several: the resources of class
        `cls` among `iris` whose IRIs that sheet mints (a row left out there empties this cell)."""
        found = {code for iri in iris if self.graph.has(iri, TYPE, cls) and (code := _code(iri, mint))}
        return ";".join(sorted(found))

    def sources(self, iri: str) -> str:
        return self.later_refs(self.graph.iris(iri, PROV + "wasDerivedFrom"), source_iri, GL + "SourcePage")

    def owners(self, *sheets: str) -> list[tuple[str, str]]:
        """(IRI, code) of the kept rows of `sheets`: the bodies, tables or coordinations rows may belong to."""
        return [(iri, code) for sheet in sheets for iri, code in sorted(self.codes.get(sheet, {}).items())]

    def involved(self, iri: str) -> dict[str, str]:
        """The coinvolge and coinvolge_tipologie cells of an objective or an activity."""
        g = self.graph
        return {
            "coinvolge": self.refs(g.iris(iri, GL + "involvesParty"), "enti", "uffici", "coordinamenti", "tavoli"),
            "coinvolge_tipologie": self.notations(g.iris(iri, GL + "involvesPartyKind"), "body-kind"),
        }


def enti(x: Context) -> list[Record]:
    g = x.graph
    found: list[tuple[str, dict[str, str]]] = []
    for iri in g.of_type(GL + "PublicBody"):
        code = _code(iri, organization_iri)
        cells = {
            "codice": code or "",
            "nome": g.italian(iri, RDFS_LABEL),
            "tipologia": x.notations(g.iris(iri, ORG + "classification"), "body-kind"),
            "partita_iva": g.plain(iri, GL + "partitaIVA"),
            "codice_fiscale": g.plain(iri, GL + "codiceFiscale"),
            "codice_ipa": g.plain(iri, GL + "ipaCode"),
            "codice_istat": g.plain(iri, GL + "istatCode"),
            "altri_nomi": g.also_known(iri),
            "descrizione": g.italian(iri, DCT + "description"),
            "note": g.italian(iri, RDFS_COMMENT),
            "fonti": x.sources(iri),
            "nome_en": g.english(iri, RDFS_LABEL),
            "note_en": g.english(iri, RDFS_COMMENT),
        }
        if code and cells["nome"] and cells["tipologia"]:
            found.append((iri, cells))
    # A body's territory is another row of this sheet: known once every row is.
    bodies = {iri: cells["codice"] for iri, cells in found if ("enti", iri) not in x.excluded}
    return [
        Record(iri, {**cells, "nel_territorio_di": _code_among(g.iris(iri, GL + "withinTerritoryOf"), bodies)}, (iri,))
        for iri, cells in found
    ]


def _code_among(iris: Sequence[str], codes: dict[str, str]) -> str:
    return next((codes[iri] for iri in iris if iri in codes), "")


def uffici(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(ORG + "OrganizationalUnit"):
        if not g.has(iri, ORG + "classification", UNIT_KIND):
            continue
        for body in g.iris(iri, ORG + "unitOf"):
            body_code = x.codes.get("enti", {}).get(body)
            code = _code(iri, partial(unit_iri, body))
            name = g.italian(iri, RDFS_LABEL)
            if body_code and code and name:
                cells = {"codice": code, "ente": body_code, "nome": name, "fonti": x.sources(iri)}
                found.append(Record(iri, {**cells, "nome_en": g.english(iri, RDFS_LABEL)}, (body_code, code)))
                break
    return found


def cariche(x: Context) -> list[Record]:
    g = x.graph
    bodies, offices = x.codes.get("enti", {}), x.codes.get("uffici", {})
    found = []
    for iri in g.of_type(ORG + "Post"):
        if g.has(iri, TYPE, GL + "Seat"):
            continue  # a seat at a table: sheet posti
        for place in g.iris(iri, ORG + "postIn"):
            office = offices.get(place, "")
            body = next((b for b in g.iris(place, ORG + "unitOf") if b in bodies), "") if office else place
            code = _code(iri, partial(seat_iri, body)) if body in bodies else None
            cells = {
                "codice": code or "",
                "ente": bodies.get(body, ""),
                "nome": g.italian(iri, RDFS_LABEL),
                "ruolo": x.notation(g.iris(iri, ORG + "role"), "role"),
                "ufficio": office,
                "fonti": x.sources(iri),
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if code and cells["nome"] and cells["ruolo"]:
                found.append(Record(iri, cells, (cells["ente"], code)))
                break
    return found


def coordinamenti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "Coordination", GL + "GovernanceStructure"):
        code = _code(iri, organization_iri)
        kind = x.notation(g.iris(iri, ORG + "classification"), "governance-body-kind")
        name = g.italian(iri, RDFS_LABEL)
        if not code or not name or kind not in forward.COORDINATION_CLASSES:
            continue
        cells = {
            "codice": code,
            "nome": name,
            "tipologia": _other_than(kind, COORDINATION_KIND),
            "istituito_da": x.ref(g.iris(iri, GL + "establishedBy"), "enti"),
            "membri": x.refs(g.iris(iri, ORG + "hasMember"), "enti"),
            "livelli": x.notations(g.iris(iri, GL + "comprisesLevel"), "governance-level"),
            "altri_nomi": g.also_known(iri),
            "descrizione": g.italian(iri, DCT + "description"),
            "fonti": x.sources(iri),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        found.append(Record(iri, cells, (iri,)))
    return found


def partecipazione(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("coordinamenti"):
        for iri in g.iris(owner, GL + "hasParticipation"):
            code = _code(iri, participation_iri)
            cells = {
                "codice": code or "",
                "struttura": owner_code,
                "nome": g.italian(iri, RDFS_LABEL),
                "categorie": x.notations(g.iris(iri, GL + "participantCategory"), "actor-category"),
                "livello": x.notation(g.iris(iri, GL + "governanceLevel"), "governance-level"),
                "testo": g.italian(iri, GL + "fullText"),
                "fonti": x.sources(iri),
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if code and cells["nome"] and cells["categorie"]:
                found.append(Record(iri, cells, (owner_code, code)))
    return found


def tavoli(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "GovernanceTable", GL + "PlanningOffice"):
        for parent in g.iris(iri, ORG + "unitOf"):
            coordination = x.codes.get("coordinamenti", {}).get(parent)
            code = _code(iri, partial(unit_iri, parent))
            if coordination is None or code is None:
                continue
            cells = {
                "codice": code,
                "nome": g.italian(iri, RDFS_LABEL),
                "tipologia": x.notation(g.iris(iri, ORG + "classification"), "governance-body-kind"),
                "parte_di": coordination,
                "costituito_nel": x.later_refs(
                    g.iris(iri, GL + "constitutedWithin"), plan_iri, GL + "PlanningInstrument"
                ),
                "altri_nomi": g.also_known(iri),
                "fonti": x.sources(iri),
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if cells["nome"] and cells["tipologia"]:
                found.append(Record(iri, cells, (coordination, code)))
            break
    return found


def posti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "Seat"):
        for table in g.iris(iri, ORG + "postIn"):
            table_code = x.codes.get("tavoli", {}).get(table)
            code = _code(iri, partial(seat_iri, table))
            if table_code is None or code is None:
                continue
            optional = g.typed_value(iri, GL + "optional", XSD + "boolean") == "true"
            cells = {
                "codice": code,
                "tavolo": table_code,
                "nome": g.italian(iri, RDFS_LABEL),
                "ruolo": x.notation(g.iris(iri, ORG + "role"), "role"),
                "per_conto_di": x.ref(g.iris(iri, GL + "represents"), "enti"),
                "di_diritto": x.ref(g.iris(iri, GL + "heldExOfficioBy"), "cariche"),
                "designato_da": x.ref(g.iris(iri, GL + "designatedBy"), "enti", "cariche"),
                "scelto_in": x.ref(g.iris(iri, GL + "drawnFrom"), "enti", "uffici"),
                "categoria": x.notation(g.iris(iri, GL + "filledByCategory"), "actor-category"),
                "veste": x.notation(g.iris(iri, GL + "capacity"), "capacity"),
                "ruoli_ammessi": x.notations(g.iris(iri, GL + "eligibleRole"), "role"),
                "requisiti": g.italian(iri, GL + "eligibility"),
                "compito": g.italian(iri, GL + "remit"),
                "quanti": _integer(g.typed_value(iri, GL + "numberOfHolders", XSD + "integer")),
                "eventuale": "sì" if optional else "no",
                "nome_en": g.english(iri, RDFS_LABEL),
                "requisiti_en": g.english(iri, GL + "eligibility"),
                "compito_en": g.english(iri, GL + "remit"),
                "testo_fonte": g.italian(iri, GL + "sourceText"),
            }
            if cells["nome"] and cells["ruolo"]:
                found.append(Record(iri, cells, (table_code, code)))
            break
    return found


def _day(g: Graph, interval: str, end: str) -> str:
    """The date an interval begins or ends on (`end`: time:hasBeginning or time:hasEnd), as YYYY-MM-DD."""
    for instant in g.iris(interval, TIME + end):
        text = g.typed_value(instant, TIME + "inXSDDate", XSD + "date")
        try:
            return date.fromisoformat(text).isoformat() if text else ""
        except ValueError:
            return ""
    return ""


def appartenenze(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(ORG + "Membership"):
        seats = [seat for seat in g.iris(iri, GL + "holdsSeat") if seat in x.codes.get("posti", {})]
        people = g.iris(iri, ORG + "member")
        intervals = g.iris(iri, ORG + "memberDuring")
        if not seats or not people or not intervals:
            continue
        person = g.italian(people[0], RDFS_LABEL)
        start, end = _day(g, intervals[0], "hasBeginning"), _day(g, intervals[0], "hasEnd")
        if not person or not start or membership_iri(x.publisher, person, seats[0], date.fromisoformat(start)) != iri:
            continue
        cells = {"persona": person, "posto": x.codes["posti"][seats[0]], "dal": start, "al": end}
        found.append(Record(iri, cells, (cells["posto"], start, person)))
    return found


def ambiti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "TerritorialArea"):
        code = _code(iri, area_iri)
        cells = {"codice": code or "", "nome": g.italian(iri, RDFS_LABEL), "fonti": x.sources(iri)}
        if code and cells["nome"]:
            found.append(Record(iri, {**cells, "nome_en": g.english(iri, RDFS_LABEL)}, (code,)))
    return found


def piani(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "PlanningInstrument"):
        code = _code(iri, plan_iri)
        cells = {
            "codice": code or "",
            "nome": g.italian(iri, RDFS_LABEL),
            "ambito": x.ref(g.iris(iri, GL + "territorialArea"), "ambiti"),
            "gestito_da": x.ref(g.iris(iri, GL + "managedBy"), "enti"),
            "governato_da": x.ref(g.iris(iri, GL + "governedBy"), "coordinamenti"),
            "ufficio_di_piano": x.ref(g.iris(iri, GL + "planningOffice"), "tavoli"),
            "altri_nomi": g.also_known(iri),
            "fonti": x.sources(iri),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        if code and cells["nome"]:
            found.append(Record(iri, cells, (code,)))
    return found


def obiettivi(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "hasObjective"):
            position = _integer(g.typed_value(iri, GL + "order", XSD + "integer"))
            text = g.italian(iri, GL + "fullText")
            if position and text and objective_iri(owner, position) == iri:
                cells = {
                    "organo": owner_code,
                    "posizione": position,
                    "testo": text,
                    "nome": _other_than(g.italian(iri, RDFS_LABEL), text[:120]),
                    **x.involved(iri),
                    "nome_en": g.english(iri, RDFS_LABEL),
                }
                found.append(Record(f"{owner} {iri}", cells, (owner_code, int(position))))
    return found


def funzioni(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "hasFunction"):
            code = _code(iri, partial(purpose_iri, "function", owner))
            cells = {
                "codice": code or "",
                "organo": owner_code,
                "posizione": _integer(g.typed_value(iri, GL + "order", XSD + "integer")),
                "nome": g.italian(iri, RDFS_LABEL),
                "testo": g.italian(iri, GL + "fullText"),
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if code and cells["posizione"] and cells["nome"]:
                found.append(Record(iri, cells, (owner_code, int(cells["posizione"]))))
    return found


def attivita(x: Context) -> list[Record]:
    g = x.graph
    functions = x.codes.get("funzioni", {})
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "hasActivity"):
            position = _integer(g.typed_value(iri, GL + "order", XSD + "integer"))
            if not position or purpose_iri("activity", owner, position) != iri:
                continue
            carried_out_by = g.pointing(GL + "carriedOutThrough", iri)
            cells = {
                "organo": owner_code,
                "posizione": position,
                "nome": g.italian(iri, RDFS_LABEL),
                "funzione": next((functions[f] for f in carried_out_by if f in functions), ""),
                "testo": g.italian(iri, GL + "fullText"),
                **x.involved(iri),
                "nome_en": g.english(iri, RDFS_LABEL),
            }
            if cells["nome"]:
                found.append(Record(f"{owner} {iri}", cells, (owner_code, int(position))))
    return found


def norme(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for owner, owner_code in x.owners("tavoli", "coordinamenti"):
        for iri in g.iris(owner, GL + "legalBasis"):
            urn = g.plain(iri, DCT + "identifier")
            title = g.italian(iri, ELI + "title")
            if urn and title and legislation_iri(urn) == iri:
                cells = {
                    "organo": owner_code,
                    "urn": urn,
                    "titolo": title,
                    "nome": _other_than(g.italian(iri, RDFS_LABEL), title),
                    "sigla": g.italian(iri, SKOS + "altLabel"),
                    "emanata_da": x.ref(g.iris(iri, ELI + "passed_by"), "enti"),
                    "nome_en": g.english(iri, RDFS_LABEL),
                }
                found.append(Record(f"{owner} {iri}", cells, (owner_code, urn)))
    return found


def _numbers(x: Context, contact: str, kind: str) -> str:
    """A contact point's numbers of one kind (vcard:Voice, vcard:Fax), written as the importer reads them."""
    g = x.graph
    numbers = []
    for node in g.iris(contact, VCARD + "hasTelephone"):
        if not g.has(node, TYPE, VCARD + kind):
            continue
        for value in g.iris(node, VCARD + "hasValue"):
            text = forward.telephone_label(value) if TEL.match(value) else ""
            node_kind = "fax" if kind == "Fax" else "tel"
            if text and forward.telephone(text) == value and telephone_iri(x.publisher, node_kind, value) == node:
                numbers.append(text)
    return ";".join(sorted(numbers))


def _mail(g: Graph, contact: str, predicate: str) -> str:
    mails = [iri.removeprefix("mailto:") for iri in g.iris(contact, predicate) if iri.startswith("mailto:")]
    return next((mail for mail in mails if _cell_safe(mail) and ";" not in mail), "")


def _address(g: Graph, contact: str) -> dict[str, str]:
    """The indirizzo, cap and comune cells of a contact point's address, empty if it has none the sheets write."""
    for node in g.iris(contact, VCARD + "hasAddress"):
        # A Comune's IRI (6 digits), which the importer writes from the comune cell.
        town = next(
            (code for iri in g.iris(node, GL + "inMunicipality") if len(code := istat_code(iri) or "") == 6), ""
        )
        if node == address_iri(contact) and town:
            return {
                "indirizzo": g.plain(node, VCARD + "street-address"),
                "cap": g.plain(node, VCARD + "postal-code"),
                "comune": town,
            }
    return {}


def contatti(x: Context) -> list[Record]:
    g = x.graph
    contacts = {
        iri: code for iri in g.of_type(VCARD + "Kind") if (code := _code(iri, partial(contact_iri, x.publisher)))
    }
    found = []
    for iri, code in sorted(contacts.items()):
        name = g.plain(iri, VCARD + "fn")
        if not name:
            continue
        cells = {
            "nome": name,
            "codice": code,
            "organo": x.refs(g.pointing(GL + "contactPoint", iri), "enti", "uffici", "coordinamenti", "tavoli"),
            "tipo": "persona" if g.has(iri, TYPE, VCARD + "Individual") else "ufficio",
            "di": next((contacts[other] for other in g.pointing(VCARD + "hasMember", iri) if other in contacts), ""),
            "organizzazione": g.plain(iri, VCARD + "organization-name"),
            "telefono": _numbers(x, iri, "Voice"),
            "fax": _numbers(x, iri, "Fax"),
            "email": _mail(g, iri, VCARD + "hasEmail"),
            "pec": _mail(g, iri, GL + "pec"),
            **_address(g, iri),
            "etichetta": _other_than(g.italian(iri, RDFS_LABEL), name),
            "etichetta_en": g.english(iri, RDFS_LABEL),
            "testo_fonte": g.italian(iri, GL + "sourceText"),
        }
        found.append(Record(iri, cells, (cells["organo"] or "~", code)))
    return found


def fonti(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(GL + "SourcePage"):
        code = _code(iri, source_iri)
        title = g.italian(iri, DCT + "title")
        cells = {
            "codice": code or "",
            "titolo": title,
            "pubblicata_da": x.ref(g.iris(iri, DCT + "publisher"), "enti"),
            "nome": _other_than(g.italian(iri, RDFS_LABEL), title),
            "percorso": g.italian(iri, GL + "breadcrumb"),
            "aggiornata_il": g.typed_value(iri, GL + "lastModifiedOnSource", XSD + "date"),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        if code and title and cells["pubblicata_da"]:
            found.append(Record(iri, cells, (code,)))
    return found


def _territory(x: Context, iris: Sequence[str]) -> str:
    """A dataset's territory cell: the ISTAT code of a national vocabulary IRI, or an area's code."""
    return next((code for iri in iris if (code := istat_code(iri))), "") or x.ref(iris, "ambiti")


def dataset(x: Context) -> list[Record]:
    g = x.graph
    found = []
    for iri in g.of_type(DCAT + "Dataset"):
        code = _code(iri, dataset_iri)
        title = g.italian(iri, DCT + "title")
        if not code or g.plain(iri, DCT + "identifier") != f"govlod:{code}":
            continue
        cells = {
            "codice": code,
            "titolo": title,
            "descrizione": g.italian(iri, DCT + "description"),
            "pubblicato_da": x.ref(g.iris(iri, DCT + "publisher"), "enti"),
            "nome": _other_than(g.italian(iri, RDFS_LABEL), title),
            "pubblicato_il": g.typed_value(iri, DCT + "issued", XSD + "date"),
            "contatto": x.ref(g.iris(iri, DCAT + "contactPoint"), "contatti"),
            "territorio": _territory(x, g.iris(iri, DCT + "spatial")),
            "fonti": x.sources(iri),
            "titolo_en": g.english(iri, DCT + "title"),
            "descrizione_en": g.english(iri, DCT + "description"),
            "nome_en": g.english(iri, RDFS_LABEL),
        }
        if title and cells["descrizione"] and cells["pubblicato_da"]:
            found.append(Record(iri, cells, (code,)))
    return found


# Each sheet's inverse, in the order the importer reads the sheets.
INVERSES: dict[str, Callable[[Context], list[Record]]] = {
    "enti": enti,
    "uffici": uffici,
    "cariche": cariche,
    "coordinamenti": coordinamenti,
    "partecipazione": partecipazione,
    "tavoli": tavoli,
    "posti": posti,
    "appartenenze": appartenenze,
    "ambiti": ambiti,
    "piani": piani,
    "obiettivi": obiettivi,
    "funzioni": funzioni,
    "attivita": attivita,
    "norme": norme,
    "contatti": contatti,
    "fonti": fonti,
    "dataset": dataset,
}
assert tuple(INVERSES) == tuple(sheet.name for sheet in SHEETS)
