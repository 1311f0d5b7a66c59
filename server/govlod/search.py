"""Names as search and reconciliation compare them: accent-, case- and punctuation-insensitive."""

from __future__ import annotations

import functools
import re
import unicodedata


# Names repeat: a country's data holds thousands of "Tavolo Politico" and of each given name.
@functools.lru_cache(maxsize=100_000)
def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: "C.I.S.A." → "cisa"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"(?<=\b\w)\.(?=\w\b)|(?<=\b\w)\.(?=\s|$)", "", plain)  # dotted acronyms
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())
