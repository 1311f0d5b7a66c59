"""Reading a build's finding aid: search for people, candidates for reconciliation, lists of resources.

Every value from a request is a bound SQL parameter; FTS5 query text is built from words that
`normalise` reduced to letters and digits, each quoted as a phrase.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from govlod.importing.territory import province_acronym
from govlod.reconciliation import (
    LEGAL_FORMS,
    STOP_WORDS,
    TERRITORY_LEVELS,
    Entity,
    WordWeights,
    identifier_key,
    territory_words,
)
from govlod.search import normalise

SEARCH_CANDIDATES = 400  # names read for one query before they are ranked in Python
RECONCILE_CANDIDATES = 50  # entities scored for one reconciliation query
ENOUGH_CANDIDATES = 10  # a reconciliation query stops letting words go once this many entities hold the rest
RAREST_WORDS = 3  # and also reads this many entities for each of its rarest words
TYPO_SIMILARITY = 75.0  # how close (0-100) a word must be to a word of the names to be read as its misspelling
ISTAT_CODE = "https://w3id.org/govlod/ontology#istatCode"
# The kinds of body that are territories: places a query or a property may name.
TERRITORY_KINDS = tuple(
    f"https://w3id.org/govlod/id/concept/body-kind/{kind}" for kind in ("regione", "provincia", "comune")
)
IS_TERRITORY = (
    "EXISTS (SELECT 1 FROM resource_kind JOIN kind ON kind.id = resource_kind.kind "
    "WHERE resource_kind.resource = {body} AND kind.iri IN (?, ?, ?))"
)
MOST_WORDS = 12  # of a query's words, the rarest this many drive the lookup (each costs a few statements)
MOST_SPELT = 32  # distinct words of a query looked up as possible misspellings
MOST_PLACES = 3  # territories of one query looked within
# Words of territories' names in other languages that name no territory ("Province of Novara").
OTHER_LEVEL_WORDS = frozenset({"province", "region", "municipality", "city", "of", "the"})

KIND_JOIN = (
    "resource_kind JOIN kind ON kind.id = resource_kind.kind JOIN resource ON resource.id = resource_kind.resource"
)
IN_CHUNK = 500  # ids bound in one `IN (...)`, well under SQLite's limit on variables
LAST_CHARACTER = "\U0010ffff"  # appended to a start, the end of the range of keys that start with it

Rows = list[tuple[int, str, str]]


@dataclass(frozen=True)
class Resource:
    iri: str
    label: str | None
    context: str | None


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str  # the name that matched
    context: str | None
    score: float
    kinds: tuple[str, ...] = ()


def _all_words(words: list[str], last_is_prefix: bool) -> str:
    """An FTS5 expression for names holding every word (the last one as a prefix, if asked)."""
    terms = [_phrase(w) for w in words]
    if last_is_prefix:
        terms[-1] += "*"
    return " AND ".join(terms)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _rank(wanted: str, text: str) -> float:
    """Exact name 1.0, a name starting with the query 0.9, the query's words in order 0.8, all words
    0.6, words that match only with a typo less; shorter names fit better."""
    if text == wanted:
        score = 1.0
    elif text.startswith(wanted):
        score = 0.9
    elif f" {wanted} " in f" {text} ":
        score = 0.8
    elif all(word in text.split() or any(w.startswith(word) for w in text.split()) for word in wanted.split()):
        score = 0.6
    else:
        known = text.split()
        close = [max((fuzz.ratio(word, w) for w in known), default=0.0) / 100 for word in wanted.split()]
        score = 0.5 * sum(close) / len(close)
    return round(score - min(len(text) - len(wanted), 100) / 1000, 3)


class ReleaseIndex:
    """One build's finding aid, opened read-only; usable from several threads."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._word_counts: dict[str, int] | None = None
        self._word_list: list[str] = []

    @property
    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return int(self._db.execute("SELECT COUNT(*) FROM resource").fetchone()[0])
        row = self._db.execute(
            "SELECT COUNT(*) FROM resource_kind JOIN kind ON kind.id = resource_kind.kind WHERE kind.iri = ?", (kind,)
        ).fetchone()
        return int(row[0])

    def listing(self, kind: str, offset: int, limit: int, lang: str, start: str | None = None) -> list[Resource]:
        """Resources of a kind from `offset`: in the order of their IRIs, or, given `start`, those
        whose sort key starts with it in the order of their labels."""
        columns = f"resource.iri, label_{_lang(lang)}, label_it, context_{_lang(lang)}, context_it"
        joined = KIND_JOIN
        if start is None:
            query = (
                f"SELECT {columns} FROM {joined} WHERE kind.iri = ? ORDER BY resource_kind.resource LIMIT ? OFFSET ?"
            )
            rows = self._db.execute(query, (kind, limit, offset))
        else:
            query = (
                f"SELECT {columns} FROM {joined} WHERE kind.iri = ? AND sort_key >= ? AND sort_key < ? "
                "ORDER BY sort_key, resource.id LIMIT ? OFFSET ?"
            )
            rows = self._db.execute(query, (kind, start, start + LAST_CHARACTER, limit, offset))
        return [
            Resource(iri, label or label_it, context or context_it)
            for iri, label, label_it, context, context_it in rows
        ]

    def branches(self, kind: str, start: str) -> tuple[int, list[tuple[str, int]]]:
        """How many resources of a kind have a sort key starting with `start`, and how they split:
        the longest start they all share, each followed by its next character, with their counts.
        ("provincia di " is shared by every Province: the branches are "provincia di a", …)"""
        joined = KIND_JOIN
        where = "kind.iri = ? AND sort_key >= ? AND sort_key < ?"
        bounds = (kind, start, start + LAST_CHARACTER)
        count, first, last = self._db.execute(
            f"SELECT COUNT(*), MIN(sort_key), MAX(sort_key) FROM {joined} WHERE {where}", bounds
        ).fetchone()
        if not count:
            return 0, []
        # The start every key shares: that of the first and the last, which sort around all others.
        shared = first[: next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))]
        rows = self._db.execute(
            f"SELECT substr(sort_key, 1, ?) AS branch, COUNT(*) FROM {joined} WHERE {where} "
            "GROUP BY branch ORDER BY branch",
            (len(shared) + 1, *bounds),
        )
        return int(count), [(branch, int(n)) for branch, n in rows]

    def iris(self, offset: int, limit: int) -> list[str]:
        """IRIs in their stable order, from `offset`."""
        return [iri for iri, _ in self.dated_iris(offset, limit)]

    def dated_iris(self, offset: int, limit: int) -> list[tuple[str, str]]:
        """IRIs in their stable order, from `offset`, each with the date its description last changed."""
        rows = self._db.execute("SELECT iri, changed FROM resource WHERE id > ? ORDER BY id LIMIT ?", (offset, limit))
        return [(iri, changed) for iri, changed in rows]

    def last_change(self, offset: int, limit: int) -> str | None:
        """The latest date of change among the IRIs `dated_iris` gives for the same range."""
        row = self._db.execute(
            "SELECT MAX(changed) FROM resource WHERE id > ? AND id <= ?", (offset, offset + limit)
        ).fetchone()
        return row[0] if row else None

    def _kinds_of(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        kinds: dict[int, list[str]] = {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT resource, kind.iri FROM resource_kind JOIN kind ON kind.id = resource_kind.kind "
            f"WHERE resource IN ({marks})",
            list(ids),
        )
        for resource, kind in rows:
            kinds.setdefault(resource, []).append(kind)
        return {resource: tuple(sorted(values)) for resource, values in kinds.items()}

    def _words(self) -> dict[str, int]:
        """Every word of every name, with how many names hold it (read once per build)."""
        words = self._word_counts
        if words is None:
            db = self._db
            db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_vocab USING fts5vocab(main, 'name_words', 'row')")
            words = dict(db.execute("SELECT term, doc FROM temp.name_vocab"))
            self._word_list = list(words)
            self._word_counts = words
        return words

    @functools.cached_property
    def word_weights(self) -> WordWeights:
        """How rare each word is among the names: reconciliation weighs words by it."""
        names = int(self._db.execute("SELECT COUNT(*) FROM name").fetchone()[0])
        return WordWeights(self._words(), names)

    def _spelt(self, words: list[str]) -> list[str]:
        """The words, each misspelt one replaced by the closest word that some name holds."""
        known = self._words()
        spelt = []
        for word in words:
            if word in known or word.isdigit():
                spelt.append(word)
                continue
            # rapidfuzz's C++ scan of a country's vocabulary, not difflib's Python one.
            close = process.extractOne(word, self._word_list, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY)
            spelt.append(close[0] if close else word)
        return spelt

    def _names_matching(self, expression: str, limit: int) -> Rows:
        """(resource, name, normalised name) of names matching an FTS5 expression, in the order of the
        index, which lets SQLite stop at `limit` (ranking by bm25 would read every match first)."""
        return list(
            self._db.execute(
                "SELECT name.resource, name.text, name.normal FROM name_words "
                "JOIN name ON name.rowid = name_words.rowid WHERE name_words MATCH ? LIMIT ?",
                (expression, limit),
            )
        )

    def _names_starting(self, wanted: str, limit: int) -> Rows:
        """Names equal to `wanted`, then names starting with it (the B-tree index on names)."""
        return list(
            self._db.execute(
                "SELECT resource, text, normal FROM name WHERE normal >= ? AND normal < ? ORDER BY normal LIMIT ?",
                (wanted, wanted + LAST_CHARACTER, limit),
            )
        )

    def label(self, iri: str, lang: str) -> str | None:
        """The resource's label in `lang`, else in Italian; None when it is not one of the build's."""
        row = self._db.execute(f"SELECT label_{_lang(lang)}, label_it FROM resource WHERE iri = ?", (iri,)).fetchone()
        return (row[0] or row[1]) if row else None

    def knows(self, iri: str) -> bool:
        """Whether the IRI is one of the build's resources."""
        return self._db.execute("SELECT 1 FROM resource WHERE iri = ?", (iri,)).fetchone() is not None

    def _within(self, ids: Sequence[int], body: str) -> set[int]:
        """Those of `ids` that lie within the territory of `body` (an IRI)."""
        found: set[int] = set()
        for chunk, marks in _in_chunks(ids):
            rows = self._db.execute(
                f"SELECT territory.resource FROM territory JOIN resource ON resource.id = territory.body "
                f"WHERE resource.iri = ? AND territory.resource IN ({marks})",
                [body, *chunk],
            )
            found.update(resource for (resource,) in rows)
        return found

    def search(
        self,
        query: str,
        lang: str = "it",
        kind: str | None = None,
        limit: int = 20,
        offset: int = 0,
        within: str | None = None,
    ) -> tuple[list[Hit], int]:
        """Ranked hits for people typing a name (exact, prefix, words, then typos), of a `kind` and
        `within` a body's territory when asked, and how many of the SEARCH_CANDIDATES names read matched."""
        wanted = normalise(query)
        words = wanted.split()
        if not words:
            return [], 0
        rows = self._names_starting(wanted, SEARCH_CANDIDATES)
        # Every word, the last one possibly unfinished.
        rows += self._names_matching(_all_words(words, last_is_prefix=True), SEARCH_CANDIDATES)
        if not rows and (spelt := self._spelt(words)) != words:  # no name has every word: a misspelling?
            rows = self._names_matching(_all_words(spelt, last_is_prefix=False), SEARCH_CANDIDATES)
        best: dict[int, tuple[float, str]] = {}
        for resource, text, normal in rows:
            score = _rank(wanted, normal)
            if score > 0.3 and score > best.get(resource, (-1.0, ""))[0]:
                best[resource] = (score, text)
        if not best:
            return [], 0
        kinds = self._kinds_of(list(best))
        if kind is not None:
            best = {r: hit for r, hit in best.items() if kind in kinds.get(r, ())}
        if within is not None:
            inside = self._within(list(best), within)
            best = {r: hit for r, hit in best.items() if r in inside}
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
        page = ranked[offset : offset + limit]
        contexts = self._contexts([r for r, _ in page], lang)
        hits = [Hit(contexts[r][0], text, contexts[r][1], score, kinds.get(r, ())) for r, (score, text) in page]
        return hits, len(ranked)

    def _contexts(self, ids: Sequence[int], lang: str) -> dict[int, tuple[str, str | None]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT id, iri, context_{_lang(lang)}, context_it FROM resource WHERE id IN ({marks})", list(ids)
        )
        return {number: (iri, context or context_it) for number, iri, context, context_it in rows}

    def candidates(
        self,
        query: str,
        identifiers: Sequence[tuple[str, str]] = (),
        places: Sequence[str] = (),
        limit: int = RECONCILE_CANDIDATES,
    ) -> list[Entity]:
        """Entities that could answer a reconciliation query: names holding all its words, else the
        most of them, rarest first (a misspelt word read as the closest one), names within the
        territories given in `places`, or an identifier equal to one given."""
        known = self._words()
        # Legal forms ("Consorzio") last: names drop and add them at will, so they are let go first.
        distinct = sorted(set(normalise(query).split()) - STOP_WORDS)[:MOST_SPELT]
        asked = set(self._spelt(distinct))
        words = sorted(asked & set(known), key=lambda w: (w in LEGAL_FORMS, known[w], w))[:MOST_WORDS]
        ids: set[int] = set()
        # Drop the commonest word until names hold the rest: "Consorzio CISA 24 di Novara" finds
        # "CISA 24" once "di", "consorzio" and "novara" are let go; each step is one indexed lookup.
        for kept in range(len(words), 0, -1):
            expression = _all_words(words[:kept], last_is_prefix=False)
            ids |= {r for r, _, _ in self._names_matching(expression, limit - len(ids))}
            if len(ids) >= ENOUGH_CANDIDATES:
                break
        # Some words may say where the entity lies: "Tavolo Politico … di Novara" is one of a
        # country's thousand "Tavolo Politico", the one within the territory that Novara names.
        ids |= self._named_within_territory(words)
        given = list(dict.fromkeys(tuple(found) for place in places if (found := _place_words(place))))
        for place_words in given[:MOST_PLACES]:  # one of a country's "Tavolo Tecnico", within the Province given
            bodies = self._territorial_names(list(place_words), RECONCILE_CANDIDATES, territories_only=True)
            ids |= self._named_within(words, bodies)
        # And names holding any one of the rarest words: a rare word that happens to be absent from
        # the names matched above ("cisa" where "consorzio" is rarer still) still finds its entity.
        for word in words[:RAREST_WORDS]:
            ids |= {r for r, _, _ in self._names_matching(_phrase(word), ENOUGH_CANDIDATES)}
        for prop, value in identifiers:
            rows = self._db.execute(
                "SELECT resource FROM identifier WHERE property = ? AND normal = ?",
                (prop, identifier_key(value)),
            )
            ids |= {r for (r,) in rows}
        return self.entities(sorted(ids))

    @functools.cached_property
    def _territorial_words(self) -> frozenset[str]:
        """The words that name the bodies other resources lie within (Regions, Provinces, Comuni,
        managing bodies), not their level or legal form; read once per build."""
        rows = self._db.execute("SELECT normal FROM name WHERE resource IN (SELECT DISTINCT body FROM territory)")
        ignored = STOP_WORDS | TERRITORY_LEVELS | LEGAL_FORMS | OTHER_LEVEL_WORDS
        return frozenset(word for (normal,) in rows for word in normal.split()) - ignored

    def _territorial_names(self, words: list[str], limit: int, territories_only: bool = False) -> list[int]:
        """Bodies whose names hold every one of `words`: Regions, Provinces and Comuni only, or any body
        other resources lie within (a managing body's seats lie within it)."""
        if not words:
            return []
        # Any body other resources lie within (a managing body too), or only a Region, Province, Comune.
        condition, kinds = (
            (IS_TERRITORY.format(body="name.resource"), TERRITORY_KINDS)
            if territories_only
            else ("EXISTS (SELECT 1 FROM territory WHERE territory.body = name.resource)", ())
        )
        rows = self._db.execute(
            "SELECT DISTINCT name.resource FROM name_words JOIN name ON name.rowid = name_words.rowid "
            f"WHERE name_words MATCH ? AND {condition} LIMIT ?",
            (_all_words(words, last_is_prefix=False), *kinds, limit),
        )
        return [resource for (resource,) in rows]

    def _named_within_territory(self, words: list[str]) -> set[int]:
        """Entities named by some of `words` within a territory that the others name: the words are
        split into those some territory's name holds and the rest, and the rest let go, commonest
        first, until a name within one of those territories holds them."""
        places = [word for word in words if word in self._territorial_words]
        # Levels and legal forms ("comune", "consorzio") tell no entity apart and are held by names
        # by the ten thousand: looking them up within a territory costs most and finds least.
        rest = [word for word in words if word not in places and word not in TERRITORY_LEVELS | LEGAL_FORMS]
        if not places or not rest:
            return set()
        return self._named_within(rest, self._territorial_names(places, RECONCILE_CANDIDATES))

    def _named_within(self, words: list[str], bodies: Sequence[int]) -> set[int]:
        """Resources within `bodies` whose names hold `words`: the commonest let go until some do, and
        the rarest let go until some do (the words a name holds may be the query's commonest, as
        "Tavolo Tecnico" in "Tavolo Tecnico del Coordinamento … di Cremona")."""
        if not bodies:
            return set()
        found: set[int] = set()
        for runs in (
            (words[:kept] for kept in range(len(words), 0, -1)),
            (words[start:] for start in range(1, len(words))),
        ):
            for run in runs:
                holding = self._named_within_holding(run, bodies)
                if holding:
                    found |= holding
                    break
        return found

    def _named_within_holding(self, words: list[str], bodies: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for chunk, marks in _in_chunks(bodies):
            rows = self._db.execute(
                "SELECT DISTINCT name.resource FROM name_words JOIN name ON name.rowid = name_words.rowid "
                "JOIN territory ON territory.resource = name.resource "
                f"WHERE name_words MATCH ? AND territory.body IN ({marks}) LIMIT ?",
                [_all_words(words, last_is_prefix=False), *chunk, ENOUGH_CANDIDATES],
            )
            found.update(resource for (resource,) in rows)
        return found

    def territory_named(self, text: str) -> bool:
        """Whether `text` ("Novara", "Provincia di Novara") names a Region, Province or Comune of the data."""
        place = _place_words(text)
        return (
            bool(place)
            and all(w in self._territorial_words for w in place)
            and bool(self._territorial_names(place, 1, territories_only=True))
        )

    def entities(self, ids: Sequence[int]) -> list[Entity]:
        found: dict[int, Entity] = {}
        for chunk, marks in _in_chunks(ids):
            for number, iri, context in self._db.execute(
                f"SELECT id, iri, context_it FROM resource WHERE id IN ({marks})", chunk
            ):
                found[number] = Entity(iri, context=context)
            for number, text in self._db.execute(f"SELECT resource, text FROM name WHERE resource IN ({marks})", chunk):
                found[number].names.append(text)
            for number, kinds in self._kinds_of(chunk).items():
                found[number].types.update(kinds)
            for number, prop, value in self._db.execute(
                f"SELECT resource, property, value FROM identifier WHERE resource IN ({marks})", chunk
            ):
                found[number].identifiers.setdefault(prop, set()).add(value)
            for number, territory in self._territories(chunk, marks):
                if territory not in found[number].territories:
                    found[number].territories.append(territory)
        return [found[number] for number in ids if number in found]

    def _territories(self, chunk: list[int], marks: str) -> Iterator[tuple[int, str]]:
        """(resource, name) of the territories each resource lies within, itself excluded, and of
        their provinces' acronyms ("NO"), as registries write them after a name."""
        yield from self._db.execute(
            f"SELECT territory.resource, name.text FROM territory JOIN name ON name.resource = territory.body "
            f"WHERE territory.resource IN ({marks}) AND territory.body != territory.resource AND "
            + IS_TERRITORY.format(body="territory.body"),
            [*chunk, *TERRITORY_KINDS],
        )
        for number, code in self._db.execute(
            # CROSS JOIN keeps SQLite from scanning every ISTAT code for the few territories asked.
            f"SELECT territory.resource, identifier.value FROM territory "
            f"CROSS JOIN identifier ON identifier.resource = territory.body "
            f"WHERE territory.resource IN ({marks}) AND identifier.property = ?",
            [*chunk, ISTAT_CODE],
        ):
            acronym = province_acronym(code)
            if acronym:
                yield number, acronym

    def entity(self, iri: str) -> Entity | None:
        row = self._db.execute("SELECT id FROM resource WHERE iri = ?", (iri,)).fetchone()
        return self.entities([row[0]])[0] if row else None


def _in_chunks(ids: Sequence[int]) -> Iterator[tuple[list[int], str]]:
    """`ids` a few hundred at a time, each with the placeholders of an `IN (...)` that takes them."""
    for start in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[start : start + IN_CHUNK])
        yield chunk, ",".join("?" * len(chunk))


def _place_words(text: str) -> list[str]:
    """The words of a territory's name that say which it is ("novara"), not its level ("provincia")."""
    return sorted(territory_words(text))


def _lang(lang: str) -> str:
    """The column suffix of a language the index keeps (a request's value never reaches SQL text)."""
    return "en" if lang == "en" else "it"
