"""Rendering HTML pages with Jinja2, in Italian unless the reader asks for English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("it", "en")

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
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


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    root = str(request.base_url)
    html = _environment.get_template(template).render(
        lang=page_language(request), root=root, request=request, **context
    )
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept, Accept-Language"})
