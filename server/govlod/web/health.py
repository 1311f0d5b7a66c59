"""`/health`: whether the server is ready, and what it serves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from govlod.store import NoStore
from govlod.web.runtime import Runtime

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    try:
        info = runtime.info
    except NoStore as error:
        return JSONResponse({"status": "unavailable", "reason": str(error)}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "triples": info.triples,
            "graphs": len(info.graphs),
            "version": info.version,
            "built_at": info.built_at,
            "base_iri": info.base_iri,
            "store": str(runtime.folder.current_build()),
            "cache": {"hits": runtime.cache.hits, "misses": runtime.cache.misses},
        }
    )
