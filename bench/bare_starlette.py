"""A bare Starlette app that answers every GET and POST with fixed bytes: the peer in bench/throughput.py
and bench/load.py.

The body and its content type come from BARE_BODY_FILE and BARE_CONTENT_TYPE, so that it serves
exactly what the resident app served. Run: uvicorn bare_starlette:app --app-dir bench
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BARE_BODY_FILE"]).read_bytes()
CONTENT_TYPE = os.environ.get("BARE_CONTENT_TYPE", "text/html; charset=utf-8")


async def page(request: Request) -> Response:
    return Response(BODY, headers={"content-type": CONTENT_TYPE})


app = Starlette(routes=[Route("/{path:path}", page, methods=["GET", "POST"])])
