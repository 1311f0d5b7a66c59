"""The repository's publiccode.yml: the NDC reads the publishing administration's IPA code from it
and the national catalogue of reusable software indexes the repository by it."""

from __future__ import annotations

from typing import Any

from govlod.ndc.assets import DCT, CodeList, Ontology

# SPDX identifiers of the licences the vocabulary may carry.
LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "http://creativecommons.org/licenses/by/4.0/": "CC-BY-4.0",
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": "CC-BY-4.0",
}
SHORT_DESCRIPTION = 150  # the standard's limits, in characters
FEATURE = 100


class PubliccodeError(ValueError):
    """The vocabulary lacks something publiccode.yml must say (a licence it can name, a description)."""


def spdx_licence(iri: str) -> str:
    try:
        return LICENCES[iri]
    except KeyError:
        raise PubliccodeError(f"no SPDX identifier known for the licence {iri}") from None


def publiccode(
    ontology: Ontology,
    code_lists: list[CodeList],
    publisher: dict[str, str],
    repository: str,
    ipa_code: str | None,
) -> dict[str, Any]:
    """publiccode.yml (standard 0.4) for a repository of semantic assets, from the vocabulary's own metadata."""
    version = ontology.version
    document: dict[str, Any] = {
        "publiccodeYmlVersion": "0.4",
        "name": ontology.name,
        "url": repository,
        "landingURL": ontology.iri,
        "softwareVersion": version,
        "releaseDate": ontology.first(DCT + "modified"),
        "platforms": ["web"],
        "categories": ["knowledge-management"],
        "developmentStatus": "beta" if version.lstrip("v").startswith("0.") else "stable",
        "softwareType": "configurationFiles",
        "description": {lang: _description(ontology, code_lists, lang) for lang in ("it", "en")},
        "legal": {"license": spdx_licence(ontology.first(DCT + "license"))},
        "maintenance": {"type": "community", "contacts": [{"name": publisher.get("it") or ontology.name}]},
        "localisation": {"localisationReady": True, "availableLanguages": ["it", "en"]},
    }
    if ipa_code:
        document["it"] = {"countryExtensionVersion": "0.2", "riuso": {"codiceIPA": ipa_code}}
    return document


def _description(ontology: Ontology, code_lists: list[CodeList], lang: str) -> dict[str, Any]:
    title = ontology.texts(DCT + "title").get(lang, ontology.name)
    long = ontology.texts(DCT + "description").get(lang, "")
    if len(title) > SHORT_DESCRIPTION or len(long) < SHORT_DESCRIPTION:
        raise PubliccodeError(
            f"{ontology.iri}: the {lang} title must fit {SHORT_DESCRIPTION} characters and the "
            f"description be at least as long"
        )
    lists = ("Elenco controllato" if lang == "it" else "Code list") + ": "
    features = [f"{'Ontologia' if lang == 'it' else 'Ontology'} {ontology.name} {ontology.version} (OWL, Turtle)"]
    features += [(lists + c.texts(DCT + "title").get(lang, c.name))[:FEATURE] for c in code_lists]
    return {"shortDescription": title, "longDescription": long, "features": features}
