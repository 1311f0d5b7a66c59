"""A CKAN portal harvesting /catalog, as dati.gov.it's CKAN does: CKAN 2.11 and ckanext-dcat 2.4 from PyPI,
in a virtual environment of their own, read the catalogue served over HTTP (Turtle, RDF/XML and whatever
the server gives a harvester that asks for anything) with the euro_dcat_ap_3 profile, and every dataset
comes out with its metadata, a licence CKAN's register knows, a contact e-mail where the data has one,
and resources that answer as CKAN describes them."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest

from tests.helpers import RunningServer

CKAN = "ckan==2.11.*"
CKANEXT_DCAT = "ckanext-dcat==2.4.*"
# One environment per pair of release series and per Python, reused by every later run.
ENVIRONMENT = f"ckan-2.11-ckanext-dcat-2.4-py{sys.version_info.major}.{sys.version_info.minor}"
COMPLETE = "govlod-install-complete"  # written last: an environment without it is rebuilt
INSTALL_SECONDS = 1800
READER = Path(__file__).with_name("ckan_reader.py")
# What pip prints when it cannot reach the package index: only then is the test skipped.
NO_NETWORK = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ProxyError",
    "Connection refused",
)

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# The EU file type that names each media type the server publishes.
FILE_TYPES = {
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/n-quads": "RDF_N_QUADS",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}
# What a harvester asks for (requests' default Accept when the source names no format, then each RDF
# syntax), and the portal's default language: English, and Italian as on dati.gov.it.
REQUESTS: tuple[tuple[str, str], ...] = (
    ("*/*", "en"),
    ("text/turtle", "en"),
    ("application/rdf+xml", "en"),
    ("text/turtle", "it"),
    ("application/rdf+xml", "it"),
)


@dataclass
class Harvest:
    accept: str
    media_type: str
    locale: str
    datasets: list[dict[str, Any]]


@dataclass
class Harvested:
    catalog: ox.Store  # the Turtle answer as the test itself reads it
    versions: dict[str, str]
    profiles: str
    licences: dict[str, dict[str, str]]  # CKAN's licence register: id → title and URL
    harvests: list[Harvest]


def _cache() -> Path:
    return Path(os.environ.get("GOVLOD_TEST_CACHE") or Path.home() / ".cache" / "govlod-tests").expanduser()


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One test run at a time builds the shared environment; the others wait and then reuse it."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _run(command: list[str], log: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    return done


def _pip_install(python: Path, log: Path, *requirements: str) -> None:
    # The project's pip installs into the new environment (--python), so the environment needs no pip
    # of its own and no ensurepip, which some system Pythons leave out.
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--disable-pip-version-check"]
    done = _run([*command, "--no-input", *requirements], log, INSTALL_SECONDS)
    if done.returncode == 0:
        return
    output = done.stdout + done.stderr
    if any(sign in output for sign in NO_NETWORK):
        pytest.skip(f"CKAN could not be installed from PyPI (no network?); pip's log: {log}")
    pytest.fail(f"pip could not install {' '.join(requirements)}; its log: {log}\n{output[-3000:]}")


def _create(folder: Path) -> None:
    log = folder.parent / f"{folder.name}.log"
    log.write_text("", encoding="utf-8")
    started = time.monotonic()
    done = _run([sys.executable, "-m", "venv", "--without-pip", str(folder)], log, 120)
    assert done.returncode == 0, done.stderr
    python = folder / "bin" / "python"
    _pip_install(python, log, CKAN, CKANEXT_DCAT)
    # CKAN's wheel declares its dependencies as an extra ("requirements", the versions CKAN is tested
    # with); they are installed without psycopg2, PostgreSQL's driver, which is built from source and
    # which reading catalogues, with no database, never loads.
    listing = (
        "import importlib.metadata as m\n"
        "for r in m.requires('ckan') or []:\n"
        "    name, _, marker = r.partition(';')\n"
        "    if 'extra == \"requirements\"' in marker and not name.startswith('psycopg2'):\n"
        "        print(name.strip())\n"
    )
    done = _run([str(python), "-c", listing], log, 60)
    assert done.returncode == 0 and done.stdout.strip(), done.stderr
    requirements = folder / "ckan-requirements.txt"
    requirements.write_text(done.stdout, encoding="utf-8")
    _pip_install(python, log, "-r", str(requirements))
    (folder / COMPLETE).write_text(f"installed in {time.monotonic() - started:.0f} s\n", encoding="utf-8")


@pytest.fixture(scope="session")
def ckan_python() -> Path:
    """The Python of a virtual environment with CKAN and ckanext-dcat from PyPI, made once and kept."""
    folder = _cache() / ENVIRONMENT
    with _exclusive(_cache() / f"{ENVIRONMENT}.lock"):
        if not (folder / COMPLETE).exists() or not (folder / "bin" / "python").exists():
            shutil.rmtree(folder, ignore_errors=True)  # an install that stopped half-way
            _create(folder)
    return folder / "bin" / "python"


def _local(url: str) -> str:
    assert urlsplit(url).hostname == "127.0.0.1", f"the test talks to the server under test only: {url}"
    return url


@pytest.fixture(scope="module")
def harvested(linked_server: RunningServer, ckan_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Harvested:
    folder = tmp_path_factory.mktemp("ckan-harvest")
    manifest = []
    for number, (accept, locale) in enumerate(REQUESTS):
        # As DCATRDFHarvester: one GET of the source URL, and the media type of the answer as the format.
        answer = httpx.get(_local(linked_server.url + "catalog"), headers={"Accept": accept}, timeout=60)
        assert answer.status_code == 200, answer.text
        path = folder / f"catalog-{number}"
        path.write_bytes(answer.content)
        manifest.append({"path": str(path), "format": answer.headers["content-type"].split(";")[0], "locale": locale})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = subprocess.run(
        [str(ckan_python), str(READER), str(folder / "manifest.json")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)
    catalog = ox.Store()
    turtle = next(entry for entry in manifest if entry["format"] == "text/turtle")
    catalog.load(Path(turtle["path"]).read_bytes(), format=ox.RdfFormat.TURTLE)
    harvests = [
        Harvest(accept, entry["format"], entry["locale"], entry["datasets"])
        for (accept, _), entry in zip(REQUESTS, read["harvests"], strict=True)
    ]
    return Harvested(catalog, read["versions"], read["profiles"], read["licences"], harvests)


def _objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[Any]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _text(store: ox.Store, subject: ox.NamedNode, predicate: str, locale: str) -> str:
    """The literal a CKAN in that language shows: the one in its language, else the first."""
    literals = [o for o in _objects(store, subject, predicate) if isinstance(o, ox.Literal)]
    assert literals, f"{subject} has no {predicate}"
    return str(next((o for o in literals if o.language == locale), literals[0]).value)


def _extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in dataset["extras"]}


def _datasets(catalog: ox.Store) -> set[str]:
    typed = catalog.quads_for_pattern(None, TYPE, ox.NamedNode(DCAT + "Dataset"))
    return {q.subject.value for q in typed if isinstance(q.subject, ox.NamedNode)}


def _canonical(value: Any) -> Any:
    """A value with its lists in a fixed order: the order of repeated properties is the graph's, not the data's."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, str) and value[:1] in "[{":
        with contextlib.suppress(ValueError):
            return {"json": _canonical(json.loads(value))}
    return value


def test_the_harvest_runs_on_ckan_2_11_and_ckanext_dcat_2_4_with_dcat_ap_3(harvested: Harvested) -> None:
    assert harvested.versions["ckan"].startswith("2.11.")
    assert harvested.versions["ckanext-dcat"].startswith("2.4.")
    assert harvested.profiles == "euro_dcat_ap_3"
    # A harvester that asks for anything gets Turtle, which rdflib reads by its media type.
    assert [h.media_type for h in harvested.harvests] == [
        "text/turtle" if accept == "*/*" else accept for accept, _ in REQUESTS
    ]


def test_every_dataset_is_harvested_with_its_metadata(harvested: Harvested) -> None:
    catalog, datasets = harvested.catalog, _datasets(harvested.catalog)
    assert len(datasets) == 3  # the whole dataset and one per publisher
    with_contact = 0
    for harvest in harvested.harvests:
        found = {_extras(d)["uri"]: d for d in harvest.datasets}
        assert set(found) == datasets, harvest.media_type
        for uri, dataset in found.items():
            s, extras = ox.NamedNode(uri), _extras(dataset)
            context = f"{uri} read from {harvest.media_type} by a CKAN in {harvest.locale}"
            assert dataset["title"] == _text(catalog, s, DCT + "title", harvest.locale), context
            assert dataset["notes"] == _text(catalog, s, DCT + "description", harvest.locale), context
            assert extras["identifier"] == _text(catalog, s, DCT + "identifier", harvest.locale) != "", context
            for date in ("issued", "modified"):
                # CKAN writes the instant its own way (+00:00 for Z): the same instant is what counts.
                stated = _text(catalog, s, DCT + date, harvest.locale)
                assert datetime.fromisoformat(extras[date]) == datetime.fromisoformat(stated), context
            themes = {o.value for o in _objects(catalog, s, DCAT + "theme")}
            assert themes and set(json.loads(extras["theme"])) == themes, context
            (publisher,) = _objects(catalog, s, DCT + "publisher")
            assert extras["publisher_uri"] == publisher.value, context
            names = {o.value for o in _objects(catalog, publisher, FOAF + "name")}
            assert extras["publisher_name"] in names, context
            points = _objects(catalog, s, DCAT + "contactPoint")
            if not points:
                assert "contact_email" not in extras, context
                continue
            # Every contact point of the bundled data has an address, if only its certified one (PEC).
            addresses = {
                o.value.removeprefix("mailto:") for p in points for o in _objects(catalog, p, VCARD + "hasEmail")
            }
            assert addresses, f"{context}: its contact point has no vcard:hasEmail"
            assert extras.get("contact_email") in addresses, context
            assert "@" in extras["contact_email"] and ":" not in extras["contact_email"], context
            with_contact += 1
    assert with_contact == 2 * len(harvested.harvests)  # the two publishers' datasets, in every harvest


def test_every_dataset_gets_a_licence_from_ckans_register(harvested: Harvested) -> None:
    for harvest in harvested.harvests:
        for dataset in harvest.datasets:
            context = f"{_extras(dataset)['uri']} read from {harvest.media_type} by a CKAN in {harvest.locale}"
            licence = dataset["license_id"]
            assert licence in harvested.licences, context
            title = harvested.licences[licence]["title"]
            assert licence != "notspecified" and title != "License not specified", context
            assert (licence, title) == ("cc-by", "Creative Commons Attribution"), context
            for resource in dataset["resources"]:
                # The resource keeps the licence the catalogue states, the EU authority's IRI.
                stated = _objects(harvested.catalog, ox.NamedNode(resource["uri"]), DCT + "license")
                assert [resource["license"]] == [o.value for o in stated], context


def test_every_resource_answers_as_ckan_describes_it(harvested: Harvested) -> None:
    answers: dict[str, httpx.Response] = {}
    checksums = 0
    for harvest in harvested.harvests:
        for dataset in harvest.datasets:
            s = ox.NamedNode(_extras(dataset)["uri"])
            distributions = {o.value for o in _objects(harvested.catalog, s, DCAT + "distribution")}
            assert distributions and {r["uri"] for r in dataset["resources"]} == distributions
            for resource in dataset["resources"]:
                d, url = ox.NamedNode(resource["uri"]), resource["url"]
                assert url == resource["download_url"] == _objects(harvested.catalog, d, DCAT + "downloadURL")[0].value
                if url not in answers:
                    answers[url] = httpx.get(_local(url), timeout=60)
                answer = answers[url]
                assert answer.status_code == 200, url
                served = answer.headers["content-type"].split(";")[0]
                media = resource["mimetype"].removeprefix(IANA)
                assert resource["format"] == FILE_TYPE + FILE_TYPES[media], url
                if "compress_format" in resource:
                    assert served == resource["compress_format"].removeprefix(IANA), url
                    data = gzip.decompress(answer.content)
                else:
                    assert served == media, url
                    data = answer.content
                # The file is what its media type says, and holds data.
                assert next(iter(ox.parse(data, format=ox.RdfFormat.from_media_type(media))), None) is not None, url
                sizes = _objects(harvested.catalog, d, DCAT + "byteSize")
                if sizes:
                    assert resource["size"] == int(sizes[0].value) == len(answer.content), url
                for checksum in _objects(harvested.catalog, d, SPDX + "checksum"):
                    assert resource["hash_algorithm"] == SPDX + "checksumAlgorithm_sha256", url
                    assert resource["hash"] == hashlib.sha256(answer.content).hexdigest(), url
                    assert resource["hash"] == _objects(harvested.catalog, checksum, SPDX + "checksumValue")[0].value
                    checksums += 1
    # Every distribution of the catalogue was fetched, and the dumps' sizes and checksums were compared.
    urls = harvested.catalog.quads_for_pattern(None, ox.NamedNode(DCAT + "downloadURL"), None)
    every = {q.object.value for q in urls if isinstance(q.object, ox.NamedNode)}
    assert set(answers) == every and checksums > 0


def test_every_syntax_gives_ckan_the_same_datasets(harvested: Harvested) -> None:
    for locale in {h.locale for h in harvested.harvests}:
        read = [h for h in harvested.harvests if h.locale == locale]
        first = _canonical(read[0].datasets)
        for other in read[1:]:
            assert _canonical(other.datasets) == first, f"{read[0].media_type} and {other.media_type} in {locale}"
