"""An evaluation set for reconciliation, derived from a data folder: names as registries write them.

    python bench/reconciliation_set.py --data bench/out/data-1000000 --size 500 --out set.csv

Draws entities of the data (managing bodies mostly, then Comuni, Provinces, Regions,
coordinations and their tables) and writes each as another registry would: abbreviations with and
without dots, another case or word order, the legal form or "Comune di" added or dropped, the
province added, one or two typos, an identifier given (partita IVA, codice fiscale, IPA or ISTAT
code), the province given as `withinTerritoryOf`. Then names that are not in the data: near misses
(an acronym of the data with a town that has no such body, a Comune of Italy that is not in the
data) and entities of the data given with an identifier or a province that contradicts them.

The set is fair: a row expects an entity only when the information it gives singles that entity
out. Names are compared as a person would read them: case, accents, dots, articles and word order
aside, and the words of a legal form ("Consorzio", "Comune", "Azienda Speciale Consortile" or
"a.s.c.") left out or added where the entity is of that form, so that "Castro" may be the Comune
or the a.s.c. of Castro but "Comune di Castro" only the Comune. A name that several entities bear
expects none unless the province or an identifier given tells them apart, and a typo as close to
another name is not used. Names borne in several provinces mostly come with the province, as a
registry knows its own.

The Turtle files are read, not the generator's model: the set is then about what the server
loads (every expected id exists there), and it can be derived from any folder of data, the
bundled one included; reading is the longest part, about 7 s at 1M triples. The same folder,
size and seed always give the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz.distance import OSA
from stdnum import luhn

from reconciliation_quality import EvaluationRow, write_rows

ID = "https://w3id.org/govlod/id/"
GL = "https://w3id.org/govlod/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
BODY_KIND = ID + "concept/body-kind/"
IDENTIFIERS = ("partitaIVA", "codiceFiscale", "ipaCode", "istatCode")
# Where an entity lies: its own territory, else the body that set it up, else its container.
TERRITORY = (GL + "withinTerritoryOf", GL + "establishedBy", ORG + "unitOf", ORG + "postIn")
TYPES = ("PublicBody", "Coordination", "GovernanceTable", "PlanningOffice", "GovernanceStructure")
WANTED = {RDF_TYPE, RDFS_LABEL, ORG + "classification", *(GL + p for p in IDENTIFIERS), *TERRITORY}

STOP_WORDS = frozenset(
    {"di", "del", "della", "dello", "dei", "degli", "delle", "d", "e", "ed", "per", "in"}
) | frozenset({"il", "lo", "la", "l", "i", "gli", "le", "al", "allo", "alla", "ai", "agli", "alle"})
# Words of a legal form, which registries add or leave out: "Consorzio CISA 24", "Sercop a.s.c.",
# "Novara" for "Comune di Novara". A query that has them names only entities of that form.
FORMS = frozenset({"consorzio", "comune", "azienda", "speciale", "consortile"})
IMPLIED_FORMS = {  # body kind -> the legal form a registry may add to a name that lacks it
    "comune": frozenset({"comune"}),
    "ente-gestore": frozenset({"consorzio"}),
    "consorzio-socio-assistenziale": frozenset({"consorzio"}),
    "azienda-speciale-consortile": frozenset({"azienda", "speciale", "consortile"}),
}
EXPANSIONS = {"asc": ("azienda", "speciale", "consortile")}  # "Sercop a.s.c."
SIMILAR = {  # acronyms a registry might write for one another: near misses when absent
    "cisa": ("ciss", "cisas", "isa", "cissa", "cisap"),
    "ciss": ("cisa", "cissa", "css", "cisas"),
    "cisas": ("cisa", "ciss", "cisap"),
    "cssac": ("cissaca", "css", "cisa"),
    "isa": ("ispa", "cisa"),
    "ispa": ("isa", "cisa"),
    "cissaca": ("cssac", "cissa"),
    "cissa": ("ciss", "cisa", "cissaca"),
    "cisap": ("cisa", "cisas"),
    "css": ("ciss", "cssac"),
}
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
SAINTS = ("San ", "Santa ", "Sant'", "Santo ", "Santi ", "Santes ")
TYPO_SHARE = {"body": 0.25, "comune": 0.25, "province": 0.2, "coordination": 0.2}  # of each kind's rows
TWO_TYPOS_SHARE = 0.3  # of the rows with typos
PRESENT_SHARE = 0.8  # of the rows: the rest name nothing to be matched
SHARES = {"body": 0.45, "comune": 0.28, "province": 0.06, "region": 0.02, "coordination": 0.08, "table": 0.08}
IDENTIFIER_SHARE = 0.12  # of the rows naming an entity that has an identifier no other entity has
PROVINCE_GIVEN_SHARE = 0.75  # of the other rows whose name several entities bear
UNIQUE_PROVINCE_SHARE = 0.1  # of the other rows whose name is the entity's alone


def normal_words(text: str) -> list[str]:
    """Words as they are compared: lower case, no accents, "C.I.S.A." read as "cisa", apostrophes
    split ("Sant'Anna" → "sant", "anna"), articles and prepositions left out."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"\b(\w)\.(?=\w\.|\w\b)", r"\1", plain)  # c.i.s.a. -> cisa.
    plain = re.sub(r"\b(\w{2,})\.(?=\s|$)", r"\1", plain)
    words: list[str] = []
    for word in re.sub(r"[^\w]", " ", plain).split():
        words += EXPANSIONS.get(word, (word,))
    return [word for word in words if word not in STOP_WORDS]


