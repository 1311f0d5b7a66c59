"""Matching records of other registries to this dataset's entities (the W3C Reconciliation API's core).

A name is compared word by word, whatever its case, accents and dotted abbreviations ("C.I.S.A." =
"CISA"), each word weighed by how rare it is among the dataset's names (a word that a thousand
names hold, "comune", tells less than "ghemme"). Words pair with the entity's words exactly, or as a
misspelling when long enough and close enough (rapidfuzz's similarity); a query word that is not
in the name but names the territory the entity lies within ("CISA 24 (NO)", "ISPA Arona Novara")
is explained by it; a legal form the query adds ("Consorzio", "a.s.c.") counts for nothing, one it
leaves out of the entity's name for a quarter of its weight.
The score is the harmonic mean of how much of the query the name explains and how much of the name
the query holds, 0-100: a post named after a body ("Direttore di CISA 24") holds words that a query
for the body lacks, so the body scores higher.

An identifier given as a property (Partita IVA, codice fiscale, IPA or ISTAT code) that equals the
entity's own wins outright; one that differs rules the entity out (several values of one property
are alternatives: one that agrees is enough). A territory given (`places`) that none of the
entity's territories is rules it out too. Each candidate keeps its name score and whether an
identifier agreed, so that clients can weigh the evidence themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from govlod.search import normalise

# Words that carry no identity in Italian names of bodies.
STOP_WORDS = frozenset(
    {"di", "del", "della", "dei", "degli", "delle", "e", "ed", "il", "lo", "la", "i", "gli", "le", "per"}
    | {"a", "al", "alla", "ai", "da", "dal", "dalla", "dai", "in", "nel", "nella", "d", "l"}
)
# Legal forms registries add or drop at will: unpaired in a query they count for nothing, unpaired in
# a name for LEGAL_FORM_SHARE of their weight.
LEGAL_FORMS = frozenset({"consorzio", "azienda", "speciale", "consortile", "asc", "ente", "spa", "srl"})
# Words of territories' names that say which level they are, not which one: "Provincia di Novara"
# agrees with a territory given as "Novara".
TERRITORY_LEVELS = frozenset({"provincia", "regione", "comune", "citta", "metropolitana", "territorio"})
ABBREVIATIONS = {
    "prov": ("provincia",),
    "reg": ("regione",),
    "com": ("comune",),
    "cons": ("consorzio",),
    "az": ("azienda",),
    "asc": ("azienda", "speciale", "consortile"),  # "a.s.c."
}
LEGAL_FORM_SHARE = 0.25  # of its weight, what a legal form of the name that the query lacks counts
TYPO_LENGTH = 5  # both words at least this long to be read as one misspelling of the other...
TYPO_SIMILARITY = 80.0  # ...and at least this similar (rapidfuzz's normalised Indel similarity, 0-100)
HINT = re.compile(r"\(([^()]*)\)")
CONTEXT_SEPARATOR = " · "  # between the labels of an entity's containers (govlod.index.context)
MATCH_SCORE = 80.0  # a candidate at least this good...
MATCH_MARGIN = 25.0  # ...and this much better than the next is the match; so is the only whole one


class WordWeights:
    """How much a word tells about identity: its inverse document frequency among the names of the
    dataset (a word no name holds weighs most). Without counts every word weighs the same."""

    def __init__(self, counts: Mapping[str, int] | None = None, names: int = 0):
        self._counts = counts or {}
        self._names = max(names, 1)

    def __call__(self, word: str) -> float:
        if not self._counts:
            return 1.0
        return 1.0 + math.log((self._names + 1) / (self._counts.get(word, 0) + 1))


UNIFORM = WordWeights()


@dataclass
class Entity:
    iri: str
    names: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    identifiers: dict[str, set[str]] = field(default_factory=dict)  # property IRI -> values
    context: str | None = None  # what tells it apart from its namesakes (govlod.index.context)
    # The names of the territories it lies within and their acronyms ("Provincia di Novara", "NO").
    territories: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    """The words of a name that carry identity, abbreviations written out."""
    return [full for w in normalise(text).split() if w not in STOP_WORDS for full in ABBREVIATIONS.get(w, (w,))]


def place_hints(query: str) -> tuple[str, list[str]]:
    """A query without the parenthesised words registries put after a name, and those words: the
    province or town ("CISS Borgomanero (NO)", "Comune di Castro (Lecce)"), or a kind ("(Comune)")."""
    hints = [hint.strip() for hint in HINT.findall(query) if hint.strip()]
    return (HINT.sub(" ", query).strip() if hints else query), hints


def acronyms(name: str) -> frozenset[str]:
    """The words a name writes in capitals ("CISSA", "ASL"), as `words` gives them."""
    return frozenset(normalise(token) for token in re.findall(r"[^\W_]{2,}", name) if token.isupper())


def _likeness(asked: str, known: str, exact_only: Collection[str] = frozenset()) -> float:
    """1 for the same word, less for a misspelling of it, 0 otherwise; numbers and acronyms only as
    they are ("CISSA" and "CISAP", "24" and "25" are other bodies, not typos)."""
    if asked == known:
        return 1.0
    if asked.isdigit() or known.isdigit() or known in exact_only or min(len(asked), len(known)) < TYPO_LENGTH:
        return 0.0
    similarity = fuzz.ratio(asked, known, score_cutoff=TYPO_SIMILARITY)
    return similarity / 100.0


def _pairs(
    asked: Sequence[str], known: Sequence[str], exact_only: Collection[str] = frozenset()
) -> dict[int, tuple[int, float]]:
    """Each query word's paired name word and likeness: the likest pairs first, each word once."""
    scored = sorted(
        ((_likeness(a, k, exact_only), i, j) for i, a in enumerate(asked) for j, k in enumerate(known)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    paired: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for likeness, i, j in scored:
        if likeness <= 0:
            break
        if i not in paired and j not in taken:
            paired[i] = (j, likeness)
            taken.add(j)
    return paired


def territory_words(name: str) -> frozenset[str]:
    """The words that say which territory a name is ("novara" of "Provincia di Novara"), not its
    level; a province's acronym as it is, even one that is also a word ("AL", "LO", "NO")."""
    text = name.strip()
    if len(text) == 2 and text.isalpha() and text.isupper():
        return frozenset({text.lower()})
    return frozenset(w for w in words(text) if w not in TERRITORY_LEVELS)


def place_words(territories: Iterable[str]) -> frozenset[str]:
    """The words that name the territories ("novara", "no", "piemonte")."""
    return frozenset().union(*(territory_words(name) for name in territories))


@dataclass(frozen=True)
class Comparison:
    """How a name answers a query: its score, and what the score rests on."""

    score: float  # 0-100
    paired: frozenset[int] = frozenset()  # the query's words (by position) paired with the name's
    known: frozenset[str] = frozenset()  # the name's words
    explained: float = 0.0  # the weight of the query's words that the entity's surroundings explain
    # Words on both sides left unpaired, the query's not explained (legal forms included), the
    # name's other than legal forms: one word put for another ("CISA Corvara" for "Comune di
    # Corvara", "Azienda Speciale Consortile X" for "Comune di X"), a sign of another entity.
    substituted: bool = False

    def offers_nothing_more_than(self, other: Comparison) -> bool:
        """This name is `other`'s with words the query does not hold ("Direttore di CISA 24" against
        "CISA 24" for the query "Consorzio CISA 24"): it cannot be the better answer."""
        return other.known < self.known and self.paired <= other.paired


@dataclass(frozen=True)
class Surroundings:
    """What may follow an entity's name in a query to say where it is."""

    places: frozenset[str] = frozenset()  # the words naming its territories and their acronyms
    containers: tuple[frozenset[str], ...] = ()  # the words of each of its containers' labels

    def explained(self, unpaired: Collection[str]) -> frozenset[str]:
        """Those of a query's unpaired words that name where the entity is: a territory's words, and
        words of a container's label when the query holds two or more of them ("… Enti Gestori di
        Novara"): one word alone ("CISAS" of the consortium a Comune belongs to) names no container."""
        found = {word for word in unpaired if word in self.places}
        for container in self.containers:
            shared = container.intersection(unpaired)
            if len(shared) >= 2:
                found |= shared
        return frozenset(found)

    def hold(self, asked: Collection[str]) -> bool:
        return set(asked) <= self.places.union(*self.containers)


NOWHERE = Surroundings()


def compare(query: str, name: str, weights: WordWeights = UNIFORM, surroundings: Surroundings = NOWHERE) -> Comparison:
    """How well `name` answers `query`: 100 when every word of each is paired with the other's or
    explained (by `surroundings`, where the entity lies, or as a legal form)."""
    asked, known = words(query), words(name)
    paired = _pairs(asked, known, acronyms(name)) if asked and known else {}
    if all(known[j] in LEGAL_FORMS for j, _ in paired.values()):
        return Comparison(0.0, known=frozenset(known))  # nothing paired, or a legal form alone ("a.s.c.")
    # A query whose every word names the entity's surroundings may name one of them, not the entity.
    unpaired = [word for i, word in enumerate(asked) if i not in paired]
    around = NOWHERE if surroundings.hold(asked) else surroundings
    explained_words = around.explained(unpaired)
    held = sum(likeness * weights(known[j]) for j, likeness in paired.values())
    paired_known = {j for j, _ in paired.values()}
    unpaired_asked = [word for word in unpaired if word not in explained_words]
    unpaired_known = [word for j, word in enumerate(known) if j not in paired_known]
    asked_total = sum(weights(known[j]) for j, _ in paired.values()) + sum(
        weights(word) for word in unpaired_asked if word not in LEGAL_FORMS
    )
    # A legal form the query leaves out of the entity's name tells little, but not nothing: between
    # "Comune di X" and "Azienda Speciale Consortile X", the query "X" is not whole for either.
    known_total = sum(weights(known[j]) for j in paired_known) + sum(
        weights(word) * (LEGAL_FORM_SHARE if word in LEGAL_FORMS else 1.0) for word in unpaired_known
    )
    explains, contained = held / asked_total, held / known_total
    score = round(100.0 * 2 * explains * contained / (explains + contained), 1)
    explained = sum(weights(word) for word in unpaired if word in explained_words)
    substituted = bool(unpaired_asked) and any(word not in LEGAL_FORMS for word in unpaired_known)
    return Comparison(score, frozenset(paired), frozenset(known), explained, substituted)


def name_score(query: str, name: str, weights: WordWeights = UNIFORM, surroundings: Surroundings = NOWHERE) -> float:
    """0-100: how well `name` answers `query` (see `compare`)."""
    return compare(query, name, weights, surroundings).score


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    name: str
    match: bool = False
    comparison: Comparison = Comparison(0.0)  # of the best name
    # The evidence behind `score`, published as matching features so that clients can re-score:
    identifier_agrees: bool = False  # the entity's id, or an identifier given, equals the entity's own
    territory_agrees: bool = False  # a territory given is one the entity lies within

    @property
    def name_score(self) -> float:
        """The best name's score, whatever an identifier decided."""
        return self.comparison.score


def identifier_key(value: str) -> str:
    """An identifier as it is compared: "IT 01234567890" and "it01234567890" are the same."""
    return normalise(value).replace(" ", "")


def _same_identifier(asked: str, known: str) -> bool:
    return identifier_key(asked) == identifier_key(known)


def _identifier_verdict(entity: Entity, properties: Sequence[tuple[str, str]]) -> bool | None:
    """True when a given identifier agrees with the entity's own, False when one property's values
    all differ from the entity's (a different entity), None when nothing could be compared.

    Several values of one property are alternatives: one that agrees is enough."""
    asked: dict[str, list[str]] = {}
    for prop, value in properties:
        asked.setdefault(prop, []).append(value)
    agrees = False
    for prop, values in asked.items():
        known = entity.identifiers.get(prop)
        if not known:
            continue
        if not any(_same_identifier(value, k) for value in values for k in known):
            return False
        agrees = True
    return True if agrees else None


def _surroundings(entity: Entity) -> Surroundings:
    """Its territories (not itself) and its containers ("Coordinamento … di Novara · Provincia di Novara")."""
    containers = (entity.context or "").split(CONTEXT_SEPARATOR)
    return Surroundings(
        place_words(name for name in entity.territories if name not in entity.names),
        tuple(frozenset(words(label)) for label in containers if label),
    )


def territory_verdict(entity: Entity, places: Sequence[str]) -> bool | None:
    """True when one of the territories given ("Novara", "Provincia di Novara", "NO") is one the
    entity lies within, False when the entity's territories are known and none is, None when there
    is nothing to compare."""
    given = [found for place in places if (found := territory_words(place))]
    if not given or not entity.territories:
        return None
    known = {territory_words(name) for name in entity.territories}
    return any(place in known for place in given)


def reconcile(
    entities: list[Entity],
    query: str,
    types: list[str] | None = None,
    properties: Sequence[tuple[str, str]] | None = None,
    limit: int = 5,
    ids: Collection[str] = (),
    weights: WordWeights = UNIFORM,
    places: Sequence[str] = (),
) -> list[Candidate]:
    """Candidates for one query, best first; `properties` are (property IRI, value) pairs of
    identifiers, `places` the territories the query says its entity lies within, `ids` the IRIs of
    the entity the query names outright (any other entity is a different one)."""
    wanted_types = set(types or [])
    candidates: list[Candidate] = []
    for entity in entities:
        if wanted_types and not wanted_types & entity.types:
            continue
        if ids and entity.iri not in ids:
            continue
        verdict = _identifier_verdict(entity, properties or [])
        territory = territory_verdict(entity, places)
        if verdict is False or (territory is False and not verdict):
            continue  # an identifier that disagrees is a different entity; so is a territory, unless one agrees
        best_name, best = max(
            ((n, compare(query, n, weights, _surroundings(entity))) for n in entity.names),
            key=lambda p: (p[1].score, -p[1].explained),
            default=("", Comparison(0.0)),
        )
        agrees = bool(verdict) or entity.iri in ids
        score = 100.0 if agrees else best.score  # an identifier that agrees settles it
        if score <= 0:
            continue
        candidates.append(
            Candidate(
                entity,
                score,
                best_name or entity.iri,
                comparison=best,
                identifier_agrees=agrees,
                territory_agrees=bool(territory),
            )
        )
    # Of two whole answers, the one that needs fewer words explained by its surroundings is the
    # better: "Coordinamento … della Provincia di Novara" names the coordination, not a member of it.
    candidates.sort(key=lambda c: (-c.score, not c.identifier_agrees, c.comparison.explained, c.name, c.entity.iri))
    top = candidates[:limit]
    if not top:
        return top
    best = top[0].comparison
    # The lead is over the next candidate that could be the answer: not a post named after the
    # best one, whose extra words the query lacks, nor, when the best puts no word for another, one
    # that does ("Comune di X" for "CISAP X", whose acronym the query holds).
    rivals = [
        c
        for c in candidates[1:]
        if not c.comparison.offers_nothing_more_than(best) and (best.substituted or not c.comparison.substituted)
    ]
    runner_up = rivals[0].score if rivals else 0.0
    whole_and_alone = top[0].score == 100.0 and not any(
        c.score == 100.0 and c.comparison.explained <= best.explained for c in rivals
    )
    clear_lead = top[0].score >= MATCH_SCORE and top[0].score - runner_up >= MATCH_MARGIN and not best.substituted
    # An identifier that agrees, and no other candidate's, settles it whatever the names say.
    agreeing = [c for c in candidates if c.identifier_agrees]
    settled = len(agreeing) == 1 and agreeing[0] is top[0]
    if whole_and_alone or clear_lead or settled:
        top[0] = replace(top[0], match=True)
    return top
