"""The catalog served at /catalog against AgID's DCAT-AP_IT validator: every SPARQL rule of the rule set
runs on the harvested catalog; no rule of error severity may fire, and the warnings that remain are
exactly the ones the README lists with the reason they stay."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from tests.agid import RULES, rule_files, run_rules
from tests.helpers import RunningServer

DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# The warnings the README lists (rule file, focus node relative to the server): the whole dataset has
# no contact point, because the project publishes no contact address of its own.
DOCUMENTED_WARNINGS = {("rule-41.rq", "id/dataset/govlod")}

pytestmark = pytest.mark.skipif(not RULES.is_dir(), reason="AgID's rules live in ../shared/standards")


@pytest.fixture(scope="module")
def catalog(linked_server: RunningServer) -> ox.Store:
    answer = httpx.get(linked_server.url + "catalog", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    store = ox.Store()
    store.load(answer.content, format=ox.RdfFormat.TURTLE)
    return store


def test_the_rule_set_is_complete_and_every_rule_states_its_severity() -> None:
    files = rule_files()
    assert len(files) == 154
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert '"error" AS ?Rule_Severity' in text or '"warning" AS ?Rule_Severity' in text, path.name


def test_the_catalog_has_no_error_level_finding(catalog: ox.Store) -> None:
    errors = [f for f in run_rules(catalog) if f.severity != "warning"]
    assert errors == [], "\n".join(f"{f.rule}: {f.message}" for f in errors)


def test_the_warnings_left_are_exactly_the_documented_ones(catalog: ox.Store, linked_server: RunningServer) -> None:
    warnings = {
        (f.rule, f.focus.removeprefix(linked_server.url)) for f in run_rules(catalog) if f.severity == "warning"
    }
    assert warnings == DOCUMENTED_WARNINGS


def test_the_rules_flag_a_contact_point_that_is_not_a_dcat_ap_it_organisation(catalog: ox.Store) -> None:
    broken = ox.Store()
    broken.extend(q for q in catalog if q.object != ox.NamedNode(DCATAPIT + "Organization"))
    flagged = {(f.rule, f.severity) for f in run_rules(broken)}
    assert ("rule-43.new.rq", "error") in flagged
    assert ("rule-203.added.rq", "warning") in flagged


def test_a_contact_point_keeps_one_voice_telephone_and_an_email(
    catalog: ox.Store, linked_server: RunningServer
) -> None:
    novara = ox.NamedNode(linked_server.url + "id/contact-point/provincia-novara/ufficio-politiche-sociali")
    phones = [q.object for q in catalog.quads_for_pattern(novara, ox.NamedNode(VCARD + "hasTelephone"), None)]
    assert len(phones) == 1  # the office publishes two numbers and a fax; DCAT-AP_IT allows one number
    assert ox.Quad(phones[0], TYPE, ox.NamedNode(VCARD + "Voice")) in catalog
    assert ox.Quad(phones[0], TYPE, ox.NamedNode(VCARD + "TelephoneType")) in catalog
    sercop = ox.NamedNode(linked_server.url + "id/contact-point/sercop-rhodense/sede")
    emails = [q.object for q in catalog.quads_for_pattern(sercop, ox.NamedNode(VCARD + "hasEmail"), None)]
    assert emails == [ox.NamedNode("mailto:sercop@legalmail.it")]  # its only published address, the PEC