def name_key(text: str) -> tuple[str, ...]:
    """What tells one name from another: its words but those of a legal form, in any order."""
    return tuple(sorted(word for word in normal_words(text) if word not in FORMS))


def forms_of(text: str) -> frozenset[str]:
    return frozenset(word for word in normal_words(text) if word in FORMS)


def osa_distance(a: str, b: str) -> int:
    """Edits (insertion, deletion, substitution, swap of neighbours) from `a` to `b` (rapidfuzz's OSA)."""
    return int(OSA.distance(a, b))


# --- the data -------------------------------------------------------------------------------------


@dataclass
class Entity:
    iri: str
    label: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # language -> label
    types: set[str] = field(default_factory=set)  # local names in the vocabulary
    kinds: set[str] = field(default_factory=set)  # body kinds: comune, provincia, ente-gestore...
    identifiers: dict[str, str] = field(default_factory=dict)
    up: dict[str, str] = field(default_factory=dict)  # TERRITORY property -> IRI
    forms: frozenset[str] = frozenset()  # legal forms its name has or a registry may add

    def answers(self, query_forms: frozenset[str]) -> bool:
        """Whether a name of this entity's words, with these legal forms, may be this entity."""
        return query_forms <= self.forms

    @property
    def id(self) -> str:
        return self.iri.removeprefix(ID)


