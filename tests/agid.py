"""Running AgID's DCAT-AP_IT validator (one SPARQL rule per file, `?Rule_Severity` error or warning)
on an RDF store, for the tests of the catalog and of the exported code lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tests.helpers import PROJECT

RULES = PROJECT.parent / "shared" / "standards" / "dcat-ap_it-agid-rules"
# A few rules use rdf: without declaring it; the common prefixes are supplied as defaults so that
# every rule runs as written.
DEFAULT_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    focus: str
    message: str


def rule_files() -> list[Path]:
    return sorted(RULES.glob("*.rq"))


def run_rules(store: ox.Store) -> list[Finding]:
    """Every row of every rule is a finding; a rule that cannot run is an error of the test, not a pass."""
    findings = []
    for path in rule_files():
        solutions = store.query(path.read_text(encoding="utf-8"), prefixes=DEFAULT_PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions), path.name
        for row in solutions:
            severity, focus, message = row["Rule_Severity"], row["s"], row["Message"]
            findings.append(
                Finding(
                    rule=path.name,
                    severity=severity.value if severity is not None else "",
                    focus=focus.value if isinstance(focus, ox.NamedNode) else "",
                    message=message.value if message is not None else "",
                )
            )
    return findings
