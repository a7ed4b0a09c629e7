"""Synthetic journals for the checks' unit tests, written by the journal's own `entry()` (so
secrets are fingerprinted exactly as the sandbox does it)."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import orjson

from sandbox.contracts import Report, verify
from sandbox.runtime.clock import parse_instant
from sandbox.runtime.journal import entry
from sandbox.spec.loader import load_specs
from sandbox.spec.operations import Operation, compile_operations

START = "2026-11-17T09:00:00+00:00"  # real time of the first exchange
CLOCK = "2026-11-17T09:00:00+00:00"  # the tenant's sandbox time, frozen unless moved
NBB_KEYS = {"authentic": "key-authentic", "extracts": "key-extracts", "authentic-archive": "key-archive"}
ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def shipped_operations() -> list[Operation]:
    """The operations of the shipped specs: what the checks know of the APIs in a real sandbox."""
    return [op for doc in load_specs(ROOT / "specs") for op in compile_operations(doc, doc.meta["api"])]


class Journal:
    """Exchanges appended in order; `wait` lets real time pass, `move_clock` the sandbox clock."""

    def __init__(self) -> None:
        self.entries: list[dict] = []
        self.now = parse_instant(START)
        self.clock = parse_instant(CLOCK)

    def wait(self, seconds: float) -> Journal:
        self.now += timedelta(seconds=seconds)
        return self

    def move_clock(self, seconds: float) -> Journal:
        self.clock += timedelta(seconds=seconds)
        return self

    def add(
        self,
        api: str,
        operation_id: str | None,
        method: str,
        path: str,
        status: int = 200,
        *,
        query: dict | None = None,
        headers: dict | list[tuple[str, str]] | None = None,
        body: bytes = b"",
        response_headers: dict | None = None,
        response_body: dict | bytes | None = None,
        duration: float = 0.01,
        fault: str | None = None,
        ignored_query: list[str] | None = None,
        notes: dict | None = None,
    ) -> dict:
        raw_response = (
            orjson.dumps(response_body) if isinstance(response_body, dict) else response_body or b""
        )
        response_type = {"content-type": "application/json"} if isinstance(response_body, dict) else {}
        item = entry(
            api=api,
            operation_id=operation_id,
            method=method,
            path=path,
            query=urlencode(query or {}),
            request_headers=list(headers.items()) if isinstance(headers, dict) else list(headers or []),
            request_body=body,
            status=status,
            response_headers=list({**response_type, **(response_headers or {})}.items()),
            response_body=raw_response,
            started=self.now.timestamp(),
            duration=duration,
            fault=fault,
            clock=self.clock.isoformat(),
            ignored_query=ignored_query,
            notes=notes,
        )
        self.entries.append({"seq": len(self.entries) + 1, **item})
        self.now += timedelta(seconds=duration)
        return self.entries[-1]

    # -- NBB ---------------------------------------------------------------------------------
    def nbb(
        self,
        path: str = "/nbb/authentic/legalEntity/0403019261/references",
        operation_id: str | None = "getReferencesByLegalEntity",
        status: int = 200,
        *,
        product: str = "authentic",
        key: str | None = None,
        accept: str | None = "application/json",
        request_id: str | None = None,
        **options,
    ) -> dict:
        headers = {"nbb-cbso-subscription-key": key or NBB_KEYS[product]}
        if key == "":
            del headers["nbb-cbso-subscription-key"]
        if accept is not None:
            headers["accept"] = accept
        headers["x-request-id"] = request_id if request_id is not None else str(uuid.uuid4())
        if request_id == "":
            del headers["x-request-id"]
        return self.add("nbb-cbso", operation_id, "GET", path, status, headers=headers, **options)

    def nbb_day(self, day: str, *, archive: bool = False, **options) -> dict:
        if archive:
            path, operation_id = f"/nbb/authentic-archive/{day}/references", "getAuthenticArchiveReferences"
        else:
            path, operation_id = f"/nbb/extracts/batch/{day}/references", "getExtractReferences"
        product = "authentic-archive" if archive else "extracts"
        return self.nbb(path, operation_id, product=product, accept="application/x.zip+json", **options)

    # -- OAuth2 and bearer calls -------------------------------------------------------------------
    def token(
        self, token: str, *, expires_in: int = 3600, scope: str = "api.read", grant="client_credentials"
    ):
        form = f"grant_type={grant}&client_id=c1&client_secret=s3cret&scope={scope}".encode()
        body = {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": scope}
        return self.add(
            "identity",
            "connectToken",
            "POST",
            "/oauth2/connect/token",
            headers={"content-type": "application/x-www-form-urlencoded"},
            body=form,
            response_body=body,
        )

    def bearer(
        self,
        token: str,
        status: int = 200,
        *,
        api="informat-students",
        path="/informat/leerlingen/1/students",
    ):
        return self.add(api, "getStudents", "GET", path, status, headers={"authorization": f"Bearer {token}"})

    def verify(self, *checks: str, operations=None, **settings) -> Report:
        from sandbox.contracts import Config

        return verify(
            self.entries,
            tenant="t-test",
            checks=list(checks) or None,
            config=Config().with_values(settings),
            operations=shipped_operations() if operations is None else operations,
        )


def outcome(report: Report, name: str) -> str:
    return str(next(v.outcome for v in report.verdicts if v.check.name == name))


def messages(report: Report, name: str) -> list[str]:
    return [f.message for v in report.verdicts if v.check.name == name for f in v.findings]


def at(text: str) -> datetime:
    return parse_instant(text)