class Data:
    """The labelled resources of a data folder, with what the set needs of them."""

    def __init__(self, entities: dict[str, Entity]):
        self.entities = entities
        self.by_key: dict[tuple[str, ...], list[Entity]] = defaultdict(list)
        self.identifier_count: Counter[tuple[str, str]] = Counter()
        # Names with one word left out (and that word), for the names a typo could come from.
        self.masked: dict[tuple[str, ...], list[tuple[Entity, str]]] = defaultdict(list)
        for entity in entities.values():
            entity.label = entity.labels.get("it") or entity.labels.get("") or next(iter(entity.labels.values()))
            entity.forms = forms_of(entity.label).union(*(IMPLIED_FORMS.get(kind, ()) for kind in entity.kinds))
            key = name_key(entity.label)
            self.by_key[key].append(entity)
            for position, word in enumerate(key):
                if position == 0 or key[position - 1] != word:  # a word twice: one entry
                    self.masked[key[:position] + key[position + 1 :]].append((entity, word))
            for prop, value in entity.identifiers.items():
                self.identifier_count[prop, value] += 1

    @classmethod
    def read(cls, folder: Path) -> Data:
        entities: dict[str, Entity] = {}
        for path in sorted(folder.rglob("*.ttl")):
            for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                prop, subject, value = triple.predicate.value, triple.subject, triple.object.value
                if prop not in WANTED or not isinstance(subject, ox.NamedNode) or not subject.value.startswith(ID):
                    continue
                if prop == RDF_TYPE and not value.startswith(GL):
                    continue  # memberships and the like: millions of resources the set never names
                entity = entities.get(subject.value)
                if entity is None:
                    entity = entities[subject.value] = Entity(subject.value)
                if prop == RDFS_LABEL and isinstance(triple.object, ox.Literal):
                    entity.labels.setdefault(triple.object.language or "", value)
                elif prop == RDF_TYPE:
                    entity.types.add(value.removeprefix(GL))
                elif prop == ORG + "classification" and value.startswith(BODY_KIND):
                    entity.kinds.add(value.removeprefix(BODY_KIND))
                elif prop.startswith(GL) and prop.removeprefix(GL) in IDENTIFIERS:
                    entity.identifiers[prop.removeprefix(GL)] = value
                elif prop in TERRITORY:
                    entity.up.setdefault(prop, value)
        return cls({iri: e for iri, e in entities.items() if e.labels})

    def territory(self, entity: Entity) -> Entity | None:
        """The Province (or, for a Province, the Region) the entity lies within."""
        current: Entity | None = entity
        for _ in range(5):
            if current is None:
                return None
            upward = next((current.up[p] for p in TERRITORY if p in current.up), None)
            current = self.entities.get(upward) if upward else None
            if current is not None and current.kinds & {"provincia", "regione"}:
                return current
        return None

    def unique_identifier(self, entity: Entity, prop: str) -> str | None:
        value = entity.identifiers.get(prop)
        return value if value and self.identifier_count[prop, value] == 1 else None

    def namesakes(self, query: str) -> list[Entity]:
        """The entities a query names, as a person reads it: the same words, and no legal form
        that the entity lacks."""
        forms = forms_of(query)
        return [entity for entity in self.by_key.get(name_key(query), []) if entity.answers(forms)]

    def typo_namesakes(self, query: str, typed: str, edits: int) -> list[Entity]:
        """The entities a query with a misspelt word may name: those named by the query as it
        is, and those whose name has, instead of `typed`, a word within `edits` of it."""
        forms = forms_of(query)
        key = list(name_key(query))
        key.remove(typed)
        found = {id(e): e for e in self.namesakes(query)}
        for entity, word in self.masked.get(tuple(key), []):
            if entity.answers(forms) and osa_distance(typed, word) <= edits:
                found[id(entity)] = entity
        return list(found.values())


def place_of(province: Entity) -> str:
    """A province or region as a registry names it: "Novara", not "Provincia di Novara"."""
    return re.sub(r"^(Provincia di |Provincia del |Regione )", "", province.label)


# --- perturbations --------------------------------------------------------------------------------


def dotted(acronym: str) -> str:
    return "".join(f"{letter}." for letter in acronym)


def typo(word: str, rng: random.Random, edits: int) -> str:
    """`word` with `edits` slips of the hand, never on its first letter."""
    letters = list(word)
    for _ in range(edits):
        at = rng.randrange(1, len(letters))
        slip = rng.choice(("drop", "swap", "hit", "double"))
        if slip == "drop" and len(letters) > 4:
            del letters[at]
        elif slip == "swap" and at < len(letters) - 1 and letters[at] != letters[at + 1]:
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
        elif slip == "double":
            letters.insert(at, letters[at])
        else:
            near = KEYBOARD.find(letters[at].lower())
            choices = [KEYBOARD[i] for i in (near - 1, near + 1) if 0 <= i < len(KEYBOARD)] if near >= 0 else ["e"]
            letters[at] = rng.choice(choices)
    return "".join(letters)


