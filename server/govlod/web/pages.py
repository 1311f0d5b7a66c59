"""Rendering HTML pages with Jinja2, in Italian unless the reader asks for English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("it", "en")
LINKED_SCHEMES = frozenset({"http", "https", "urn", "mailto", "tel", "ftp"})

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the templates ship with the package: no stat of each file on every page
)


def page_language(request: Request) -> str:
    """`?lang=` first, then the first supported language of Accept-Language, else Italian."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "it"


def local_link(root: str, base_iri: str) -> Callable[[str], str]:
    """Links to the dataset's own IRIs go to this server, whatever base the IRIs were minted under."""

    def link(iri: str) -> str:
        if iri.startswith(base_iri):
            return root + iri[len(base_iri) :]
        # Data may hold any IRI; only schemes a reader can follow become links (no javascript:, data:).
        return iri if iri.split(":", 1)[0].lower() in LINKED_SCHEMES else "#"

    return link


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    root = str(request.base_url)
    link = local_link(root, request.app.state.runtime.settings.base_iri)
    html = _environment.get_template(template).render(
        lang=page_language(request), root=root, request=request, link=link, **context
    )
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept, Accept-Language"})
