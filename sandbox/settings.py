"""One typed settings object, from CLI flags and SANDBOX_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path

from sandbox.runtime.clock import parse_instant
from sandbox.runtime.worlds import DEFAULT_CAPACITY

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Specs and fixtures: inside the installed wheel, or beside the package in a checkout."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


# The engine's own APIs, served whatever --specs-dir says: the control plane and the OAuth2 server.
ENGINE_SPECS = (_data_dir("specs") / "sandbox.yaml", _data_dir("specs") / "identity.yaml")
ENGINE_FIXTURES = _data_dir("fixtures")


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str) -> int:
    """Bytes from `1073741824`, `512M`, `2G` or `64k` (binary units)."""
    number, unit = text.strip().rstrip("bB").lower(), ""
    if number[-1:] in _UNITS:
        number, unit = number[:-1], number[-1]
    if not number.isascii() or not number.isdigit() or int(number) < 1:
        raise ValueError(f"{text!r} is not a size: write bytes, or a whole number with K, M or G")
    return int(number) * _UNITS[unit]


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    seed: str = "sandbox"
    now: datetime | None = None  # the clock starts here; None: real time
    frozen: bool = False  # the clock stands still at `now`
    strict: bool = False  # validate every response against its spec before sending it
    store: str = "memory://"  # memory://, sqlite:///path/file.db or redis://host:port
    journal_size: int = 1000  # exchanges kept per tenant; the oldest is dropped
    world_cache: int = DEFAULT_CAPACITY  # generated worlds kept per process (per API family and tenant)
    max_body: int = 10 * 2**20  # bytes of request body, unless the API's spec states its own
    max_headers: int = 16 * 2**10  # bytes of all request headers together
    max_request_line: int = 8 * 2**10  # bytes of path and query
    admin_token: str | None = None  # required on the control plane when listening beyond loopback
    max_memory: int = 2**30  # bytes the process aims to stay under (see runtime/housekeeping.py)
    tenant_idle: int = 24 * 3600  # seconds before an unused tenant made by the control plane goes; 0: never
    specs_dir: Path = field(default_factory=lambda: _data_dir("specs"))  # the emulated APIs
    fixtures_dir: Path = field(default_factory=lambda: _data_dir("fixtures"))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """SANDBOX_<FIELD> variables, then explicit overrides (CLI flags) on top."""
        environ = os.environ if environ is None else environ
        converters = {
            "port": int,
            "journal_size": int,
            "world_cache": int,
            "max_body": int,
            "max_headers": int,
            "max_request_line": int,
            "max_memory": parse_size,
            "tenant_idle": int,
            "now": parse_instant,
            "frozen": _flag,
            "strict": _flag,
            "specs_dir": Path,
            "fixtures_dir": Path,
        }
        values = {}
        for f in fields(cls):
            raw = environ.get(f"SANDBOX_{f.name.upper()}")
            if raw not in (None, ""):
                values[f.name] = converters.get(f.name, str)(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def environ(self) -> dict[str, str]:
        """The SANDBOX_<FIELD> variables that `from_env` reads back as these settings (how worker
        processes, which import the app anew, get the settings of the command that started them)."""
        found = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            text = value.isoformat() if isinstance(value, datetime) else str(value)
            found[f"SANDBOX_{f.name.upper()}"] = text
        return found