@dataclass(frozen=True)
class Variant:
    """A way of writing an entity's name: the query, what else it gives, what was done."""

    query: str
    variation: str
    properties: tuple[tuple[str, str], ...] = ()
    typo_at: tuple[str, int] | None = None  # (the misspelt word as compared, edits)


def _acronym_split(label: str) -> tuple[str, str] | None:
    """("CISA", "Castro") for "CISA Castro": a name that starts with an acronym."""
    first, _, rest = label.partition(" ")
    return (first, rest) if rest and first.isupper() and first.isalpha() and len(first) >= 2 else None


def _typo_variant(label: str, rng: random.Random, edits: int) -> Variant | None:
    """A name with a typo in its longest word (five letters at least, eight for two typos), never
    in an acronym: "CISS" for "CISA" is another body, not a slip."""
    words = label.split(" ")
    targets = [
        (i, read[0])
        for i, word in enumerate(words)
        if not word.isupper()
        and len(read := normal_words(word)) == 1
        and read[0] not in FORMS
        and read[0].isalpha()
        and len(read[0]) >= (8 if edits == 2 else 5)
    ]
    if not targets:
        return None
    at, target = max(targets, key=lambda t: (len(t[1]), -t[0]))
    typed = typo(words[at], rng, edits)
    as_read = normal_words(typed)
    if len(as_read) != 1 or as_read[0] in FORMS or as_read == [target]:
        return None
    query = " ".join([*words[:at], typed, *words[at + 1 :]])
    return Variant(query, "typo" if edits == 1 else "two typos", typo_at=(as_read[0], edits))


def body_variants(label: str, rng: random.Random) -> list[Variant]:
    split = _acronym_split(label)
    variants = [Variant(label, "exact"), Variant(rng.choice((label.lower(), label.upper())), "case")]
    if split:
        acronym, rest = split
        variants += [
            Variant(f"{dotted(acronym)} {rest}", "dots"),
            Variant(f"Consorzio {acronym} {rest}", "legal form added"),
        ]
        if not rest.isdigit():  # "CISA 24" is never written "24 CISA" nor "CISA di 24"
            variants += [
                Variant(f"Consorzio {dotted(acronym)} di {rest}", "legal form added, dots"),
                Variant(f"{rest} {acronym}", "word order"),
                Variant(f"{rest} - {dotted(acronym)}", "word order, dots"),
            ]
    elif label.startswith("Consorzio "):
        rest = label.removeprefix("Consorzio ")
        variants += [Variant(rest, "legal form dropped"), Variant(f"{rest} (Consorzio)", "word order")]
    elif label.startswith("Azienda Speciale Consortile "):
        rest = label.removeprefix("Azienda Speciale Consortile ")
        variants += [
            Variant(f"{rest} a.s.c.", "legal form abbreviated"),
            Variant(f"{rest} - Azienda speciale consortile", "word order"),
        ]
    elif label.startswith("Unione dei Comuni "):
        rest = label.removeprefix("Unione dei Comuni ")
        variants.append(Variant(f"Unione Comuni {rest}", "preposition dropped"))
    return variants


def comune_variants(label: str, rng: random.Random) -> list[Variant]:
    town = label.removeprefix("Comune di ")
    variants = [
        Variant(label, "exact"),
        Variant(label.upper(), "case"),
        Variant(town, "Comune dropped"),
        Variant(f"Comune {town}", "preposition dropped"),
        Variant(f"{town} (Comune)", "word order"),
    ]
    return variants


def province_variants(label: str, rng: random.Random) -> list[Variant]:
    kind, _, place = label.partition(" di ")
    variants = [Variant(label, "exact"), Variant(label.upper(), "case")]
    if place:
        variants += [Variant(f"{kind} {place}", "preposition dropped"), Variant(f"{place} {kind}", "word order")]
    return variants


def region_variants(label: str, rng: random.Random) -> list[Variant]:
    region = label.removeprefix("Regione ")
    return [
        Variant(label, "exact"),
        Variant(label.lower(), "case"),
        Variant(f"{region} (Regione)", "word order"),
        Variant(f"Regione del {region}" if region[0] not in "AEIOU" else f"Regione dell'{region}", "preposition added"),
    ]


