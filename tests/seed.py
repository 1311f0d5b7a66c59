"""Facts of the bundled data that several tests check."""

from __future__ import annotations

BUNDLED_GRAPHS = {
    "https://w3id.org/govlod/graph/catalog",
    "https://w3id.org/govlod/graph/ontology/codelists",
    "https://w3id.org/govlod/graph/ontology/govlod",
    "https://w3id.org/govlod/graph/provincia-novara/coordinamento-enti-gestori",
    "https://w3id.org/govlod/graph/provincia-novara/dataset",
    "https://w3id.org/govlod/graph/sercop-rhodense/dataset",
    "https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona",
}

# The seven Enti Gestori named by the Provincia di Novara's page, as it names them.
ENTI_GESTORI = (
    "Comune di Novara",
    "CISA 24",
    "CISA Ovest Ticino",
    "CISS Borgomanero",
    "CISAS Castelletto Ticino",
    "ISPA Arona",
    "ISA Ghemme",
)
