"""The framework's ceiling: a bare Starlette route that answers one path with fixed bytes, served
by uvicorn as `sandbox serve` serves the sandbox (same event loop and HTTP parser).

    python bench/bare.py --port 8100 --path /nbb/authentic/legalEntity/0000000493/references \\
        --body references.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def bare_app(path: str, body: bytes, media_type: str) -> Starlette:
    async def answer(request: Request) -> Response:
        return Response(body, media_type=media_type)

    return Starlette(routes=[Route(path, answer)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", type=Path, required=True, help="file holding the answer's bytes")
    parser.add_argument("--media-type", default="application/json")
    args = parser.parse_args()
    app = bare_app(args.path, args.body.read_bytes(), args.media_type)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
