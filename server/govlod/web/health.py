"""`/health`: whether the server is ready, and what it serves.

Only what is public: no path on the server's disk and no setting that is not published anyway.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

import govlod
from govlod.store import NoStore
from govlod.web.runtime import Runtime

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    try:
        build = runtime.build_id  # the build being served, which may not be the newest on disk
        info = runtime.info
    except NoStore:  # its message names the store folder: not for the public
        unavailable = {"status": "unavailable", "reason": "no build to serve yet", "govlod_version": govlod.__version__}
        return JSONResponse(unavailable, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "queries_ready": runtime.queries.ready,
            "govlod_version": govlod.__version__,
            "build": build,
            "version": info.version,
            "built_at": info.built_at,
            "base_iri": info.base_iri,
            "triples": info.triples,
            "quads": info.quads,
            "graphs": len(info.graphs),
            "cache": {"hits": runtime.cache.hits, "misses": runtime.cache.misses},
            # In this worker process: running or waiting SPARQL queries, and the most it takes at once.
            "queries": {"active": runtime.admission.active, "most": runtime.admission.limit},
        }
    )
