"""Reads DCAT catalogues the way a CKAN harvester does, and prints what CKAN would make of them as JSON.

It runs inside a virtual environment holding CKAN and ckanext-dcat from PyPI, not the project's: it
imports nothing from govlod or its tests. Given a JSON manifest of catalogues (a file, the media type
its server declared, the CKAN default locale to assume), it loads CKAN's configuration defaults (CKAN's
and ckanext-dcat's declarations), parses each catalogue with ckanext-dcat's RDFParser as the DCAT RDF
harvester's gather stage does, and prints the dataset dicts it would create, with CKAN's licence
register to look their licences up in. No database, Solr or web application is involved: the parser
needs only the configuration, the licence register and the resource format list.

Usage: python ckan_reader.py MANIFEST.json, where the manifest is
[{"path": "catalog.ttl", "format": "text/turtle", "locale": "en"}, ...].
"""

from __future__ import annotations

import json
import socket
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn


def _refuse_network() -> None:
    """Reading a catalogue needs no network: any attempt (a JSON-LD context, a licence list) fails loudly."""

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise OSError(f"ckan_reader.py makes no network connections (asked for {args!r})")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _configure() -> Any:
    """CKAN's configuration as a site with no ini options set would have it: every declared default."""
    import ckanext.dcat  # type: ignore[import-not-found]
    import yaml
    from ckan.common import config  # type: ignore[import-not-found]
    from ckan.config.declaration import Declaration  # type: ignore[import-not-found]

    declaration = Declaration()
    declaration.load_core_declaration()
    # The dcat plugin declares its options through a plugin interface; its file is read directly so that
    # no plugin machinery (which wants a web application) has to be started.
    plugin_options = Path(ckanext.dcat.__file__).parent / "config_declaration.yml"
    declaration.load_dict(yaml.safe_load(plugin_options.read_text(encoding="utf-8")))
    declaration.make_safe(config)
    declaration.normalize(config)
    # The harvester's parser takes its profiles from this option; stated so the report says what ran.
    config["ckanext.dcat.rdf.profiles"] = "euro_dcat_ap_3"
    return config


def main(manifest_path: str) -> None:
    _refuse_network()
    config = _configure()
    from ckan.model.license import LicenseRegister  # type: ignore[import-not-found]
    from ckanext.dcat.processors import RDFParser  # type: ignore[import-not-found]

    harvests = []
    for entry in json.loads(Path(manifest_path).read_text(encoding="utf-8")):
        config["ckan.locale_default"] = entry["locale"]
        content = Path(entry["path"]).read_text(encoding="utf-8")
        # As DCATRDFHarvester.gather_stage: a parser with the configured profiles, and the media type
        # of the server's answer as the format.
        parser = RDFParser()
        parser.parse(content, _format=entry["format"])
        harvests.append({**entry, "datasets": list(parser.datasets())})
    print(
        json.dumps(
            {
                "versions": {name: metadata.version(name) for name in ("ckan", "ckanext-dcat", "rdflib")},
                "profiles": config["ckanext.dcat.rdf.profiles"],
                "licences": {key: {"title": str(lic.title), "url": lic.url} for key, lic in LicenseRegister().items()},
                "harvests": harvests,
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
