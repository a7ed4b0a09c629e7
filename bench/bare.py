"""The framework's ceiling: a bare Starlette route that answers one path with fixed bytes, served
by uvicorn as `sandbox serve` serves the sandbox (same event loop and HTTP parser).

    python bench/bare.py --port 8100 --path /nbb/authentic/legalEntity/0000000493/references \\
        --body references.json [--workers 2]
"""

from __future__ import annotations

import argparse
import os
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


def app_from_env() -> Starlette:
    """The app of one worker process of `--workers N`, from the BARE_* variables `main` sets."""
    body = Path(os.environ["BARE_BODY"]).read_bytes()
    return bare_app(os.environ["BARE_PATH"], body, os.environ["BARE_MEDIA_TYPE"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", type=Path, required=True, help="file holding the answer's bytes")
    parser.add_argument("--media-type", default="application/json")
    parser.add_argument("--workers", type=int, default=1, help="processes on the one port [1]")
    args = parser.parse_args()
    if args.workers > 1:  # as `sandbox serve --workers N`: uvicorn's worker processes
        os.environ.update(BARE_BODY=str(args.body), BARE_PATH=args.path, BARE_MEDIA_TYPE=args.media_type)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
        )
        uvicorn.run(
            "bare:app_from_env",
            factory=True,
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            access_log=False,  # as `sandbox serve --log-level warning` runs it
            workers=args.workers,
        )
        return
    app = bare_app(args.path, args.body.read_bytes(), args.media_type)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
