"""`/docs`: the interactive OpenAPI documentation, served from this server alone.

Swagger UI comes from the `swagger-ui-py` package's copy of `swagger-ui-dist`, so the page loads
nothing from other sites, and it is started by a script file of ours rather than an inline
script, so the Content-Security-Policy stays strict on this page too.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

SWAGGER_FILES = Path(swagger_ui.__file__).resolve().parent / "static"


async def api_docs(_: Request) -> HTMLResponse:
    # Relative addresses: right behind a proxy that serves the site under https or another root.
    static, swagger, openapi = "static/", "static/swagger-ui/", "openapi.json"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govlod — API</title>
<link rel="stylesheet" href="{swagger}swagger-ui.css">
<link rel="icon" type="image/svg+xml" href="{static}favicon.svg">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{swagger}swagger-ui-bundle.js"></script>
<script src="{static}api-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(page)


ROUTES = [
    Route("/docs", api_docs, methods=["GET", "HEAD"], name="api-docs"),
    Mount("/static/swagger-ui", StaticFiles(directory=SWAGGER_FILES), name="swagger-ui"),
]
