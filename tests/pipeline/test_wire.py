"""The bytes a client receives, and the journal a reader sees, exactly as recorded before the
pipeline was made faster (issue 17): every header in its order, every body byte (by digest).

Calls go to the app as raw ASGI calls, so what is compared is what the server hands to uvicorn.
After a deliberate change of an answer, record the file anew:

    .venv/bin/python -m tests.pipeline.test_wire
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings

RECORDED = Path(__file__).with_name("wire.json")
NOW = "2026-11-17T09:00:00+00:00"
NBB = {"NBB-CBSO-Subscription-Key": "demo-authentic", "X-Request-Id": "6b2a4a0e-0d5c-4c0f-9a51-3c1f0c1d2e3f"}
CODABOX = {
    "X-Software-Company": "demo-codabox-software",
    "Authorization": "Basic ZGVtby1hY2NvdW50YW50OmRlbW8tcGFzc3dvcmQ=",
}
REFERENCES = "/nbb/authentic/legalEntity/0000000493/references"

# (method, path, query, headers, body): a kept answer asked twice, refusals of every stage, other
# APIs; not the index or the paths no API serves, which name every API and change when one is added
CALLS = [
    ("GET", REFERENCES, "", NBB, b""),
    ("GET", REFERENCES, "", NBB, b""),
    ("GET", REFERENCES, "", {**NBB, "Accept": "application/json"}, b""),
    ("GET", "/nbb/authentic/legalEntity/0000000592/references", "", NBB, b""),
    ("GET", "/nbb/authentic/legalEntity/0058683911/references", "", NBB, b""),
    (
        "GET",
        "/nbb/authentic/legalEntity/0000000493/references",
        "",
        {"X-Request-Id": NBB["X-Request-Id"]},
        b"",
    ),
    (
        "GET",
        "/nbb/authentic/legalEntity/0000000493/references",
        "",
        {**NBB, "NBB-CBSO-Subscription-Key": "x"},
        b"",
    ),
    ("GET", "/nbb/authentic/legalEntity/123/references", "", NBB, b""),
    ("GET", REFERENCES, "unknown=1&subscription-key=s3cret", NBB, b""),
    ("GET", REFERENCES, "", {**NBB, "Accept": "application/xml"}, b""),
    ("POST", REFERENCES, "", NBB, b"{}"),
    ("GET", "/nbb/authentic/nowhere", "", NBB, b""),
    ("GET", "/codabox/delivery/pod-client/", "", CODABOX, b""),
    ("GET", "/codabox/delivery/feed/1/", "", CODABOX, b""),
    ("GET", "/codabox/delivery/pod-client/", "", {"X-Software-Company": "demo-codabox-software"}, b""),
    ("GET", "/accounting/api/v1/100001/contacts", "", {"Authorization": "Bearer nonsense"}, b""),
    (
        "POST",
        "/oauth2/token",
        "",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"grant_type=client_credentials&client_id=demo-client&client_secret=wrong",
    ),
]
JOURNALS = ("demo", "unattributed")
VARYING = ("time", "durationMs")  # the instant of the exchange and its duration


def _steady(headers: list[list[str]]) -> list[list[str]]:
    """Headers with the seconds to the rate-limit window's end (real time) left out."""
    return [[name, "<s>" if name.lower().endswith("reset") else value] for name, value in headers]


async def _exchange(app, method: str, path: str, query: str, headers: dict, body: bytes) -> tuple:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (name.lower().encode(), value.encode())
            for name, value in [("host", "127.0.0.1:8000"), *headers.items()]
            + ([("content-length", str(len(body)))] if body else [])
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in sent[0]["headers"]]
    return sent[0]["status"], headers, b"".join(message.get("body", b"") for message in sent[1:])


async def _observe() -> dict:
    app = build_app(Settings(now=parse_instant(NOW), frozen=True))
    answers = []
    for method, path, query, headers, body in CALLS:
        status, sent, content = await _exchange(app, method, path, query, headers, body)
        answers.append(
            {
                "call": f"{method} {path}?{query}",
                "status": status,
                "headers": _steady(sent),
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    journals = {}
    for tenant in JOURNALS:
        status, sent, content = await _exchange(app, "GET", "/__sandbox/journal", f"tenant={tenant}", {}, b"")
        entries = json.loads(content)["entries"]
        journals[tenant] = {
            "status": status,
            # the length varies with the durations' digits
            "headers": [header for header in sent if header[0] != "content-length"],
            "entries": [_steady_entry(entry) for entry in entries],
        }
    await app.state.services.store.close()
    return {"answers": answers, "journals": journals}


def _steady_entry(entry: dict) -> dict:
    steady = {k: v for k, v in entry.items() if k not in VARYING}
    steady["response"] = {**entry["response"], "headers": _steady(entry["response"]["headers"])}
    return steady


def test_answers_and_journal_are_what_they_were():
    observed = asyncio.run(_observe())
    recorded = json.loads(RECORDED.read_text())
    for seen, kept in zip(observed["answers"], recorded["answers"], strict=True):
        assert seen == kept
    for tenant in JOURNALS:
        seen, kept = observed["journals"][tenant], recorded["journals"][tenant]
        assert (seen["status"], seen["headers"]) == (kept["status"], kept["headers"])
        for entry, kept_entry in zip(seen["entries"], kept["entries"], strict=True):
            assert entry == kept_entry


if __name__ == "__main__":
    RECORDED.write_text(json.dumps(asyncio.run(_observe()), indent=1, ensure_ascii=False) + "\n")
