"""From checked spreadsheet rows to triples in the vocabulary, with stable IRIs.

Every row is checked before anything is written: codes, references between sheets, Partita IVA and
codice fiscale (python-stdnum), ISTAT and IPA codes, dates, numbers, e-mail addresses. The sheets are
read in the order of `definitions.SHEETS`; a reference to a row of a later sheet (a page of `fonti`,
the plan a table is constituted in) is settled once every sheet has been read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.it import codicefiscale, iva

from govlod.importing.definitions import (
    AMBITI,
    CARICHE,
    CONTATTI,
    COORDINAMENTI,
    DATASET,
    ENTI,
    FONTI,
    FUNZIONI,
    PARTECIPAZIONE,
    PIANI,
    POSTI,
    SHEETS,
    TAVOLI,
    UFFICI,
)
from govlod.importing.iris import (
    COORDINATION_KIND,
    URN_NIR,
    address_iri,
    area_iri,
    concept_iri,
    contact_iri,
    dataset_iri,
    legislation_iri,
    membership_iri,
    objective_iri,
    organization_iri,
    participation_iri,
    person_iri,
    plan_iri,
    purpose_iri,
    seat_iri,
    slug,
    source_iri,
    telephone_iri,
    unit_iri,
)
from govlod.importing.sheets import Problem, Row, Sheet
from govlod.importing.territory import municipality, territorial_iri
from govlod.namespaces import CANONICAL_BASE

GL = CANONICAL_BASE + "ontology#"
ORG = "http://www.w3.org/ns/org#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VCARD = "http://www.w3.org/2006/vcard/ns#"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
ELI = "http://data.europa.eu/eli/ontology#"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
ITALIAN = "http://publications.europa.eu/resource/authority/language/ITA"  # the language of every source page
UNIT_KIND = concept_iri("body-kind", "unita-organizzativa")  # every office of a body is one
# A governance body's kind decides its class: the kinds of coordinations (every other kind is a table's).
COORDINATION_CLASSES = {
    COORDINATION_KIND: GL + "Coordination",
    "struttura-governo-programmazione-zonale": GL + "GovernanceStructure",
}
TABLE_CLASSES = {"ufficio-di-piano": GL + "PlanningOffice"}  # other tables are gl:GovernanceTable

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
YES, NO = {"sì", "si", "yes", "true", "1"}, {"no", "false", "0", ""}


@dataclass(frozen=True)
class Later:
    """A reference to a row of a sheet read after this one, settled once every sheet is read: the
    triple (subject, predicate, target) and, with `inverse`, (target, inverse, subject)."""

    row: Row
    column: str
    sheets: tuple[Sheet, ...]
    subject: str
    predicate: str | None
    inverse: str | None = None


class Builder:
    """Collects triples and problems while the sheets are read in dependency order."""

    def __init__(self, publisher: str, codes: dict[str, set[str]], trace: bool = False):
        self.publisher = publisher
        self.codes = codes  # code list name -> allowed notations
        self.triples: set[ox.Triple] = set()
        # With `trace`, which rows (sheet file, row number) gave each triple: `export` uses it to leave
        # out exactly the rows that would write what the data it exports does not hold.
        self.made_by: dict[ox.Triple, set[tuple[str, int]]] | None = {} if trace else None
        self.row: Row | None = None  # the row being turned into triples
        self.problems: list[Problem] = []
        self.iris: dict[str, dict[str, str]] = {sheet.name: {} for sheet in SHEETS}
        self.seats: dict[str, tuple[str, str]] = {}  # seat IRI -> (table IRI, role IRI)
        self.codes_seen: dict[str, set[str]] = {}
        self.later: list[Later] = []

    def fail(self, row: Row, column: str | None, message: str, italian: str) -> None:
        """A problem in a row's cell: `message` in English, `italian` the same in Italian."""
        self.problems.append(row.problem(column, message, italian))

    def each(self, rows: Iterable[Row]) -> Iterator[Row]:
        """The rows in order, each the current row while the loop body turns it into triples."""
        for row in rows:
            self.row = row
            yield row
        self.row = None

    def add(self, subject: str, predicate: str, obj: str | ox.Literal) -> None:
        value = obj if isinstance(obj, ox.Literal) else ox.NamedNode(obj)
        triple = ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), value)
        self.triples.add(triple)
        if self.made_by is not None and self.row is not None:
            self.made_by.setdefault(triple, set()).add((self.row.file, self.row.number))

    def types(self, subject: str, *classes: str) -> None:
        for cls in classes:
            self.add(subject, TYPE, cls)

    def names(self, iri: str, row: Row, italian: str = "nome", english: str = "nome_en") -> None:
        """The Italian and, when given, English labels of a row's resource."""
        self.add(iri, RDFS_LABEL, _text(row.get(italian)))
        self.english(iri, RDFS_LABEL, row, english)

    def organization(self, iri: str, classes: tuple[str, ...], row: Row, kinds: list[str]) -> None:
        """Types, names and kinds: what every body, coordination, table and office starts with."""
        self.types(iri, *classes, ORG + "Organization")
        self.names(iri, row)
        for kind in kinds:
            self.add(iri, ORG + "classification", kind)

    def english(self, subject: str, predicate: str, row: Row, column: str) -> None:
        """The English text of an optional column, when the row has one."""
        if row.get(column):
            self.add(subject, predicate, ox.Literal(row.get(column), language="en"))

    def italian(self, subject: str, predicate: str, row: Row, column: str) -> None:
        """The Italian text of an optional column, when the row has one."""
        if row.get(column):
            self.add(subject, predicate, _text(row.get(column)))

    def also_known(self, iri: str, row: Row) -> None:
        for name in _several(row.get("altri_nomi")):
            self.add(iri, SKOS + "altLabel", _text(name))

    def sources(self, iri: str, row: Row) -> None:
        """The source pages of a row's resource, a later sheet's rows."""
        self.link_later(row, "fonti", (FONTI,), iri, PROV + "wasDerivedFrom")

    def code(self, row: Row, sheet: Sheet) -> str | None:
        code = row.get("codice") or slug(row.get("nome"))
        if not CODE.match(code):
            self.fail(
                row,
                "codice",
                f"'{code}' is not a code: use lower-case letters, digits and hyphens",
                f"'{code}' non è un codice: usa lettere minuscole, cifre e trattini",
            )
            return None
        seen = self.codes_seen.setdefault(sheet.name, set())
        key = sheet.reference(code, row.cells)
        if key in seen:
            place, place_it = ("file", "file") if row.letters is None else ("sheet", "foglio")
            within = f" for the same {sheet.scope}" if sheet.scope else ""
            within_it = f" per lo stesso {sheet.scope}" if sheet.scope else ""
            self.fail(
                row,
                "codice",
                f"duplicate code '{code}' (already used{within} in this {place})",
                f"codice '{code}' ripetuto (già usato{within_it} in questo {place_it})",
            )
            return None
        seen.add(key)  # even when the row has other problems, so a later duplicate is still caught
        return code

    def ref(self, row: Row, column: str, *sheets: Sheet) -> str | None:
        value = row.get(column)
        for sheet in sheets:
            if value in self.iris[sheet.name]:
                return self.iris[sheet.name][value]
        # A CSV user knows the sheets as files, a workbook user as sheets.
        names = [s.file if row.letters is None else s.name for s in sheets]
        self.fail(
            row,
            column,
            f"unknown reference '{value}': no row of {' or '.join(names)} has that code",
            f"riferimento sconosciuto '{value}': nessuna riga di {' o '.join(names)} ha questo codice",
        )
        return None

    def optional_ref(self, row: Row, column: str, *sheets: Sheet) -> str | None:
        """The row a filled-in cell refers to; "" for an empty cell, None for an unknown reference."""
        return self.ref(row, column, *sheets) if row.get(column) else ""

    def refs(self, row: Row, column: str, *sheets: Sheet) -> list[str] | None:
        """The rows a cell of several codes separated by ";" refers to; None if any is unknown."""
        found = [self.ref(row.with_cells({column: value}), column, *sheets) for value in _several(row.get(column))]
        return None if None in found else [iri for iri in found if iri is not None]

    def link_later(
        self, row: Row, column: str, sheets: tuple[Sheet, ...], subject: str, predicate: str | None, inverse: str = ""
    ) -> None:
        """Link `subject` to the rows a cell names in a sheet read later (several separated by ";")."""
        for value in _several(row.get(column)):
            self.later.append(
                Later(row.with_cells({column: value}), column, sheets, subject, predicate, inverse or None)
            )

    def settle(self) -> None:
        """The references to later sheets, now that every sheet is read."""
        for link in self.later:
            self.row = link.row
            target = self.ref(link.row, link.column, *link.sheets)
            if target is None:
                continue
            if link.predicate:
                self.add(link.subject, link.predicate, target)
            if link.inverse:
                self.add(target, link.inverse, link.subject)
        self.row = None

    def concept(self, row: Row, column: str, scheme: str) -> str | None:
        value = row.get(column)
        if value not in self.codes.get(scheme, set()):
            allowed = ", ".join(sorted(self.codes.get(scheme, set())))
            self.fail(
                row,
                column,
                f"'{value}' is not in the {scheme} list; use one of: {allowed}",
                f"'{value}' non è nell'elenco {scheme}; usa uno di: {allowed}",
            )
            return None
        return concept_iri(scheme, value)

    def concepts(self, row: Row, column: str, scheme: str) -> list[str] | None:
        """The concepts of a cell of several codes separated by ";"; None if any is not in the list."""
        found = [self.concept(row.with_cells({column: value}), column, scheme) for value in _several(row.get(column))]
        return None if None in found else [iri for iri in found if iri is not None]

    def optional_concept(self, row: Row, column: str, scheme: str) -> str | None:
        return self.concept(row, column, scheme) if row.get(column) else ""

    def checked(self, row: Row, column: str, check: Callable[[str], object], what: str, italian: str) -> str | None:
        """The cell's value if `check` passes it; `what` it should be, "a valid `what`" in Italian."""
        value = row.get(column)
        if not value:
            return None
        try:
            check(value)
        except (ValidationError, ValueError) as error:
            self.fail(
                row,
                column,
                f"'{value}' is not a valid {what} ({str(error).rstrip('.').lower()})",
                f"'{value}' non è {italian} ({_italian_reason(error)})",
            )
            return None
        return value

    def day(self, row: Row, column: str) -> date | None:
        value = row.get(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(
                row,
                column,
                f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01",
                f"'{value}' non è una data: scrivila come AAAA-MM-GG, ad esempio 2024-03-01",
            )
            return None

    def position(self, row: Row, owner_code: str, used: dict[tuple[str, str], int]) -> str | None:
        """A row's posizione (1, 2, 3...), once per owner among the rows of its sheet."""
        position = row.get("posizione")
        if not position.isdigit() or int(position) < 1:
            self.fail(
                row,
                "posizione",
                f"'{position}' is not a position (1, 2, 3, ...)",
                f"'{position}' non è una posizione (1, 2, 3, ...)",
            )
            return None
        if (owner_code, position) in used:
            self.fail(
                row,
                "posizione",
                f"position {position} is already used by row {used[(owner_code, position)]}",
                f"la posizione {position} è già usata dalla riga {used[(owner_code, position)]}",
            )
            return None
        used[(owner_code, position)] = row.number
        return position

    def involves(self, iri: str, row: Row) -> bool:
        """The parties and kinds of party an objective or activity involves; whether all are known."""
        parties = self.refs(row, "coinvolge", ENTI, UFFICI, COORDINAMENTI, TAVOLI)
        kinds = self.concepts(row, "coinvolge_tipologie", "body-kind")
        if parties is None or kinds is None:
            return False
        for party in parties:
            self.add(iri, GL + "involvesParty", party)
        for kind in kinds:
            self.add(iri, GL + "involvesPartyKind", kind)
        return True


def _several(cell: str) -> list[str]:
    """The values of a cell that holds several, separated by ";"."""
    return [value.strip() for value in cell.split(";") if value.strip()]


def _integer(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="it")


def _level(code: str) -> str:
    return {6: "municipality", 3: "province", 2: "region"}.get(len(code), "territory")


def _italian_level(code: str) -> str:
    """`_level` in Italian, with its article and adjectives: "un comune italiano esistente"."""
    return {
        6: "un comune italiano esistente",
        3: "una provincia italiana esistente",
        2: "una regione italiana esistente",
    }.get(len(code), "un territorio italiano esistente")


class Invalid(ValueError):
    """A value a check of this module refuses: why, in English (the exception's text) and in Italian."""

    def __init__(self, message: str, italian: str):
        super().__init__(message)
        self.italian = italian


# python-stdnum's reasons (in English), in Italian.
STDNUM_REASONS: tuple[tuple[type[ValidationError], str], ...] = (
    (InvalidChecksum, "la cifra o il carattere di controllo non è valido"),
    (InvalidLength, "la lunghezza non è valida"),
    (InvalidFormat, "il formato non è valido"),
    (InvalidComponent, "una delle sue parti non è valida o è sconosciuta"),
)


def _italian_reason(error: Exception) -> str:
    """Why a check refused a value, in Italian; python-stdnum's own words for a reason it has no match for."""
    if isinstance(error, Invalid):
        return error.italian
    found = next((italian for kind, italian in STDNUM_REASONS if isinstance(error, kind)), None)
    return found or str(error).rstrip(".").lower()


def _istat(value: str) -> None:
    if not re.fullmatch(r"\d{2}|\d{3}|\d{6}", value):
        raise Invalid(
            "2 digits for a region, 3 for a province, 6 for a municipality",
            "2 cifre per una regione, 3 per una provincia, 6 per un comune",
        )


def _ipa(value: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_]{2,20}", value):
        raise Invalid("2-20 letters, digits or underscores", "da 2 a 20 lettere, cifre o trattini bassi (_)")


def telephone(value: str) -> str:
    """A telephone number as typed (0321 378851, +39 0321 378851, 0321.378 851) as the tel: IRI the
    importer writes, its groups of digits kept as the visual separators RFC 3966 allows."""
    groups = re.findall(r"\d+", value)
    text = value.strip()
    if not groups:
        raise Invalid("no digits", "nessuna cifra")
    if text.startswith("+") or text.startswith("00"):
        first = groups[0].removeprefix("00") if text.startswith("00") else groups[0]
        country, rest = first[:2], first[2:]
        groups = [rest, *groups[1:]] if rest else groups[1:]
    else:
        country = "39"
    digits = country + "".join(groups)
    if not groups or not 8 <= len(digits) <= 15:
        raise Invalid("too few or too many digits", "troppo poche o troppe cifre")
    return f"tel:+{country}-" + "-".join(groups)


def telephone_label(number: str) -> str:
    """How a tel: IRI the importer writes is shown: as dialled in Italy, with its groups of digits."""
    country, *groups = number.removeprefix("tel:+").split("-")
    return " ".join(groups) if country == "39" else f"+{country} " + " ".join(groups)


def _enti(b: Builder, rows: list[Row]) -> None:
    placed: list[tuple[Row, str]] = []  # bodies whose row names the body whose territory holds them
    for row in b.each(rows):
        code = b.code(row, ENTI)
        kinds = b.concepts(row, "tipologia", "body-kind")
        if kinds == []:
            b.fail(
                row,
                "tipologia",
                "missing: the kind of body, from the body-kind list",
                "manca: il tipo di ente, dall'elenco body-kind",
            )
        vat = b.checked(row, "partita_iva", iva.validate, "Partita IVA", "una Partita IVA valida")
        tax = b.checked(row, "codice_fiscale", codicefiscale.validate, "codice fiscale", "un codice fiscale valido")
        ipa = b.checked(row, "codice_ipa", _ipa, "IPA code", "un codice IPA valido")
        istat = b.checked(row, "codice_istat", _istat, "ISTAT code", "un codice ISTAT valido")
        if istat and territorial_iri(istat) is None:
            b.fail(
                row,
                "codice_istat",
                f"'{istat}' is not the ISTAT code of a current Italian {_level(istat)}",
                f"'{istat}' non è il codice ISTAT di {_italian_level(istat)}",
            )
            istat = None
        if code is None or not kinds:
            continue
        iri = b.iris["enti"][code] = organization_iri(code)
        if row.get("nel_territorio_di"):
            placed.append((row, iri))
        b.organization(iri, (GL + "PublicBody", ORG + "FormalOrganization"), row, kinds)
        for prop, value in (("partitaIVA", vat), ("codiceFiscale", tax), ("ipaCode", ipa), ("istatCode", istat)):
            if value:
                b.add(iri, GL + prop, ox.Literal(value))
                b.add(iri, ORG + "identifier", ox.Literal(value))
        if istat:
            b.add(iri, SKOS + "exactMatch", territorial_iri(istat) or "")
        b.also_known(iri, row)
        b.italian(iri, DCT + "description", row, "descrizione")
        b.italian(iri, RDFS_COMMENT, row, "note")
        b.english(iri, RDFS_COMMENT, row, "note_en")
        b.sources(iri, row)
    # A second pass: the body whose territory holds another may come on a later row.
    for row, iri in placed:
        b.row = row
        territory = b.ref(row, "nel_territorio_di", ENTI)
        if territory == iri:
            b.fail(
                row,
                "nel_territorio_di",
                "a body cannot lie within its own territory",
                "un ente non può trovarsi nel territorio di sé stesso",
            )
        elif territory is not None:
            b.add(iri, GL + "withinTerritoryOf", territory)


def _uffici(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, UFFICI)
        body = b.ref(row, "ente", ENTI)
        if code is None or body is None:
            continue
        iri = b.iris["uffici"][code] = unit_iri(body, code)
        b.organization(iri, (ORG + "OrganizationalUnit",), row, [UNIT_KIND])
        b.add(iri, ORG + "unitOf", body)
        b.add(body, ORG + "hasUnit", iri)
        b.sources(iri, row)


def _cariche(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, CARICHE)
        body = b.ref(row, "ente", ENTI)
        role = b.concept(row, "ruolo", "role")
        office = b.optional_ref(row, "ufficio", UFFICI)
        if office and body and not office.startswith(body + "/"):
            b.fail(
                row,
                "ufficio",
                f"the office '{row.get('ufficio')}' is not of the body '{row.get('ente')}'",
                f"l'ufficio '{row.get('ufficio')}' non appartiene all'ente '{row.get('ente')}'",
            )
            continue
        if code is None or body is None or role is None or office is None:
            continue
        iri = b.iris["cariche"][CARICHE.reference(code, row.cells)] = seat_iri(body, code)
        b.types(iri, ORG + "Post")
        b.names(iri, row)
        b.add(iri, ORG + "postIn", office or body)
        b.add(iri, ORG + "role", role)
        b.sources(iri, row)


def _coordinamenti(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, COORDINAMENTI)
        kind = b.optional_concept(row, "tipologia", "governance-body-kind")
        if kind and kind.rsplit("/", 1)[-1] not in COORDINATION_CLASSES:
            b.fail(
                row,
                "tipologia",
                f"'{row.get('tipologia')}' is a kind of table (sheet tavoli); a coordination "
                f"is one of: {', '.join(COORDINATION_CLASSES)}",
                f"'{row.get('tipologia')}' è un tipo di tavolo (foglio tavoli); un coordinamento "
                f"è uno di: {', '.join(COORDINATION_CLASSES)}",
            )
            continue
        founder = b.optional_ref(row, "istituito_da", ENTI)
        members = b.refs(row, "membri", ENTI)
        levels = b.concepts(row, "livelli", "governance-level")
        if code is None or kind is None or founder is None or members is None or levels is None:
            continue
        kind = kind or concept_iri("governance-body-kind", COORDINATION_KIND)
        iri = b.iris["coordinamenti"][code] = organization_iri(code)
        cls = COORDINATION_CLASSES[kind.rsplit("/", 1)[-1]]
        b.organization(iri, (cls, ORG + "OrganizationalCollaboration"), row, [kind])
        if founder:
            b.add(iri, GL + "establishedBy", founder)
            b.add(founder, GL + "established", iri)
        for member in members:
            b.add(iri, ORG + "hasMember", member)
            b.add(member, ORG + "memberOf", iri)
        for level in levels:
            b.add(iri, GL + "comprisesLevel", level)
        b.also_known(iri, row)
        b.italian(iri, DCT + "description", row, "descrizione")
        b.sources(iri, row)


def _partecipazione(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, PARTECIPAZIONE)
        structure = b.ref(row, "struttura", COORDINAMENTI)
        categories = b.concepts(row, "categorie", "actor-category")
        level = b.optional_concept(row, "livello", "governance-level")
        if not categories and categories is not None:
            b.fail(
                row,
                "categorie",
                "missing: the categories of actors, from the actor-category list",
                "mancano: le categorie di attori, dall'elenco actor-category",
            )
        if code is None or structure is None or not categories or level is None:
            continue
        iri = b.iris["partecipazione"][code] = participation_iri(code)
        b.types(iri, GL + "Participation")
        b.names(iri, row)
        for category in categories:
            b.add(iri, GL + "participantCategory", category)
        if level:
            b.add(iri, GL + "governanceLevel", level)
        b.italian(iri, GL + "fullText", row, "testo")
        b.add(structure, GL + "hasParticipation", iri)
        b.sources(iri, row)


def _tavoli(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, TAVOLI)
        kind = b.concept(row, "tipologia", "governance-body-kind")
        if kind and kind.rsplit("/", 1)[-1] in COORDINATION_CLASSES:
            b.fail(
                row,
                "tipologia",
                f"'{row.get('tipologia')}' is a kind of coordination (sheet coordinamenti), not of a table",
                f"'{row.get('tipologia')}' è un tipo di coordinamento (foglio coordinamenti), non di tavolo",
            )
            continue
        parent = b.ref(row, "parte_di", COORDINAMENTI)
        if code is None or kind is None or parent is None:
            continue
        iri = b.iris["tavoli"][code] = unit_iri(parent, code)
        cls = TABLE_CLASSES.get(kind.rsplit("/", 1)[-1], GL + "GovernanceTable")
        b.organization(iri, (cls, ORG + "OrganizationalUnit"), row, [kind])
        b.add(iri, ORG + "unitOf", parent)
        b.add(parent, ORG + "hasUnit", iri)
        b.also_known(iri, row)
        b.link_later(row, "costituito_nel", (PIANI,), iri, GL + "constitutedWithin")
        b.sources(iri, row)


def _posti(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, POSTI)
        table = b.ref(row, "tavolo", TAVOLI)
        role = b.concept(row, "ruolo", "role")
        links = {
            GL + "represents": b.optional_ref(row, "per_conto_di", ENTI),
            GL + "heldExOfficioBy": b.optional_ref(row, "di_diritto", CARICHE),
            GL + "designatedBy": b.optional_ref(row, "designato_da", ENTI, CARICHE),
            GL + "drawnFrom": b.optional_ref(row, "scelto_in", ENTI, UFFICI),
            GL + "filledByCategory": b.optional_concept(row, "categoria", "actor-category"),
            GL + "capacity": b.optional_concept(row, "veste", "capacity"),
        }
        eligible = b.concepts(row, "ruoli_ammessi", "role")
        holders = row.get("quanti")
        if holders and not holders.isdigit():
            b.fail(
                row,
                "quanti",
                f"'{holders}' is not a whole number of holders",
                f"'{holders}' non è un numero intero di titolari",
            )
        optional = row.get("eventuale").lower()
        if optional not in YES | NO:
            b.fail(
                row,
                "eventuale",
                f"'{row.get('eventuale')}' is not sì or no",
                f"'{row.get('eventuale')}' non è sì o no",
            )
        if code is None or table is None or role is None or None in links.values() or eligible is None:
            continue
        iri = b.iris["posti"][code] = seat_iri(table, code)
        b.types(iri, GL + "Seat", ORG + "Post")
        b.names(iri, row)
        b.add(iri, ORG + "postIn", table)
        b.add(iri, ORG + "role", role)
        b.seats[iri] = (table, role)
        for predicate, target in links.items():
            if target:
                b.add(iri, predicate, target)
        for eligible_role in eligible:
            b.add(iri, GL + "eligibleRole", eligible_role)
        b.italian(iri, GL + "eligibility", row, "requisiti")
        b.english(iri, GL + "eligibility", row, "requisiti_en")
        b.italian(iri, GL + "remit", row, "compito")
        b.english(iri, GL + "remit", row, "compito_en")
        b.italian(iri, GL + "sourceText", row, "testo_fonte")
        if holders.isdigit():
            b.add(iri, GL + "numberOfHolders", _integer(holders))
        if optional in YES:
            b.add(iri, GL + "optional", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))


