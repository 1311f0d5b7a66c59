"""Matching records of other registries to this dataset's entities (the W3C Reconciliation API's core).

Names match whatever their case, accents and dotted abbreviations ("C.I.S.A." = "CISA"), word by
word, so extra words ("Consorzio CISA Ovest Ticino") lower the score without hiding the entity.
An identifier given as a property (Partita IVA, codice fiscale, IPA or ISTAT code) that equals the
entity's own wins outright; one that differs rules the entity out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govlod.search import normalise

# Words that carry no identity in Italian names of bodies.
STOP_WORDS = frozenset(
    {"di", "del", "della", "dei", "degli", "delle", "e", "ed", "il", "lo", "la", "i", "gli", "le", "per"}
)
MATCH_SCORE = 80.0  # a candidate at least this good...
MATCH_MARGIN = (
    25.0  # ...and this much better than the next is the match; so is the only exact one (as is the only exact one)
)


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


def reconcile(
    entities: list[Entity],
    query: str,
    types: list[str] | None = None,
    properties: list[tuple[str, str]] | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Candidates for one query, best first; `properties` are (property IRI, value) pairs."""
    wanted_types = set(types or [])
    candidates: list[Candidate] = []
    for entity in entities:
        if wanted_types and not wanted_types & entity.types:
            continue
        best_name, score = max(((n, name_score(query, n)) for n in entity.names), key=lambda p: p[1], default=("", 0.0))
        ruled_out = False
        for prop, value in properties or []:
            known = entity.identifiers.get(prop)
            if not known:
                continue
            if any(_same_identifier(value, k) for k in known):
                score = 100.0  # an identifier that agrees settles it
            else:
                ruled_out = True  # an identifier that disagrees is a different entity
        if ruled_out or score <= 0:
            continue
        candidates.append(Candidate(entity, score, best_name or entity.iri))
    candidates.sort(key=lambda c: (-c.score, c.name))
    top = candidates[:limit]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    exact_and_alone = bool(top) and top[0].score == 100.0 and runner_up < 100.0
    clear_lead = bool(top) and top[0].score >= MATCH_SCORE and top[0].score - runner_up >= MATCH_MARGIN
    if exact_and_alone or clear_lead:
        top[0] = Candidate(top[0].entity, top[0].score, top[0].name, match=True)
    return top
