"""Journal entries as the checks read them, and exchanges as a report names them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from sandbox.runtime.clock import parse_instant


@dataclass(frozen=True)
class Exchange:
    """One exchange as evidence: enough for a vendor to find it in the journal and in its logs."""

    seq: int
    time: str  # real time, ISO 8601
    clock: str | None  # the tenant's sandbox time
    method: str
    target: str  # path and query
    status: int

    def __str__(self) -> str:
        when = self.time[11:23] if len(self.time) >= 23 else self.time
        answer = "connection dropped" if self.status == 0 else str(self.status)
        return f"#{self.seq} {when} {self.method} {self.target} -> {answer}"

    def to_json(self) -> dict:
        return {
            "seq": self.seq,
            "time": self.time,
            "clock": self.clock,
            "method": self.method,
            "target": self.target,
            "status": self.status,
        }


def _headers(pairs: list) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in pairs}


class Entry:
    """One journal entry (see sandbox.runtime.journal.entry), with the readings checks share."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw
        self.seq: int = raw["seq"]
        self.api: str = raw["api"]
        self.operation_id: str | None = raw.get("operationId")
        self.method: str = raw["method"]
        self.path: str = raw["path"]
        self.query: tuple[tuple[str, str], ...] = tuple((k, v) for k, v in raw.get("query") or [])
        self.status: int = raw["status"]
        self.ignored_query: tuple[str, ...] = tuple(raw.get("ignoredQuery") or ())
        self.notes: dict = raw.get("notes") or {}  # what the handler noted (RequestContext.note)
        self.fault: str | None = raw.get("fault")
        self.started: datetime = parse_instant(raw["time"])
        self.ended: datetime = self.started + timedelta(milliseconds=raw.get("durationMs") or 0)
        self.clock: datetime | None = parse_instant(raw["clock"]) if raw.get("clock") else None
        request, response = raw.get("request") or {}, raw.get("response") or {}
        self.request_headers = _headers(request.get("headers") or [])
        self.response_headers = _headers(response.get("headers") or [])
        self.request_body: Any = request.get("body")
        self.response_body: Any = response.get("body")

    @property
    def target(self) -> str:
        return self.path + ("?" + urlencode(self.query) if self.query else "")

    @property
    def exchange(self) -> Exchange:
        clock = self.raw.get("clock")
        return Exchange(self.seq, self.raw["time"], clock, self.method, self.target, self.status)

    def header(self, name: str) -> str | None:
        return self.request_headers.get(name.lower())

    def response_header(self, name: str) -> str | None:
        return self.response_headers.get(name.lower())

    @cached_property
    def repeated_request_headers(self) -> frozenset[str]:
        """The names (lower case) of the request headers sent in more than one field line."""
        lines = Counter(str(name).lower() for name, _ in (self.raw.get("request") or {}).get("headers") or [])
        return frozenset(name for name, count in lines.items() if count > 1)

    @cached_property
    def response_json(self) -> Any:
        """The response body parsed, or None (not JSON, or cut short by the journal)."""
        if isinstance(self.response_body, str):
            try:
                return json.loads(self.response_body)
            except ValueError:
                return None
        return None

    @property
    def bearer(self) -> str | None:
        """The fingerprint of the bearer token the request carried."""
        kind, _, credential = (self.header("authorization") or "").partition(" ")
        if kind.lower() != "bearer":
            return None
        return credential.strip() or None

    @property
    def retry_after(self) -> float | None:
        """Seconds the answer asked the client to wait (delta-seconds or an HTTP date)."""
        value = self.response_header("retry-after")
        if value is None:
            return None
        try:
            return max(float(value), 0.0)
        except ValueError:
            pass
        try:
            return max((parsedate_to_datetime(value) - self.ended).total_seconds(), 0.0)
        except (TypeError, ValueError):
            return None

    def seconds_before(self, later: Entry) -> float:
        """Real seconds from the end of this answer to the start of a later request."""
        return (later.started - self.ended).total_seconds()


def read_entries(raw_entries: list[dict]) -> list[Entry]:
    return sorted((Entry(raw) for raw in raw_entries), key=lambda e: e.seq)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def listing(items: list[str], limit: int = 5) -> str:
    """`a, b, c` or `a, b, c and 7 more`."""
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