def _appartenenze(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        seat = b.ref(row, "posto", POSTI)
        start, end = b.day(row, "dal"), b.day(row, "al")
        if start and end and end < start:
            b.fail(
                row,
                "al",
                f"the membership ends ({end}) before it begins ({start})",
                f"l'appartenenza finisce ({end}) prima di cominciare ({start})",
            )
            continue
        if seat is None or start is None:
            continue
        person = person_iri(b.publisher, row.get("persona"))
        membership = membership_iri(b.publisher, row.get("persona"), seat, start)
        b.add(person, TYPE, FOAF + "Person")
        b.add(person, RDFS_LABEL, _text(row.get("persona")))
        table, role = b.seats[seat]
        b.add(membership, TYPE, ORG + "Membership")
        b.add(membership, RDFS_LABEL, _text(f"{row.get('persona')}, {start}"))
        b.add(membership, ORG + "member", person)
        b.add(membership, ORG + "organization", table)
        b.add(membership, ORG + "role", role)
        b.add(membership, GL + "holdsSeat", seat)
        interval = membership + "/periodo"
        b.add(membership, ORG + "memberDuring", interval)
        b.add(interval, TYPE, TIME + "Interval")
        for prop, when, name in ((TIME + "hasBeginning", start, "inizio"), (TIME + "hasEnd", end, "fine")):
            if when:
                b.add(interval, prop, f"{interval}/{name}")
                b.add(f"{interval}/{name}", TYPE, TIME + "Instant")
                b.add(f"{interval}/{name}", TIME + "inXSDDate", _date(when.isoformat()))


def _ambiti(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, AMBITI)
        if code is None:
            continue
        iri = b.iris["ambiti"][code] = area_iri(code)
        b.types(iri, GL + "TerritorialArea", DCT + "Location")
        b.names(iri, row)
        b.sources(iri, row)


def _piani(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, PIANI)
        links = {
            GL + "territorialArea": b.optional_ref(row, "ambito", AMBITI),
            GL + "managedBy": b.optional_ref(row, "gestito_da", ENTI),
            GL + "governedBy": b.optional_ref(row, "governato_da", COORDINAMENTI),
            GL + "planningOffice": b.optional_ref(row, "ufficio_di_piano", TAVOLI),
        }
        if code is None or None in links.values():
            continue
        iri = b.iris["piani"][code] = plan_iri(code)
        b.types(iri, GL + "PlanningInstrument", PROV + "Plan")
        b.names(iri, row)
        b.also_known(iri, row)
        for predicate, target in links.items():
            if target:
                b.add(iri, predicate, target)
        b.sources(iri, row)


def _obiettivi(b: Builder, rows: list[Row]) -> None:
    used: dict[tuple[str, str], int] = {}
    for row in b.each(rows):
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        position = b.position(row, row.get("organo"), used)
        if position is None or owner is None:
            continue
        iri = objective_iri(owner, position)
        if not b.involves(iri, row):
            continue
        b.types(iri, GL + "Objective", SKOS + "Concept")
        b.add(iri, RDFS_LABEL, _text(row.get("nome") or row.get("testo")[:120]))
        b.english(iri, RDFS_LABEL, row, "nome_en")
        b.add(iri, GL + "fullText", _text(row.get("testo")))
        b.add(iri, GL + "order", _integer(position))
        b.add(owner, GL + "hasObjective", iri)


def _funzioni(b: Builder, rows: list[Row]) -> None:
    used: dict[tuple[str, str], int] = {}
    for row in b.each(rows):
        code = b.code(row, FUNZIONI)
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        position = b.position(row, row.get("organo"), used)
        if code is None or owner is None or position is None:
            continue
        iri = b.iris["funzioni"][code] = purpose_iri("function", owner, code)
        b.types(iri, GL + "Function", SKOS + "Concept")
        b.names(iri, row)
        b.add(iri, GL + "order", _integer(position))
        b.italian(iri, GL + "fullText", row, "testo")
        b.add(owner, GL + "hasFunction", iri)


def _attivita(b: Builder, rows: list[Row]) -> None:
    used: dict[tuple[str, str], int] = {}
    for row in b.each(rows):
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        position = b.position(row, row.get("organo"), used)
        function = b.optional_ref(row, "funzione", FUNZIONI)
        if function and owner and not function.startswith(purpose_iri("function", owner, "")):
            b.fail(
                row,
                "funzione",
                f"the function '{row.get('funzione')}' is not of '{row.get('organo')}'",
                f"la funzione '{row.get('funzione')}' non appartiene a '{row.get('organo')}'",
            )
            continue
        if owner is None or position is None or function is None:
            continue
        iri = purpose_iri("activity", owner, position)
        if not b.involves(iri, row):
            continue
        b.types(iri, GL + "Activity", SKOS + "Concept")
        b.names(iri, row)
        b.add(iri, GL + "order", _integer(position))
        b.italian(iri, GL + "fullText", row, "testo")
        b.add(owner, GL + "hasActivity", iri)
        if function:
            b.add(function, GL + "carriedOutThrough", iri)


def _norme(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        issuer = b.optional_ref(row, "emanata_da", ENTI)
        found = URN_NIR.match(row.get("urn"))
        if not found:
            b.fail(
                row,
                "urn",
                f"'{row.get('urn')}' is not a URN:NIR such as urn:nir:stato:legge:2000-11-08;328",
                f"'{row.get('urn')}' non è un URN:NIR come urn:nir:stato:legge:2000-11-08;328",
            )
            continue
        day, number = found.group(3), found.group(4)
        try:
            date.fromisoformat(day)
        except ValueError:
            b.fail(
                row,
                "urn",
                f"the date {day} in '{row.get('urn')}' does not exist",
                f"la data {day} in '{row.get('urn')}' non esiste",
            )
            continue
        iri = legislation_iri(row.get("urn"))  # a URN:NIR, as matched above
        if owner is None or iri is None or issuer is None:
            continue
        b.types(iri, ELI + "LegalResource")
        b.add(iri, RDFS_LABEL, _text(row.get("nome") or row.get("titolo")))
        b.english(iri, RDFS_LABEL, row, "nome_en")
        b.italian(iri, SKOS + "altLabel", row, "sigla")
        b.add(iri, ELI + "title", _text(row.get("titolo")))
        b.add(iri, ELI + "date_document", _date(day))
        b.add(iri, ELI + "id_local", ox.Literal(number))
        b.add(iri, DCT + "identifier", ox.Literal(row.get("urn")))
        b.add(iri, "http://www.w3.org/2002/07/owl#sameAs", row.get("urn"))
        if issuer:
            b.add(iri, ELI + "passed_by", issuer)
        b.add(owner, GL + "legalBasis", iri)


def _numbers(b: Builder, row: Row) -> list[tuple[str, str]] | None:
    """A contact row's telephone and fax numbers: (vcard class, tel: IRI); None if any is not a number."""
    numbers = []
    for column, kind in (("telefono", "Voice"), ("fax", "Fax")):
        for value in _several(row.get(column)):
            try:
                numbers.append((kind, telephone(value)))
            except ValueError as error:
                b.fail(
                    row,
                    column,
                    f"'{value}' is not a telephone number ({error})",
                    f"'{value}' non è un numero di telefono ({_italian_reason(error)})",
                )
                return None
    return numbers


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    locality: str  # the municipality's name
    province: str  # its province's acronym
    municipality: str  # its IRI in the national vocabulary

    @property
    def label(self) -> str:
        return f"{self.street}, {self.postcode} {self.locality} ({self.province})"


def _address(b: Builder, row: Row) -> tuple[bool, Address | None]:
    """Whether a contact row's address cells are right, and the address they give (None for none)."""
    street, postcode, town = row.get("indirizzo"), row.get("cap"), row.get("comune")
    if not (street or postcode or town):
        return True, None
    missing = [column for column, value in (("indirizzo", street), ("cap", postcode), ("comune", town)) if not value]
    if missing:
        b.fail(
            row,
            missing[0],
            "an address needs indirizzo, cap and comune",
            "per un indirizzo servono indirizzo, cap e comune",
        )
        return False, None
    if not re.fullmatch(r"\d{5}", postcode):
        b.fail(
            row,
            "cap",
            f"'{postcode}' is not a postal code (CAP): 5 digits",
            f"'{postcode}' non è un CAP: servono 5 cifre",
        )
        return False, None
    found = municipality(town)
    if found is None:
        b.fail(
            row,
            "comune",
            f"'{town}' is not the ISTAT code of a current Italian municipality (6 digits)",
            f"'{town}' non è il codice ISTAT di un comune italiano esistente (6 cifre)",
        )
        return False, None
    name, province, iri = found
    return True, Address(street, postcode, name, province, iri)


def _same_contact(first: Row, row: Row) -> bool:
    """Whether two rows of contatti describe one contact point alike but for its bodies (organo)."""
    return all(first.get(column) == row.get(column) for column in CONTATTI.columns if column != "organo")


def _contatti(b: Builder, rows: list[Row]) -> None:
    described: dict[str, Row] = {}  # code -> the row that describes that contact point
    for row in b.each(rows):
        named = row.get("codice") or slug(row.get("nome"))
        first = described.get(named)
        if first is not None and _same_contact(first, row):
            # The same contact point for other bodies, on a row of its own, as sheets long had it.
            owners = b.refs(row, "organo", ENTI, UFFICI, COORDINAMENTI, TAVOLI)
            for owner in owners or ():
                b.add(owner, GL + "contactPoint", b.iris["contatti"][named])
            continue
        code = b.code(row, CONTATTI)
        if code is not None:
            described[code] = row
        owners = b.refs(row, "organo", ENTI, UFFICI, COORDINAMENTI, TAVOLI)
        kind = row.get("tipo") or "ufficio"
        if kind not in ("ufficio", "persona"):
            b.fail(
                row,
                "tipo",
                f"'{row.get('tipo')}' is not ufficio or persona",
                f"'{row.get('tipo')}' non è ufficio o persona",
            )
        numbers = _numbers(b, row)
        mails = []
        for column in ("email", "pec"):
            value = row.get(column)
            if value and not EMAIL.match(value):
                b.fail(
                    row,
                    column,
                    f"'{value}' is not an e-mail address",
                    f"'{value}' non è un indirizzo e-mail",
                )
            elif value:
                mails.append((column, value))
        address_right, address = _address(b, row)
        if code is None or owners is None or numbers is None or not address_right or kind not in ("ufficio", "persona"):
            continue
        iri = b.iris["contatti"][code] = contact_iri(b.publisher, code)
        b.types(iri, VCARD + ("Individual" if kind == "persona" else "Organization"), VCARD + "Kind")
        b.names(iri, row, "etichetta" if row.get("etichetta") else "nome", "etichetta_en")
        b.add(iri, VCARD + "fn", ox.Literal(row.get("nome")))
        if row.get("organizzazione"):
            b.add(iri, VCARD + "organization-name", ox.Literal(row.get("organizzazione")))
        for owner in owners:
            b.add(owner, GL + "contactPoint", iri)
        b.link_later(row, "di", (CONTATTI,), iri, None, inverse=VCARD + "hasMember")
        for vcard_class, number in numbers:
            node = telephone_iri(b.publisher, "fax" if vcard_class == "Fax" else "tel", number)
            b.add(iri, VCARD + "hasTelephone", node)
            b.types(node, VCARD + vcard_class, VCARD + "Work")
            shown = telephone_label(number)
            b.add(node, RDFS_LABEL, _text(f"Fax {shown}" if vcard_class == "Fax" else shown))
            b.add(node, VCARD + "hasValue", number)
        for column, mail in mails:
            b.add(iri, GL + "pec" if column == "pec" else VCARD + "hasEmail", f"mailto:{mail}")
        if address:
            node = address_iri(iri)
            b.add(iri, VCARD + "hasAddress", node)
            b.types(node, VCARD + "Address")
            b.add(node, RDFS_LABEL, _text(address.label))
            b.add(node, VCARD + "street-address", ox.Literal(address.street))
            b.add(node, VCARD + "postal-code", ox.Literal(address.postcode))
            b.add(node, VCARD + "locality", ox.Literal(address.locality))
            b.add(node, VCARD + "region", ox.Literal(address.province))
            b.add(node, GL + "inMunicipality", address.municipality)
        b.italian(iri, GL + "sourceText", row, "testo_fonte")


def _fonti(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, FONTI)
        publisher = b.ref(row, "pubblicata_da", ENTI)
        modified = b.day(row, "aggiornata_il")
        if code is None or publisher is None or (row.get("aggiornata_il") and modified is None):
            continue
        iri = b.iris["fonti"][code] = source_iri(code)
        b.types(iri, GL + "SourcePage", FOAF + "Document", PROV + "Entity")
        b.names(iri, row, "nome" if row.get("nome") else "titolo")
        b.add(iri, DCT + "title", _text(row.get("titolo")))
        b.italian(iri, GL + "breadcrumb", row, "percorso")
        if modified:
            b.add(iri, GL + "lastModifiedOnSource", _date(modified.isoformat()))
        b.add(iri, DCT + "publisher", publisher)
        b.add(iri, DCT + "language", ITALIAN)


def _dataset(b: Builder, rows: list[Row]) -> None:
    for row in b.each(rows):
        code = b.code(row, DATASET)
        publisher = b.ref(row, "pubblicato_da", ENTI)
        contact = b.optional_ref(row, "contatto", CONTATTI)
        issued = b.day(row, "pubblicato_il")
        place = row.get("territorio")
        spatial: str | None = ""
        if place.isdigit():
            spatial = territorial_iri(place)
            if spatial is None:
                b.fail(
                    row,
                    "territorio",
                    f"'{place}' is not the ISTAT code of a current Italian {_level(place)}",
                    f"'{place}' non è il codice ISTAT di un territorio italiano esistente",
                )
        elif place:
            spatial = b.ref(row, "territorio", AMBITI)
        if len(rows) > 1 and row is not rows[0]:
            b.fail(
                row,
                None,
                "one dataset per publisher: the sheet has one row",
                "un dataset per ente: il foglio ha una riga",
            )
            continue
        if code is None or publisher is None or contact is None or spatial is None:
            continue
        if row.get("pubblicato_il") and issued is None:
            continue
        iri = b.iris["dataset"][code] = dataset_iri(code)
        b.types(iri, DCATAPIT + "Dataset", DCAT + "Dataset")
        b.names(iri, row, "nome" if row.get("nome") else "titolo")
        b.add(iri, DCT + "identifier", ox.Literal(f"govlod:{code}"))
        b.add(iri, DCT + "title", _text(row.get("titolo")))
        b.english(iri, DCT + "title", row, "titolo_en")
        b.add(iri, DCT + "description", _text(row.get("descrizione")))
        b.english(iri, DCT + "description", row, "descrizione_en")
        b.add(iri, DCT + "publisher", publisher)
        b.add(iri, DCT + "rightsHolder", publisher)
        if issued:
            b.add(iri, DCT + "issued", _date(issued.isoformat()))
        if contact:
            b.add(iri, DCAT + "contactPoint", contact)
        if spatial:
            b.add(iri, DCT + "spatial", spatial)
        b.sources(iri, row)


# Each sheet's reading, in the order of `definitions.SHEETS`: a row refers to rows of the sheets before
# its own, or to later ones through `Builder.link_later`.
READERS: dict[str, Callable[[Builder, list[Row]], None]] = {
    "enti": _enti,
    "uffici": _uffici,
    "cariche": _cariche,
    "coordinamenti": _coordinamenti,
    "partecipazione": _partecipazione,
    "tavoli": _tavoli,
    "posti": _posti,
    "appartenenze": _appartenenze,
    "ambiti": _ambiti,
    "piani": _piani,
    "obiettivi": _obiettivi,
    "funzioni": _funzioni,
    "attivita": _attivita,
    "norme": _norme,
    "contatti": _contatti,
    "fonti": _fonti,
    "dataset": _dataset,
}
assert tuple(READERS) == tuple(sheet.name for sheet in SHEETS)


def build_records(
    rows: dict[str, list[Row]], publisher: str, codes: dict[str, set[str]], trace: bool = False
) -> Builder:
    b = Builder(publisher, codes, trace)
    for name, read in READERS.items():
        read(b, rows.get(name, []))
    b.settle()
    return b
