"""A trivial FastAPI app on the same uvicorn: the ceiling for govlod's own routes.

python bench/trivial_app.py PORT

`/sparql` answers ASK {} with a constant; `/id/{path}` answers 303 to `/doc/{path}.ttl` as govlod
does, and `/doc/{path}` a constant Turtle document: the same paths cost the same routing here.
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

app = FastAPI()
ANSWER = b'{"head":{},"boolean":true}'
DOCUMENT = b'<https://w3id.org/govlod/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x"@it .\n'


@app.get("/sparql")
async def ask() -> Response:
    return Response(ANSWER, media_type="application/sparql-results+json")


@app.get("/id/{path:path}")
async def identifier(request: Request, path: str) -> Response:
    return Response(status_code=303, headers={"Location": f"{request.base_url}doc/{path}.ttl", "Vary": "Accept"})


@app.get("/doc/{path:path}")
async def document(path: str) -> Response:
    return Response(DOCUMENT, media_type="text/turtle")


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
