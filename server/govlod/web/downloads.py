"""`/dumps/`: the dumps of the build being served, with checksums, counts and range requests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from govlod.dumps import GZIP
from govlod.media import BY_NAME, HTML, negotiate
from govlod.web.pages import render
from govlod.web.runtime import Runtime


async def index(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    info = runtime.info
    dumps = [{**d, "url": f"{request.base_url}dumps/{d['name']}"} for d in info.dumps]
    if negotiate(request.headers.get("accept"), (BY_NAME["json"], HTML)) is HTML:
        return render(request, "dumps.html", dumps=dumps, info=info)
    return JSONResponse({"version": info.version, "built_at": info.built_at, "dumps": dumps})


async def dump_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    name = request.path_params["name"]
    build = runtime.build_id  # the build being served, not the newest on disk: they differ while it warms
    # Only the files the build lists: no path from the request ever reaches the file system.
    listed = {d["name"]: d for d in runtime.info.dumps}
    dump = listed.get(name)
    if dump is None:
        return PlainTextResponse(f"404: no dump named {name}; see /dumps/\n", status_code=404)
    media_type = GZIP if dump["compressed"] else BY_NAME[dump["format"]].content_type
    path = runtime.folder.build_path(build) / "dumps" / name
    headers = {
        "ETag": f'"{dump["sha256"]}"',
        "Cache-Control": "public, max-age=86400",
        "Digest": f"sha-256={dump['sha256']}",
    }
    return FileResponse(path, media_type=media_type, headers=headers, filename=name, content_disposition_type="inline")


ROUTES = [
    Route("/dumps/", index, methods=["GET", "HEAD"], name="dumps"),
    Route("/dumps", index, methods=["GET", "HEAD"], name="dumps-index"),
    Route("/dumps/{name}", dump_file, methods=["GET", "HEAD"], name="dump"),
]
