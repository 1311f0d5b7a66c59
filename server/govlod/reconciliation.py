"""Matching records of other registries to this dataset's entities (the W3C Reconciliation API's core).

Names match whatever their case, accents and dotted abbreviations ("C.I.S.A." = "CISA"), word by
word, so extra words ("Consorzio CISA Ovest Ticino") lower the score without hiding the entity.
An identifier given as a property (Partita IVA, codice fiscale, IPA or ISTAT code) that equals the
entity's own wins outright; one that differs rules the entity out (several values of one property
are alternatives: one that agrees is enough). Each candidate keeps its name score and whether an
identifier agreed, so that clients can weigh the evidence themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from govlod.search import normalise

# Words that carry no identity in Italian names of bodies.
STOP_WORDS = frozenset(
    {"di", "del", "della", "dei", "degli", "delle", "e", "ed", "il", "lo", "la", "i", "gli", "le", "per"}
)
MATCH_SCORE = 80.0  # a candidate at least this good...
MATCH_MARGIN = 25.0  # ...and this much better than the next is the match; so is the only exact one


@dataclass
class Entity:
    iri: str
    names: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    identifiers: dict[str, set[str]] = field(default_factory=dict)  # property IRI -> values
    context: str | None = None  # what tells it apart from its namesakes (govlod.index.context)


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    name: str
    match: bool = False
    # The evidence behind `score`, published as matching features so that clients can re-score:
    name_score: float = 0.0  # the best name's `name_score`, whatever an identifier decided
    identifier_agrees: bool = False  # the entity's id, or an identifier given, equals the entity's own


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOP_WORDS]


def name_score(query: str, name: str) -> float:
    """0-100: how well `name` answers `query`, word by word (Dice coefficient over words)."""
    asked, known = _words(query), _words(name)
    if not asked or not known:
        return 0.0
    if asked == known:
        return 100.0
    remaining = list(known)
    common = 0
    for word in asked:
        if word in remaining:
            remaining.remove(word)
            common += 1
    return round(100.0 * 2 * common / (len(asked) + len(known)), 1)


def identifier_key(value: str) -> str:
    """An identifier as it is compared: "IT 01234567890" and "it01234567890" are the same."""
    return normalise(value).replace(" ", "")


def _same_identifier(asked: str, known: str) -> bool:
    return identifier_key(asked) == identifier_key(known)


def _identifier_verdict(entity: Entity, properties: list[tuple[str, str]]) -> bool | None:
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


def reconcile(
    entities: list[Entity],
    query: str,
    types: list[str] | None = None,
    properties: list[tuple[str, str]] | None = None,
    limit: int = 5,
    ids: Collection[str] = (),
) -> list[Candidate]:
    """Candidates for one query, best first; `properties` are (property IRI, value) pairs, `ids` the
    IRIs of the entity the query names outright (any other entity is a different one)."""
    wanted_types = set(types or [])
    candidates: list[Candidate] = []
    for entity in entities:
        if wanted_types and not wanted_types & entity.types:
            continue
        if ids and entity.iri not in ids:
            continue
        best_name, by_name = max(
            ((n, name_score(query, n)) for n in entity.names), key=lambda p: p[1], default=("", 0.0)
        )
        verdict = _identifier_verdict(entity, properties or [])
        if verdict is False:
            continue  # an identifier that disagrees is a different entity
        agrees = bool(verdict) or entity.iri in ids
        score = 100.0 if agrees else by_name  # an identifier that agrees settles it
        if score <= 0:
            continue
        candidates.append(
            Candidate(entity, score, best_name or entity.iri, name_score=by_name, identifier_agrees=agrees)
        )
    candidates.sort(key=lambda c: (-c.score, c.name))
    top = candidates[:limit]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    exact_and_alone = bool(top) and top[0].score == 100.0 and runner_up < 100.0
    clear_lead = bool(top) and top[0].score >= MATCH_SCORE and top[0].score - runner_up >= MATCH_MARGIN
    if exact_and_alone or clear_lead:
        top[0] = replace(top[0], match=True)
    return top
