"""Label search for people: accent-, case- and punctuation-insensitive, ranked.

The labels of a build are read once into memory; queries then cost no store access."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "C.I.S.A." → "cisa"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"(?<=\b\w)\.(?=\w\b)|(?<=\b\w)\.(?=\s|$)", "", plain)  # dotted acronyms
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    score: float


class LabelIndex:
    def __init__(self, labels: list[tuple[str, str]]):
        """`labels`: (iri, label) pairs; an IRI may have several."""
        self._entries = [(iri, label, normalise(label)) for iri, label in labels]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        wanted = normalise(query)
        if not wanted:
            return []
        words = wanted.split()
        best: dict[str, Hit] = {}
        for iri, label, text in self._entries:
            if not all(word in text for word in words):
                continue
            if text == wanted:
                score = 1.0
            elif text.startswith(wanted):
                score = 0.9
            elif f" {wanted}" in f" {text}":
                score = 0.8
            else:
                score = 0.6
            score -= min(len(text) - len(wanted), 100) / 1000  # shorter labels fit better
            current = best.get(iri)
            if current is None or score > current.score:
                best[iri] = Hit(iri, label, round(score, 3))
        return sorted(best.values(), key=lambda h: (-h.score, h.label))[:limit]
