"""The FastAPI application: `create_app(settings)` for code and tests, `app_from_environment` for uvicorn."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

import govlod
from govlod.settings import Settings
from govlod.web import (
    api_docs,
    catalog_route,
    crawlers,
    documents,
    downloads,
    examples,
    health,
    home,
    ontology,
    reconcile,
    sparql,
    void_route,
)
from govlod.web import openapi as openapi_paths
from govlod.web.body_limit import BodyLimit
from govlod.web.runtime import MissingIndex, Runtime
from govlod.web.security_headers import SecurityHeaders

STATIC = Path(__file__).resolve().parent.parent / "static"


def create_app(settings: Settings) -> FastAPI:
    runtime = Runtime.create(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Not awaited: /health and the pages answer at once; queries wait for the processes meanwhile.
        runtime.queries.launch()
        info = runtime.info
        url = f"http://{settings.host}:{settings.port}/"
        print(f"govlod: serving {info.triples} triples at {url} ({runtime.describe_store()})", flush=True)
        try:
            yield
        finally:
            await runtime.queries.close()

    app = FastAPI(
        title="govlod",
        version=govlod.__version__,
        description="Linked open data for the governance of Italian social-services planning.",
        lifespan=lifespan,
        docs_url=None,  # /docs is served from this server's own copy of Swagger UI (api_docs)
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=[
            "Content-Type",
            "Content-Location",
            "Link",
            "ETag",
            "Govlod-Dataset-Version",
        ],
    )
    app.router.routes.extend(sparql.ROUTES)
    app.router.routes.extend(examples.ROUTES)
    app.router.routes.extend(documents.ROUTES)
    app.router.routes.extend(home.ROUTES)
    app.router.routes.extend(ontology.ROUTES)
    app.router.routes.extend(downloads.ROUTES)
    app.router.routes.extend(void_route.ROUTES)
    app.router.routes.extend(crawlers.ROUTES)
    app.router.routes.extend(catalog_route.ROUTES)
    app.router.routes.extend(reconcile.ROUTES)
    app.router.routes.extend(api_docs.ROUTES)  # before /static: it mounts /static/swagger-ui
    app.include_router(health.router)
    # Added last, so outermost: even a refused body or a CORS preflight gets the security headers.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(MissingIndex, _missing_index)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _describe_plain_routes(app)
    return app


async def _missing_index(request: Request, error: Exception) -> Response:
    return PlainTextResponse(f"503: {error}\n", status_code=503)


def _describe_plain_routes(app: FastAPI) -> None:
    """Add the plain Starlette routes, which FastAPI does not see, to the OpenAPI document."""
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_paths.add_plain_routes(build_schema())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_environment() -> FastAPI:
    """The factory uvicorn calls in each worker process; settings come from GOVLOD_* variables."""
    try:
        return create_app(Settings())
    except Exception as error:  # a bad variable must not end in a traceback per worker
        print(f"govlod: cannot start: {error}", file=sys.stderr)
        raise SystemExit(2) from error
