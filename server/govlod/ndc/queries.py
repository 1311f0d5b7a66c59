"""The SPARQL queries behind a code list's distributions: the whole list as Turtle and its flat CSV
projection. The same text runs in the export and at the endpoint, so that the file in the
repository and the distribution's download URL give the same answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from govlod.namespaces import CANONICAL_BASE

SKOS = "http://www.w3.org/2004/02/skos/core#"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Column:
    """One column of the CSV projection and the JSON-LD term that maps it back to RDF."""

    name: str
    term: str | dict[str, str]
    description: str


# One level of codes: the column names follow the NDC guide's suggestion for classifications.
COLUMNS = (
    Column("uri", "@id", "IRI del concetto"),
    Column("codice_1_livello", "skos:notation", "Codice del concetto"),
    Column("label_ITA_1_livello", {"@id": "skos:prefLabel", "@language": "it"}, "Etichetta in italiano"),
    Column("label_ENG_1_livello", {"@id": "skos:prefLabel", "@language": "en"}, "Etichetta in inglese"),
    Column("definizione_ITA", {"@id": "skos:definition", "@language": "it"}, "Definizione in italiano"),
    Column("definizione_ENG", {"@id": "skos:definition", "@language": "en"}, "Definizione in inglese"),
)


def _scheme_test(key: str, variable: str) -> str:
    # The scheme is found by the end of its IRI, so that the query also runs on a store whose IRIs
    # were rewritten to another base.
    if not KEY.match(key):
        raise ValueError(f"not a code list key: {key!r}")
    return f'FILTER (STRENDS(STR({variable}), "/id/scheme/{key}"))'


def turtle_query(key: str) -> str:
    """The code list `key`: its scheme and every concept in it, with all their statements."""
    return (
        f"PREFIX skos: <{SKOS}>\n"
        "CONSTRUCT { ?s ?p ?o } WHERE {\n"
        "  { ?s a skos:ConceptScheme } UNION { ?s skos:inScheme ?scheme }\n"
        f"  {_scheme_test(key, 'COALESCE(?scheme, ?s)')}\n"
        "  ?s ?p ?o\n"
        "}\n"
    )


def csv_query(key: str) -> str:
    """The code list `key` as a flat table, one row per concept, columns as in `COLUMNS`."""
    optional = "".join(
        f"  OPTIONAL {{ ?uri skos:{c.term['@id'].split(':')[1]} ?{c.name} "
        f'FILTER (LANG(?{c.name}) = "{c.term["@language"]}") }}\n'
        for c in COLUMNS
        if isinstance(c.term, dict)
    )
    return (
        f"PREFIX skos: <{SKOS}>\n"
        f"SELECT {' '.join('?' + c.name for c in COLUMNS)} WHERE {{\n"
        "  ?uri skos:inScheme ?scheme ; skos:notation ?codice_1_livello .\n"
        f"  {_scheme_test(key, '?scheme')}\n"
        f"{optional}"
        "}\n"
        "ORDER BY ?codice_1_livello\n"
    )


def download_url(query: str, media: str, base: str = CANONICAL_BASE) -> str:
    """The endpoint URL that answers `query` in the format named `media` (turtle, csv)."""
    return f"{base}sparql?{urlencode({'query': query, 'format': media})}"