def coordination_variants(label: str, rng: random.Random) -> list[Variant]:
    variants = [
        Variant(label, "exact"),
        Variant(label.lower(), "case"),
        Variant(" ".join(w for w in label.split() if w.lower() not in STOP_WORDS), "prepositions dropped"),
    ]
    return variants


VARIANTS: dict[str, Callable[[str, random.Random], list[Variant]]] = {
    "body": body_variants,
    "comune": comune_variants,
    "province": province_variants,
    "region": region_variants,
    "coordination": coordination_variants,
}


# --- the set --------------------------------------------------------------------------------------


def _spread(namesakes: Sequence[Entity], provinces: set[str]) -> str:
    where = "one province" if len(provinces) == 1 else f"{len(provinces)} provinces"
    return f"name of {len(namesakes)} entities in {where}"


def kind_of(entity: Entity) -> str | None:
    """The pool an entity is drawn from, None for what the set does not ask for."""
    if "PublicBody" in entity.types:
        for kind, pool in (("comune", "comune"), ("provincia", "province"), ("regione", "region")):
            if kind in entity.kinds:
                return pool
        return "body" if "ente-gestore" in entity.kinds else None
    if "Coordination" in entity.types:
        return "coordination"
    if "GovernanceTable" in entity.types:
        return "table"
    return None


def type_of(entity: Entity) -> str:
    return next(t for t in TYPES if t in entity.types)


