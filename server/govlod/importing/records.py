"""From checked spreadsheet rows to triples in the vocabulary, with stable IRIs.

Every row is checked before anything is written: codes, references between sheets, Partita IVA and
codice fiscale (python-stdnum), ISTAT and IPA codes, dates, numbers, e-mail addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date

import pyoxigraph as ox
from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale, iva

from govlod.importing.sheets import Choices, CodeList, Problem, Reference, Row, Sheet
from govlod.importing.territory import territorial_iri
from govlod.namespaces import CANONICAL_BASE

GL = CANONICAL_BASE + "ontology#"
ID = CANONICAL_BASE + "id/"
ORG = "http://www.w3.org/ns/org#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VCARD = "http://www.w3.org/2006/vcard/ns#"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_CODE_HINT = (
    "Codice breve, in minuscolo con trattini (es. {example}): forma l'indirizzo stabile del dato; "
    "se vuoto è ricavato dal nome. Non ripeterlo nel foglio."
)
_ORGANO = Reference(("tavoli", "coordinamenti"))

ENTI = Sheet(
    "enti",
    ("codice", "nome", "tipologia"),
    ("partita_iva", "codice_fiscale", "codice_ipa", "codice_istat", "nel_territorio_di", "nome_en"),
    about="Gli enti: Comuni, Province, Regioni, enti gestori, ASL, consorzi e aziende speciali.",
    hints={
        "codice": _CODE_HINT.format(example="comune-novara"),
        "nome": "Nome ufficiale dell'ente (es. Comune di Novara).",
        "tipologia": "Tipo di ente, dall'elenco (es. comune, provincia, ente-gestore).",
        "partita_iva": "Partita IVA, 11 cifre, con gli zeri iniziali.",
        "codice_fiscale": "Codice fiscale dell'ente.",
        "codice_ipa": "Codice IPA dell'Indice della PA: da 2 a 20 lettere, cifre o _.",
        "codice_istat": "Codice ISTAT del territorio: 2 cifre per una Regione, 3 per una Provincia, "
        "6 per un Comune (es. 003106), con gli zeri iniziali.",
        "nel_territorio_di": "Codice dell'ente nel cui territorio si trova questo: la Provincia di un Comune, "
        "la Regione di una Provincia.",
        "nome_en": "Nome dell'ente in inglese (es. Municipality of Novara).",
    },
    allowed={"tipologia": CodeList("body-kind"), "nel_territorio_di": Reference(("enti",))},
)
COORDINAMENTI = Sheet(
    "coordinamenti",
    ("codice", "nome", "istituito_da", "membri"),
    ("nome_en",),
    about="I coordinamenti tra enti (es. il coordinamento degli enti gestori), chi li ha istituiti e chi ne fa parte.",
    hints={
        "codice": _CODE_HINT.format(example="coordinamento-enti-gestori-novara"),
        "nome": "Nome del coordinamento.",
        "istituito_da": "Codice dell'ente (foglio enti) che ha istituito il coordinamento.",
        "membri": "Codici degli enti membri (foglio enti), separati da ; (es. comune-novara;cisa-24).",
        "nome_en": "Nome del coordinamento in inglese.",
    },
    allowed={"istituito_da": Reference(("enti",)), "membri": Reference(("enti",), several=True)},
)
TAVOLI = Sheet(
    "tavoli",
    ("codice", "nome", "tipologia", "parte_di"),
    ("nome_en",),
    about="I tavoli e gli organi di ogni coordinamento: tavolo politico, tavolo tecnico, ufficio di piano.",
    hints={
        "codice": _CODE_HINT.format(example="tavolo-politico"),
        "nome": "Nome del tavolo (es. Tavolo Politico).",
        "tipologia": "Tipo di organo, dall'elenco (es. tavolo-politico, tavolo-tecnico).",
        "parte_di": "Codice del coordinamento (foglio coordinamenti) di cui il tavolo fa parte.",
        "nome_en": "Nome del tavolo in inglese (es. Political table).",
    },
    allowed={"tipologia": CodeList("governance-body-kind"), "parte_di": Reference(("coordinamenti",))},
)
POSTI = Sheet(
    "posti",
    ("codice", "tavolo", "nome", "ruolo"),
    # English text and the source's words last, in every sheet: the columns most publishers fill come first.
    ("per_conto_di", "designato_da", "requisiti", "quanti", "eventuale", "nome_en", "requisiti_en", "testo_fonte"),
    about="I posti di ogni tavolo: in quale ruolo, per conto di quale ente e chi li designa.",
    hints={
        "codice": _CODE_HINT.format(example="delegato-cisa-24"),
        "tavolo": "Codice del tavolo (foglio tavoli) a cui appartiene il posto.",
        "nome": "Descrizione del posto (es. Delegato dell'Assemblea di CISA 24).",
        "ruolo": "Ruolo di chi occupa il posto, dall'elenco (es. presidente, delegato, consulente).",
        "per_conto_di": "Codice dell'ente (foglio enti) che il posto rappresenta.",
        "designato_da": "Codice dell'ente (foglio enti) che designa chi occupa il posto.",
        "requisiti": "Chi può occupare il posto (es. Sindaci o Assessori ai servizi sociali).",
        "quanti": "Quante persone occupano il posto: un numero intero.",
        "eventuale": "sì se il posto è solo eventuale; no o vuoto se è sempre previsto.",
        "nome_en": "Descrizione del posto in inglese (es. Delegate of the Assembly of CISA 24).",
        "requisiti_en": "Chi può occupare il posto, in inglese (es. Mayors or councillors for social services).",
        "testo_fonte": "Le parole esatte della pagina da cui è tratto il posto, copiate come sono "
        "(es. 7 delegati in rappresentanza delle Assemblee).",
    },
    allowed={
        "tavolo": Reference(("tavoli",)),
        "ruolo": CodeList("role"),
        "per_conto_di": Reference(("enti",)),
        "designato_da": Reference(("enti",)),
        "eventuale": Choices(("sì", "no")),
    },
)
APPARTENENZE = Sheet(
    "appartenenze",
    ("persona", "posto", "dal"),
    ("al",),
    about="Le persone che occupano i posti, dal giorno in cui iniziano al giorno in cui finiscono.",
    hints={
        "persona": "Nome e cognome della persona.",
        "posto": "Codice del posto (foglio posti) che la persona occupa.",
        "dal": "Data di inizio: una data (es. 01/03/2024) o il testo AAAA-MM-GG (es. 2024-03-01).",
        "al": "Data di fine, come la data di inizio (vuota se l'incarico è in corso).",
    },
    allowed={"posto": Reference(("posti",))},
    dates=("dal", "al"),
)
OBIETTIVI = Sheet(
    "obiettivi",
    ("organo", "posizione", "testo"),
    about="Gli obiettivi di ogni tavolo o coordinamento, nel loro ordine.",
    hints={
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "posizione": "Posizione dell'obiettivo: 1, 2, 3..., senza ripetizioni per lo stesso organo.",
        "testo": "Testo dell'obiettivo.",
    },
    allowed={"organo": _ORGANO},
)
NORME = Sheet(
    "norme",
    ("organo", "urn", "titolo"),
    about="Le leggi e gli atti su cui si fonda ogni tavolo o coordinamento.",
    hints={
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "urn": "Identificativo URN:NIR dell'atto (es. urn:nir:stato:legge:2000-11-08;328).",
        "titolo": "Titolo dell'atto.",
    },
    allowed={"organo": _ORGANO},
)
CONTATTI = Sheet(
    "contatti",
    ("organo", "nome"),
    ("telefono", "fax", "email", "pec"),
    about="I recapiti di enti, coordinamenti e tavoli: uffici, telefoni, fax, e-mail e PEC.",
    hints={
        "organo": "Codice dell'ente, del coordinamento o del tavolo (fogli enti, coordinamenti, tavoli).",
        "nome": "Nome del recapito (es. Ufficio Politiche Sociali).",
        "telefono": "Numeri di telefono, separati da ; (es. 0321 378851; +39 0321 378844).",
        "fax": "Numeri di fax, separati da ;.",
        "email": "Indirizzo e-mail.",
        "pec": "Indirizzo di posta elettronica certificata.",
    },
    allowed={"organo": Reference(("enti", "tavoli", "coordinamenti"))},
)
SHEETS = (ENTI, COORDINAMENTI, TAVOLI, POSTI, APPARTENENZE, OBIETTIVI, NORME, CONTATTI)

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URN_NIR = re.compile(r"^urn:nir:([a-z][a-z.]*(?:;[a-z.]+)?):([a-z][a-z.]*):(\d{4}-\d{2}-\d{2});([0-9A-Za-z.-]+)$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
YES, NO = {"sì", "si", "yes", "true", "1"}, {"no", "false", "0", ""}


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


# How each record's IRI is minted. `export` builds the same IRIs to recognise what a row would give
# back, so both directions read them from here.
COORDINATION_KIND = "coordinamento-enti-gestori"  # of the governance-body-kind list: every coordination's


def concept_iri(scheme: str, code: str) -> str:
    return f"{ID}concept/{scheme}/{code}"


def organization_iri(code: str) -> str:
    """A body's or a coordination's IRI."""
    return f"{ID}organization/{code}"


def table_iri(coordination: str, code: str) -> str:
    return f"{coordination}/{code}"


def seat_iri(table: str, code: str) -> str:
    return table.replace(f"{ID}organization/", f"{ID}post/") + f"/{code}"


def person_iri(publisher: str, name: str) -> str:
    return f"{ID}person/{publisher}/{slug(name)}"


def membership_iri(publisher: str, name: str, seat: str, start: date) -> str:
    return f"{ID}membership/{publisher}/{slug(name)}-{seat.rsplit('/', 1)[-1]}-{start}"


def objective_iri(owner: str, position: str) -> str:
    return owner.replace(f"{ID}organization/", f"{ID}objective/") + f"/{position}"


def legislation_iri(urn: str) -> str | None:
    """The IRI of the act a URN:NIR names; None for what is no URN:NIR (the row's check says why)."""
    found = URN_NIR.match(urn)
    if not found:
        return None
    issuer, kind, day, number = found.groups()
    return f"{ID}legislation/{slug(issuer)}-{kind}-{day}-{slug(number)}"


def contact_iri(publisher: str, name: str) -> str:
    return f"{ID}contact-point/{publisher}/{slug(name)}"


def telephone_iri(contact: str, number: str) -> str:
    """The node of one of a contact point's numbers, given as a tel: IRI."""
    return f"{contact}/{number.removeprefix('tel:')}"


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

    def fail(self, row: Row, column: str | None, message: str) -> None:
        self.problems.append(row.problem(column, message))

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

    def organization(self, iri: str, classes: tuple[str, ...], row: Row, kind: str) -> None:
        """Types, names and kind: what every body, coordination and table starts with."""
        for cls in (*classes, ORG + "Organization"):
            self.add(iri, TYPE, cls)
        self.add(iri, RDFS_LABEL, _text(row.get("nome")))
        self.english(iri, RDFS_LABEL, row, "nome_en")
        self.add(iri, ORG + "classification", kind)

    def english(self, subject: str, predicate: str, row: Row, column: str) -> None:
        """The English text of an optional column, when the row has one."""
        if row.get(column):
            self.add(subject, predicate, ox.Literal(row.get(column), language="en"))

    def code(self, row: Row, sheet: Sheet) -> str | None:
        code = row.get("codice") or slug(row.get("nome"))
        if not CODE.match(code):
            self.fail(row, "codice", f"'{code}' is not a code: use lower-case letters, digits and hyphens")
            return None
        seen = self.codes_seen.setdefault(sheet.name, set())
        if code in seen:
            place = "file" if row.letters is None else "sheet"
            self.fail(row, "codice", f"duplicate code '{code}' (already used in this {place})")
            return None
        seen.add(code)  # even when the row has other problems, so a later duplicate is still caught
        return code

    def ref(self, row: Row, column: str, *sheets: Sheet) -> str | None:
        value = row.get(column)
        for sheet in sheets:
            if value in self.iris[sheet.name]:
                return self.iris[sheet.name][value]
        # A CSV user knows the sheets as files, a workbook user as sheets.
        where = " or ".join(s.file if row.letters is None else s.name for s in sheets)
        self.fail(row, column, f"unknown reference '{value}': no row of {where} has that code")
        return None

    def concept(self, row: Row, column: str, scheme: str) -> str | None:
        value = row.get(column)
        if value not in self.codes.get(scheme, set()):
            allowed = ", ".join(sorted(self.codes.get(scheme, set())))
            self.fail(row, column, f"'{value}' is not in the {scheme} list; use one of: {allowed}")
            return None
        return concept_iri(scheme, value)

    def checked(self, row: Row, column: str, check: Callable[[str], object], what: str) -> str | None:
        value = row.get(column)
        if not value:
            return None
        try:
            check(value)
        except (ValidationError, ValueError) as error:
            self.fail(row, column, f"'{value}' is not a valid {what} ({str(error).rstrip('.').lower()})")
            return None
        return value

    def day(self, row: Row, column: str) -> date | None:
        value = row.get(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(row, column, f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01")
            return None


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="it")


def _level(code: str) -> str:
    return {6: "municipality", 3: "province", 2: "region"}.get(len(code), "territory")


def _istat(value: str) -> None:
    if not re.fullmatch(r"\d{2}|\d{3}|\d{6}", value):
        raise ValueError("2 digits for a region, 3 for a province, 6 for a municipality")


def _ipa(value: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_]{2,20}", value):
        raise ValueError("2-20 letters, digits or underscores")


def telephone(value: str) -> str:
    """A telephone number as typed (0321 378851, +39 0321 378851) as the tel: IRI the importer writes."""
    digits = re.sub(r"[^\d+]", "", value)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    else:
        digits = "39" + digits
    if not 8 <= len(digits) <= 15:
        raise ValueError("too few or too many digits")
    return f"tel:+{digits[:2]}-{digits[2:]}"


def build_records(
    rows: dict[str, list[Row]], publisher: str, codes: dict[str, set[str]], trace: bool = False
) -> Builder:
    b = Builder(publisher, codes, trace)
    placed: list[tuple[Row, str]] = []  # bodies whose row names the body whose territory holds them
    for row in b.each(rows.get("enti", [])):
        code = b.code(row, ENTI)
        kind = b.concept(row, "tipologia", "body-kind")
        vat = b.checked(row, "partita_iva", iva.validate, "Partita IVA")
        tax = b.checked(row, "codice_fiscale", codicefiscale.validate, "codice fiscale")
        ipa = b.checked(row, "codice_ipa", _ipa, "IPA code")
        istat = b.checked(row, "codice_istat", _istat, "ISTAT code")
        if istat and territorial_iri(istat) is None:
            b.fail(row, "codice_istat", f"'{istat}' is not the ISTAT code of a current Italian {_level(istat)}")
            istat = None
        if code is None or kind is None:
            continue
        iri = b.iris["enti"][code] = organization_iri(code)
        if row.get("nel_territorio_di"):
            placed.append((row, iri))
        b.organization(iri, (GL + "PublicBody", ORG + "FormalOrganization"), row, kind)
        for prop, value in (("partitaIVA", vat), ("codiceFiscale", tax), ("ipaCode", ipa), ("istatCode", istat)):
            if value:
                b.add(iri, GL + prop, ox.Literal(value))
                b.add(iri, ORG + "identifier", ox.Literal(value))
        if istat:
            b.add(iri, "http://www.w3.org/2004/02/skos/core#exactMatch", territorial_iri(istat) or "")
    # A second pass: the body whose territory holds another may come on a later row.
    for row, iri in placed:
        b.row = row
        territory = b.ref(row, "nel_territorio_di", ENTI)
        if territory == iri:
            b.fail(row, "nel_territorio_di", "a body cannot lie within its own territory")
        elif territory is not None:
            b.add(iri, GL + "withinTerritoryOf", territory)
    for row in b.each(rows.get("coordinamenti", [])):
        code = b.code(row, COORDINAMENTI)
        founder = b.ref(row, "istituito_da", ENTI)
        members = [
            b.ref(row.with_cells({"membri": m.strip()}), "membri", ENTI)
            for m in row.get("membri").split(";")
            if m.strip()
        ]
        if code is None or founder is None or None in members:
            continue
        iri = b.iris["coordinamenti"][code] = organization_iri(code)
        kind = concept_iri("governance-body-kind", COORDINATION_KIND)
        b.organization(iri, (GL + "Coordination", ORG + "OrganizationalCollaboration"), row, kind)
        b.add(iri, GL + "establishedBy", founder)
        b.add(founder, GL + "established", iri)
        for member in members:
            assert member is not None
            b.add(iri, ORG + "hasMember", member)
            b.add(member, ORG + "memberOf", iri)
    for row in b.each(rows.get("tavoli", [])):
        code = b.code(row, TAVOLI)
        kind = b.concept(row, "tipologia", "governance-body-kind")
        parent = b.ref(row, "parte_di", COORDINAMENTI)
        if code is None or kind is None or parent is None:
            continue
        iri = b.iris["tavoli"][code] = table_iri(parent, code)
        b.organization(iri, (GL + "GovernanceTable", ORG + "OrganizationalUnit"), row, kind)
        b.add(iri, ORG + "unitOf", parent)
        b.add(parent, ORG + "hasUnit", iri)
    for row in b.each(rows.get("posti", [])):
        code = b.code(row, POSTI)
        table = b.ref(row, "tavolo", TAVOLI)
        role = b.concept(row, "ruolo", "role")
        behalf = b.ref(row, "per_conto_di", ENTI) if row.get("per_conto_di") else ""
        designator = b.ref(row, "designato_da", ENTI) if row.get("designato_da") else ""
        holders = row.get("quanti")
        if holders and not holders.isdigit():
            b.fail(row, "quanti", f"'{holders}' is not a whole number of holders")
        optional = row.get("eventuale").lower()
        if optional not in YES | NO:
            b.fail(row, "eventuale", f"'{row.get('eventuale')}' is not sì or no")
        if code is None or table is None or role is None or behalf is None or designator is None:
            continue
        iri = b.iris["posti"][code] = seat_iri(table, code)
        b.add(iri, TYPE, GL + "Seat")
        b.add(iri, TYPE, ORG + "Post")
        b.add(iri, RDFS_LABEL, _text(row.get("nome")))
        b.english(iri, RDFS_LABEL, row, "nome_en")
        b.add(iri, ORG + "postIn", table)
        b.add(iri, ORG + "role", role)
        b.seats[iri] = (table, role)
        if behalf:
            b.add(iri, GL + "represents", behalf)
        if designator:
            b.add(iri, GL + "designatedBy", designator)
        if row.get("requisiti"):
            b.add(iri, GL + "eligibility", _text(row.get("requisiti")))
        b.english(iri, GL + "eligibility", row, "requisiti_en")
        if row.get("testo_fonte"):
            b.add(iri, GL + "sourceText", _text(row.get("testo_fonte")))
        if holders.isdigit():
            b.add(iri, GL + "numberOfHolders", ox.Literal(holders, datatype=ox.NamedNode(XSD + "integer")))
        if optional in YES:
            b.add(iri, GL + "optional", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))
    for row in b.each(rows.get("appartenenze", [])):
        seat = b.ref(row, "posto", POSTI)
        start, end = b.day(row, "dal"), b.day(row, "al")
        if start and end and end < start:
            b.fail(row, "al", f"the membership ends ({end}) before it begins ({start})")
            continue
        if seat is None or start is None:
            continue
        person = person_iri(publisher, row.get("persona"))
        membership = membership_iri(publisher, row.get("persona"), seat, start)
        b.add(person, TYPE, "http://xmlns.com/foaf/0.1/Person")
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
                b.add(
                    f"{interval}/{name}",
                    TIME + "inXSDDate",
                    ox.Literal(when.isoformat(), datatype=ox.NamedNode(XSD + "date")),
                )
    positions: dict[tuple[str, str], int] = {}
    for row in b.each(rows.get("obiettivi", [])):
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        position = row.get("posizione")
        if not position.isdigit() or int(position) < 1:
            b.fail(row, "posizione", f"'{position}' is not a position (1, 2, 3, ...)")
            continue
        if (row.get("organo"), position) in positions:
            b.fail(
                row,
                "posizione",
                f"position {position} is already used by row {positions[(row.get('organo'), position)]}",
            )
            continue
        positions[(row.get("organo"), position)] = row.number
        if owner is None:
            continue
        iri = objective_iri(owner, position)
        b.add(iri, TYPE, GL + "Objective")
        b.add(iri, TYPE, "http://www.w3.org/2004/02/skos/core#Concept")
        b.add(iri, RDFS_LABEL, _text(row.get("testo")[:120]))
        b.add(iri, GL + "fullText", _text(row.get("testo")))
        b.add(iri, GL + "order", ox.Literal(position, datatype=ox.NamedNode(XSD + "integer")))
        b.add(owner, GL + "hasObjective", iri)
        b.add(owner, ORG + "purpose", iri)
    for row in b.each(rows.get("norme", [])):
        owner = b.ref(row, "organo", TAVOLI, COORDINAMENTI)
        found = URN_NIR.match(row.get("urn"))
        if not found:
            b.fail(row, "urn", f"'{row.get('urn')}' is not a URN:NIR such as urn:nir:stato:legge:2000-11-08;328")
            continue
        day = found.group(3)
        try:
            date.fromisoformat(day)
        except ValueError:
            b.fail(row, "urn", f"the date {day} in '{row.get('urn')}' does not exist")
            continue
        law = legislation_iri(row.get("urn"))  # a URN:NIR, as matched above
        if owner is None or law is None:
            continue
        iri = law
        b.add(iri, TYPE, "http://data.europa.eu/eli/ontology#LegalResource")
        b.add(iri, RDFS_LABEL, _text(row.get("titolo")))
        b.add(iri, "http://data.europa.eu/eli/ontology#title", _text(row.get("titolo")))
        b.add(
            iri,
            "http://data.europa.eu/eli/ontology#date_document",
            ox.Literal(day, datatype=ox.NamedNode(XSD + "date")),
        )
        b.add(iri, "http://purl.org/dc/terms/identifier", ox.Literal(row.get("urn")))
        b.add(iri, "http://www.w3.org/2002/07/owl#sameAs", row.get("urn"))
        b.add(owner, GL + "legalBasis", iri)
    for row in b.each(rows.get("contatti", [])):
        owner = b.ref(row, "organo", ENTI, TAVOLI, COORDINAMENTI)
        iri = contact_iri(publisher, row.get("nome"))
        numbers = []
        for column, kind in (("telefono", "Voice"), ("fax", "Fax")):
            for value in filter(None, (v.strip() for v in row.get(column).split(";"))):
                try:
                    numbers.append((kind, telephone(value)))
                except ValueError as error:
                    b.fail(row, column, f"'{value}' is not a telephone number ({error})")
        mails = []
        for column in ("email", "pec"):
            value = row.get(column)
            if value and not EMAIL.match(value):
                b.fail(row, column, f"'{value}' is not an e-mail address")
            elif value:
                mails.append((column, value))
        if owner is None:
            continue
        b.add(iri, TYPE, VCARD + "Organization")
        b.add(iri, TYPE, VCARD + "Kind")
        b.add(iri, RDFS_LABEL, _text(row.get("nome")))
        b.add(iri, VCARD + "fn", ox.Literal(row.get("nome")))
        b.add(owner, GL + "contactPoint", iri)
        for kind, number in numbers:
            node = telephone_iri(iri, number)
            b.add(iri, VCARD + "hasTelephone", node)
            b.add(node, TYPE, VCARD + kind)
            b.add(node, VCARD + "hasValue", number)
        for column, mail in mails:
            b.add(iri, GL + "pec" if column == "pec" else VCARD + "hasEmail", f"mailto:{mail}")
    return b
