"""A trivial FastAPI endpoint on the same uvicorn, answering ASK {} with a constant: the ceiling.

python bench/trivial_app.py PORT
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from starlette.responses import Response

app = FastAPI()
ANSWER = b'{"head":{},"boolean":true}'


@app.get("/sparql")
async def ask() -> Response:
    return Response(ANSWER, media_type="application/sparql-results+json")


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