class SetMaker:
    def __init__(self, data: Data, rng: random.Random):
        self.data = data
        self.rng = rng
        self.pools: dict[str, list[Entity]] = defaultdict(list)
        for entity in sorted(data.entities.values(), key=lambda e: e.iri):
            kind = kind_of(entity)
            if kind:
                self.pools[kind].append(entity)

    def _province_value(self, province: Entity) -> str:
        # Registries name their province mostly by its place, sometimes in full.
        return province.label if self.rng.random() < 0.25 else place_of(province)

    def decide(self, entity: Entity, variant: Variant) -> EvaluationRow | None:
        """The row of a way of writing `entity`'s name, its province or identifier added when
        the name needs it or by chance: None when the variant would be unfair (a typo as close to
        another name)."""
        if variant.typo_at:
            typed, edits = variant.typo_at
            namesakes = self.data.typo_namesakes(variant.query, typed, edits)
            if {name_key(e.label) for e in namesakes} != {name_key(entity.label)}:
                return None  # the typo is as close to another name: no right answer
        else:
            namesakes = self.data.namesakes(variant.query)
        if entity not in namesakes:
            return None  # a form the entity's kind does not take ("Consorzio" for a Comune)
        properties = list(variant.properties)
        variation = variant.variation
        province = self.data.territory(entity)
        provinces = {p.iri for p in map(self.data.territory, namesakes) if p is not None}
        query = variant.query
        given_province: Entity | None = None
        draw = self.rng.random()
        identifier = self._identifier(entity) if draw < IDENTIFIER_SHARE else None
        duplicated = len(namesakes) > 1
        # The same draw past IDENTIFIER_SHARE decides on the province: read as a fraction of the rest.
        rest = (draw - IDENTIFIER_SHARE) / (1 - IDENTIFIER_SHARE)
        if identifier:
            properties.append(identifier)
            variation += f"; {identifier[0]} given"
        elif (
            province is not None
            and "provincia" in province.kinds
            and (rest < PROVINCE_GIVEN_SHARE if duplicated else rest > 1 - UNIQUE_PROVINCE_SHARE)
        ):
            # Mostly for a name borne in several provinces, as a registry knows its own; now and
            # then for a unique name, which the province must not lead astray.
            given_province = province
            among = f" ({_spread(namesakes, provinces)})" if duplicated else ""
            if self.rng.random() < 0.8:
                properties.append(("withinTerritoryOf", self._province_value(province)))
                variation += f"; province given{among}"
            else:
                query = f"{query} ({place_of(province)})"
                variation += f"; province added{among}"
        if identifier:
            expected = entity.id
        else:
            left = [e for e in namesakes if given_province is None or self.data.territory(e) is given_province]
            expected = entity.id if left == [entity] else ""
            if not expected:
                where = f"{len(left)} entities of that name in its province" if given_province else None
                variation += f"; ambiguous ({where or _spread(namesakes, provinces)})"
        return EvaluationRow(query, type_of(entity), expected, tuple(properties), variation)

    def _identifier(self, entity: Entity) -> tuple[str, str] | None:
        known = [(p, v) for p in IDENTIFIERS if (v := self.data.unique_identifier(entity, p) or "")]
        return self.rng.choice(known) if known else None

    def table_row(self, table: Entity) -> EvaluationRow | None:
        """A table by its name and what tells it apart: its coordination named, or its province given;
        the bare name of a table is everybody's and expects nothing."""
        coordination = self.data.entities.get(table.up.get(ORG + "unitOf", ""))
        province = self.data.territory(table)
        namesakes = self.data.namesakes(table.label)
        draw = self.rng.random()
        if coordination is not None and draw < 0.5 and len(self.data.namesakes(coordination.label)) == 1:
            connector = self.rng.choice((" del ", " - ", " "))
            query = table.label + connector + coordination.label
            if self.rng.random() < 0.5:
                query = " ".join(w for w in query.split() if w.lower() not in STOP_WORDS and w != "-")
            return EvaluationRow(query, "GovernanceTable", table.id, (), "context")
        if province is not None and draw < 0.85:
            same_place = [e for e in namesakes if self.data.territory(e) is province]
            expected = table.id if same_place == [table] else ""
            properties = (("withinTerritoryOf", self._province_value(province)),)
            return EvaluationRow(table.label, "GovernanceTable", expected, properties, "province given")
        if len(namesakes) > 1:
            return EvaluationRow(table.label, "GovernanceTable", "", (), f"ambiguous (name of {len(namesakes)} tables)")
        return EvaluationRow(table.label, "GovernanceTable", table.id, (), "exact")

    def _variant(self, kind: str, label: str) -> Variant:
        if self.rng.random() < TYPO_SHARE.get(kind, 0.0):
            found = _typo_variant(label, self.rng, 2 if self.rng.random() < TWO_TYPOS_SHARE else 1)
            if found:
                return found
        return self.rng.choice(VARIANTS[kind](label, self.rng))

    def present(self, count: int) -> list[EvaluationRow]:
        kinds = [kind for kind in SHARES if self.pools.get(kind)]
        total = sum(SHARES[kind] for kind in kinds)
        rows: list[EvaluationRow] = []
        for kind in kinds:
            wanted = round(count * SHARES[kind] / total)
            pool = self.pools[kind]
            # Every entity once before any twice: small data still gives varied rows.
            order = self.rng.sample(pool, len(pool))
            attempts = 0
            made = 0
            while made < wanted and attempts < wanted * 10:
                entity = order[attempts % len(order)]
                attempts += 1
                if kind == "table":
                    row = self.table_row(entity)
                else:
                    row = self.decide(entity, self._variant(kind, entity.label))
                if row is not None:
                    rows.append(row)
                    made += 1
        return rows

    def absent(self, count: int, comuni_of_italy: Sequence[str]) -> list[EvaluationRow]:
        """Names that must not be matched: near misses of the data's names, and entities of the
        data with a province or an identifier that contradicts them."""
        makers: list[Callable[[], EvaluationRow | None]] = [
            self._other_acronym,
            self._other_acronym,
            self._acronym_elsewhere,
            lambda: self._comune_not_in_data(comuni_of_italy),
            self._province_not_in_data,
            self._province_disagrees,
            self._identifier_disagrees,
        ]
        rows: dict[EvaluationRow, None] = {}  # in the order made, each once
        for attempt in range(count * 20):
            if len(rows) >= count:
                break
            row = makers[attempt % len(makers)]()
            if row is not None:
                rows[row] = None
        return list(rows)

    def _body(self) -> Entity | None:
        bodies = self.pools.get("body")
        return self.rng.choice(bodies) if bodies else None

    def _other_acronym(self) -> EvaluationRow | None:
        """ "CISS Castro" where only "CISA Castro" is: one letter from a body of the data."""
        body = self._body()
        split = _acronym_split(body.label) if body else None
        if body is None or split is None or split[0].lower() not in SIMILAR:
            return None
        other = self.rng.choice(SIMILAR[split[0].lower()]).upper()
        query = f"{other} {split[1]}"
        if self.data.namesakes(query):
            return None
        return EvaluationRow(query, "PublicBody", "", (), f"absent (acronym of another body: {body.label})")

    def _acronym_elsewhere(self) -> EvaluationRow | None:
        """An acronym of the data with a Comune of the data that has no such body."""
        body, comuni = self._body(), self.pools.get("comune")
        split = _acronym_split(body.label) if body else None
        if split is None or not comuni:
            return None
        town = self.rng.choice(comuni).label.removeprefix("Comune di ")
        query = f"{split[0]} {town}"
        if self.data.namesakes(query):
            return None
        return EvaluationRow(query, "PublicBody", "", (), "absent (real acronym, town without such body)")

    def _comune_not_in_data(self, comuni_of_italy: Sequence[str]) -> EvaluationRow | None:
        if not comuni_of_italy:
            return None
        query = f"Comune di {self.rng.choice(comuni_of_italy)}"
        if self.data.namesakes(query):
            return None
        return EvaluationRow(query, "PublicBody", "", (), "absent (Comune not in the data)")

    def _province_not_in_data(self) -> EvaluationRow | None:
        provinces = self.pools.get("province")
        if not provinces:
            return None
        place = place_of(self.rng.choice(provinces))
        # "Arona 17" becomes "Arona 1017": the same place with a number no province has.
        changed = re.sub(r"\d+$", lambda m: str(int(m.group()) + 1000), place)
        query = f"Provincia di {changed}" if changed != place else f"Provincia di {place} Sud"
        if self.data.namesakes(query):
            return None
        return EvaluationRow(query, "PublicBody", "", (), "absent (Province not in the data)")

    def _province_disagrees(self) -> EvaluationRow | None:
        """A name of the data given with a province where nothing of that name lies."""
        body = self._body()
        provinces = self.pools.get("province", [])
        if body is None or not provinces:
            return None
        elsewhere = self.rng.choice(provinces)
        namesakes = self.data.namesakes(body.label)
        if any(self.data.territory(e) is elsewhere for e in namesakes):
            return None
        properties = (("withinTerritoryOf", place_of(elsewhere)),)
        return EvaluationRow(body.label, "PublicBody", "", properties, "province disagrees")

    def _identifier_disagrees(self) -> EvaluationRow | None:
        """A name of the data given with a partita IVA that is no entity's."""
        body = self._body()
        if body is None or "partitaIVA" not in body.identifiers:
            return None
        stem = f"{self.rng.randrange(10**7):07d}{self.rng.randrange(1, 101):03d}"
        number = stem + luhn.calc_check_digit(stem)
        if self.data.identifier_count["partitaIVA", number]:
            return None
        return EvaluationRow(body.label, "PublicBody", "", (("partitaIVA", number),), "identifier disagrees")


