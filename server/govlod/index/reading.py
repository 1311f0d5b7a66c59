"""Reading a build's finding aid: search for people, candidates for reconciliation, lists of resources.

Every value from a request is a bound SQL parameter; FTS5 query text is built from words that
`normalise` reduced to letters and digits, each quoted as a phrase.
"""

from __future__ import annotations

import difflib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govlod.reconciliation import Entity, identifier_key
from govlod.search import normalise

SEARCH_CANDIDATES = 400  # names read for one query before they are ranked in Python
RECONCILE_CANDIDATES = 100  # entities scored for one reconciliation query
TYPO_CANDIDATES = 100  # names sharing the most three-letter pieces with a query no name matches


@dataclass(frozen=True)
class Resource:
    iri: str
    label: str | None
    context: str | None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str  # the name that matched
    context: str | None
    score: float
    kinds: tuple[str, ...] = ()


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
        close = [
            max((difflib.SequenceMatcher(None, word, w).ratio() for w in known), default=0.0) for word in wanted.split()
        ]
        score = 0.5 * sum(close) / len(close)
    return round(score - min(len(text) - len(wanted), 100) / 1000, 3)


class ReleaseIndex:
    """One build's finding aid, opened read-only; usable from several threads."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

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

    def listing(self, kind: str, offset: int, limit: int, lang: str) -> list[Resource]:
        """Resources of a kind in their stable order (their IRIs'), from `offset`."""
        rows = self._db.execute(
            f"SELECT resource.iri, label_{_lang(lang)}, label_it, context_{_lang(lang)}, context_it FROM resource_kind "
            "JOIN kind ON kind.id = resource_kind.kind JOIN resource ON resource.id = resource_kind.resource "
            "WHERE kind.iri = ? ORDER BY resource_kind.resource LIMIT ? OFFSET ?",
            (kind, limit, offset),
        )
        return [
            Resource(iri, label or label_it, context or context_it)
            for iri, label, label_it, context, context_it in rows
        ]

    def iris(self, offset: int, limit: int) -> list[str]:
        """IRIs in their stable order, from `offset`."""
        rows = self._db.execute("SELECT iri FROM resource WHERE id > ? ORDER BY id LIMIT ?", (offset, limit))
        return [iri for (iri,) in rows]

    def describe(self, iris: Iterable[str], lang: str) -> dict[str, Resource]:
        """Label and context of each IRI the index knows, in `lang` where there is one."""
        wanted = list(dict.fromkeys(iris))
        found: dict[str, Resource] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT iri, label_{_lang(lang)}, label_it, context_{_lang(lang)}, context_it FROM resource "
                f"WHERE iri IN ({marks})",
                chunk,
            )
            for iri, label, label_it, context, context_it in rows:
                found[iri] = Resource(iri, label or label_it, context or context_it)
        return found

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

    def _matching_names(self, words: list[str], any_word: bool, limit: int) -> list[tuple[int, str, str]]:
        """(resource, name, normalised name) whose words match all (or any) of `words`, best first."""
        if not words:
            return []
        joiner = " OR " if any_word else " AND "
        last_is_prefix = not any_word  # a query typed so far: its last word may be unfinished
        terms = [_phrase(w) + ("*" if last_is_prefix and i == len(words) - 1 else "") for i, w in enumerate(words)]
        query = joiner.join(terms)
        rows = self._db.execute(
            "SELECT name.resource, name.text, name.normal FROM name_words JOIN name ON name.rowid = name_words.rowid "
            "WHERE name_words MATCH ? ORDER BY bm25(name_words) LIMIT ?",
            (query, limit),
        )
        return list(rows)

    def _misspelt_names(self, words: list[str], limit: int) -> list[tuple[int, str, str]]:
        """Names sharing three-letter pieces with the query's words: candidates for a typo."""
        grams = {w[i : i + 3] for w in words if len(w) >= 3 for i in range(len(w) - 2)}
        if not grams:
            return []
        rows = self._db.execute(
            "SELECT name.resource, name.text, name.normal FROM name_trigrams "
            "JOIN name ON name.rowid = name_trigrams.rowid WHERE name_trigrams MATCH ? "
            "ORDER BY bm25(name_trigrams) LIMIT ?",
            (" OR ".join(_phrase(g) for g in sorted(grams)), limit),
        )
        return list(rows)

    def search(
        self, query: str, lang: str = "it", kind: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[list[Hit], int]:
        """Ranked hits for people typing a name (exact, prefix, words, then typos), and how many matched."""
        wanted = normalise(query)
        words = wanted.split()
        rows = self._matching_names(words, any_word=False, limit=SEARCH_CANDIDATES)
        if not rows:  # no name has every word: look for a misspelling
            rows = self._misspelt_names(words, TYPO_CANDIDATES)
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
        self, query: str, identifiers: Sequence[tuple[str, str]] = (), limit: int = RECONCILE_CANDIDATES
    ) -> list[Entity]:
        """Entities that could answer a reconciliation query: a name sharing a word with it (rare
        words first), a name close to it by typo, or an identifier equal to one given."""
        words = normalise(query).split()
        ids = {r for r, _, _ in self._matching_names(words, any_word=True, limit=limit)}
        if not ids:
            ids = {r for r, _, _ in self._misspelt_names(words, TYPO_CANDIDATES)}
        for prop, value in identifiers:
            rows = self._db.execute(
                "SELECT resource FROM identifier WHERE property = ? AND normal = ?",
                (prop, identifier_key(value)),
            )
            ids |= {r for (r,) in rows}
        return self.entities(sorted(ids))

    def entities(self, ids: Sequence[int]) -> list[Entity]:
        found: dict[int, Entity] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
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
        return [found[number] for number in ids if number in found]

    def entity(self, iri: str) -> Entity | None:
        row = self._db.execute("SELECT id FROM resource WHERE iri = ?", (iri,)).fetchone()
        return self.entities([row[0]])[0] if row else None


def _lang(lang: str) -> str:
    """The column suffix of a language the index keeps (a request's value never reaches SQL text)."""
    return "en" if lang == "en" else "it"
