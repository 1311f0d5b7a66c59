"""Writing the repository layout the National Data Catalog harvests:

    publiccode.yml
    assets/ontologies/<name>/<version>/<name>.ttl
    assets/controlled-vocabularies/<key>/<key>.ttl, <key>.csv, datapackage.yaml

Only UTF-8 Turtle carries RDF (the NDC ignores other serialisations); file names follow the folders
they are in and, for code lists, the last segment of the list's IRI. The ontology's file is named
after its source (govlod.ttl) although its IRI ends in /ontology: the guide waives that match for
IRIs kept stable by w3id redirects, as the vocabulary's are. Each asset folder is written afresh,
so an export into a checkout of the repository leaves no stale file behind, while other folders
(older ontology versions, documentation) are kept.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from govlod.namespaces import ID_SPACE, STANDARD_PREFIXES, project_prefixes
from govlod.ndc.assets import DCT, CodeList, Vocabulary, read_vocabulary
from govlod.ndc.publiccode import publiccode, spdx_licence
from govlod.ndc.tabular import csv_text, datapackage, rows

ONTOLOGIES = Path("assets/ontologies")
VOCABULARIES = Path("assets/controlled-vocabularies")
PREFIXES = {
    **project_prefixes(),
    "dcat": STANDARD_PREFIXES["dcat"],
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "ndc": "https://w3id.org/italia/onto/NDC/",
    "distribution": ID_SPACE + "distribution/",
    "agent": ID_SPACE + "agent/",
}


@dataclass
class Exported:
    """What an export wrote, relative to its folder, and what still needs the publisher's attention."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def export_repository(
    ontology_dir: Path, out: Path, ipa_code: str | None = None, repository: str | None = None
) -> Exported:
    """Write the vocabulary in `ontology_dir` as an NDC repository in `out` (created if missing)."""
    vocabulary = read_vocabulary(ontology_dir)
    ontology = vocabulary.ontology
    exported = Exported()

    folder = _fresh(out / ONTOLOGIES / ontology.name / ontology.version)
    # The source file is already UTF-8 Turtle: copied as it is, comments and layout included.
    shutil.copyfile(ontology.source, folder / f"{ontology.name}.ttl")
    exported.files.append(ONTOLOGIES / ontology.name / ontology.version / f"{ontology.name}.ttl")

    for code_list in vocabulary.code_lists:
        exported.files += _write_code_list(vocabulary, code_list, _fresh(out / VOCABULARIES / code_list.name))

    publisher = vocabulary.names(ontology.first(DCT + "publisher"))
    document = publiccode(ontology, vocabulary.code_lists, publisher, repository or ontology.iri, ipa_code)
    _write_yaml(out / "publiccode.yml", document)
    exported.files.append(Path("publiccode.yml"))
    if repository is None:
        exported.notes.append(
            "publiccode.yml: url is the vocabulary's IRI; give --repository with the repository's URL"
        )
    if ipa_code is None:
        exported.notes.append(
            "publiccode.yml: no it.riuso.codiceIPA; the NDC harvests a repository only with the IPA code "
            "of the administration publishing it (--ipa-code)"
        )
    return exported


def _write_code_list(vocabulary: Vocabulary, code_list: CodeList, folder: Path) -> list[Path]:
    name = code_list.name
    # The list's own prefix (its key) names its concepts: `role:presidente` rather than a full IRI.
    prefixes = {**_used(code_list.triples), name: f"{ID_SPACE}concept/{name}/"}
    turtle = ox.serialize(_grouped(code_list), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    (folder / f"{name}.ttl").write_bytes(turtle or b"")
    (folder / f"{name}.csv").write_bytes(csv_text(rows(vocabulary.store, name)).encode("utf-8"))
    licence = spdx_licence(code_list.first(DCT + "license"))
    _write_yaml(folder / "datapackage.yaml", datapackage(code_list, licence))
    return [VOCABULARIES / name / file for file in (f"{name}.ttl", f"{name}.csv", "datapackage.yaml")]


def _grouped(code_list: CodeList) -> list[ox.Triple]:
    """The list's statements grouped by subject (the serialiser writes each group once): the scheme
    first, then its concepts, then the resources its metadata points to."""
    scheme = ox.NamedNode(code_list.iri)
    concepts = {t.subject for t in code_list.triples if t.object == scheme and t.subject != scheme}

    def order(triple: ox.Triple) -> tuple[int, str]:
        rank = 0 if triple.subject == scheme else 1 if triple.subject in concepts else 2
        return rank, str(triple.subject)

    return sorted(dict.fromkeys(code_list.triples), key=order)


def _used(triples: list[ox.Triple]) -> dict[str, str]:
    terms = [term for triple in triples for term in (triple.subject, triple.predicate, triple.object)]
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for t in terms if isinstance(t, ox.Literal)}
    return {name: ns for name, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def _write_yaml(path: Path, document: dict[str, object]) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    path.write_bytes(text.encode("utf-8"))


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