def comuni_of_italy() -> list[str]:
    """Names of Italy's Comuni from the generator's list, for Comuni that are not in the data."""
    from generate import municipalities

    return list(municipalities()[0])


def make_set(data: Data, size: int, seed: int = 16) -> list[EvaluationRow]:
    """About `size` rows: PRESENT_SHARE naming entities of `data`, the rest naming nothing to
    match; in a shuffled order, so that each batch mixes kinds of query."""
    rng = random.Random(seed)
    maker = SetMaker(data, rng)
    present = round(size * PRESENT_SHARE)
    rows = maker.present(present) + maker.absent(size - present, comuni_of_italy())
    unique = list(dict.fromkeys(rows))  # the same row twice would be counted twice
    rng.shuffle(unique)
    return unique


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.ttl")):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def ensure_set(data: Path, out: Path, size: int, seed: int = 16) -> Path:
    """The set for `data` at `out`, derived again only when the data, the size, the seed or this
    file changed (a marker beside it records them): reading 10M triples takes a while."""
    marker = out.with_name(out.name + ".json")
    wanted = {
        "data": _folder_digest(data),
        "size": size,
        "seed": seed,
        "maker": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    }
    if out.is_file() and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return out
    marker.unlink(missing_ok=True)
    write_rows(out, make_set(Data.read(data), size, seed))
    marker.write_text(json.dumps(wanted))
    return out


def collisions(data: Data) -> dict[str, int]:
    """How much the names of `data` collide: what makes reconciliation hard at national size."""
    pools: dict[str, list[Entity]] = defaultdict(list)
    for entity in data.entities.values():
        kind = kind_of(entity)
        if kind:
            pools[kind].append(entity)

    def provinces_by_name(entities: list[Entity]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for entity in entities:
            province = data.territory(entity)
            found[entity.label].add(province.iri if province else "")
        return found

    comuni = provinces_by_name(pools["comune"])
    saints = {name: where for name, where in comuni.items() if name.removeprefix("Comune di ").startswith(SAINTS)}
    bodies = provinces_by_name(pools["body"])
    towns: dict[tuple[str, str], set[str]] = defaultdict(set)  # (province, place) -> acronyms
    for entity in pools["body"]:
        split = _acronym_split(entity.label)
        province = data.territory(entity)
        if split and province:
            towns[province.iri, split[1]].add(split[0])
    acronyms_by_place: dict[str, set[str]] = defaultdict(set)
    for entity in pools["body"]:
        split = _acronym_split(entity.label)
        if split:
            acronyms_by_place[split[1]].add(split[0])
    return {
        "comuni": len(pools["comune"]),
        "comune names": len(comuni),
        "comune names in two provinces or more": sum(1 for where in comuni.values() if len(where) > 1),
        "comuni bearing such a name": sum(
            count for name, count in Counter(e.label for e in pools["comune"]).items() if len(comuni[name]) > 1
        ),
        "comuni named after a saint (San, Santa, Sant'...)": sum(
            1 for e in pools["comune"] if e.label.removeprefix("Comune di ").startswith(SAINTS)
        ),
        "saints' names in two provinces or more": sum(1 for where in saints.values() if len(where) > 1),
        "managing bodies": len(pools["body"]),
        "body names in two provinces or more": sum(1 for where in bodies.values() if len(where) > 1),
        "places with bodies of two acronyms or more": sum(1 for found in acronyms_by_place.values() if len(found) > 1),
        "places with two acronyms in one province": sum(1 for found in towns.values() if len(found) > 1),
        "seats named after a body": sum(
            1
            for e in data.entities.values()
            if " di " in e.label and e.iri.startswith(ID + "post/") and "(" not in e.label
        ),
    }


def describe(rows: Iterable[EvaluationRow]) -> str:
    """Rows by each thing their variation does (a row may do several), for a look at a set."""
    counts = Counter(clause.split(" (")[0] for row in rows for clause in row.variation.split("; "))
    return "\n".join(f"{n:5d}  {variation}" for variation, n in sorted(counts.items(), key=lambda p: (-p[1], p[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of Turtle files (read recursively)")
    parser.add_argument("--size", type=int, default=500, help="about how many rows")
    parser.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--collisions", action="store_true", help="also count the names that collide in the data")
    args = parser.parse_args()
    data = Data.read(args.data)
    if args.collisions:
        for what, count in collisions(data).items():
            print(f"{count:8,d}  {what}")
    rows = make_set(data, args.size, args.seed)
    write_rows(args.out, rows)
    named = sum(1 for row in rows if row.expected)
    print(f"wrote {len(rows)} rows to {args.out}: {named} naming an entity, {len(rows) - named} to be left unmatched")
    print(describe(rows))


if __name__ == "__main__":
    main()
