"""The registry of contract checks: each a small function registered once, judging a journal.

A check's docstring is its documentation: the first paragraph states the rule as a vendor reads
it, a paragraph starting `Source:` names where the rule comes from (a seed or a fact sheet). The
CLI, the pytest plugin and the control plane all iterate `CHECKS`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from sandbox.contracts.exchanges import Entry, Exchange
from sandbox.spec.operations import Operation


@dataclass(frozen=True)
class Config:
    """The few numbers the checks judge with; every one has a default a careful client meets."""

    # A pace of your own to judge bursts by: at most this many requests to one API ... (0: judge
    # each API by the rate limit it announces in RateLimit-Policy)
    burst_requests: int = 0
    burst_window: float = 1.0  # ... within this many seconds
    bad_request_resends: int = 1  # times the same request refused with 400 may be sent again
    unknown_path_resends: int = 1  # times the same unknown path may be asked again
    token_expiry_margin: float = (
        60.0  # a token may be renewed this long before it expires (at most half its life)
    )
    timing_tolerance: float = 0.05  # seconds of slack when comparing waits measured in real time

    def with_values(self, values: Mapping[str, object]) -> Config:
        """A copy with some fields changed; values may be text (from a command line)."""
        types = {f.name: type(getattr(self, f.name)) for f in fields(self)}
        unknown = sorted(set(values) - set(types))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(types)}")
        try:
            return replace(self, **{name: types[name](value) for name, value in values.items()})
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a setting has a value of the wrong type: {exc}") from exc


@dataclass
class Context:
    """What a check judges: the journal of one tenant, oldest first, and the operations of the
    APIs it called, compiled from their specs (what each serves, which take part in a job)."""

    entries: list[Entry]
    config: Config = field(default_factory=Config)
    operations: Mapping[tuple[str, str], Operation] = field(default_factory=dict)  # (api, operationId)

    def of_api(self, api: str) -> list[Entry]:
        return [e for e in self.entries if e.api == api]

    def operation(self, api: str, operation_id: str | None) -> Operation | None:
        return self.operations.get((api, operation_id)) if operation_id else None

    def served(self, api: str, operation_id: str | None) -> tuple[str, ...]:
        """The media types of the operation's success answer, the default first."""
        operation = self.operation(api, operation_id)
        return tuple(operation.produces) if operation else ()


@dataclass
class Finding:
    """One broken rule, in words a vendor understands, with the exchanges that broke it."""

    message: str
    exchanges: list[Exchange] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"message": self.message, "exchanges": [x.to_json() for x in self.exchanges]}


@dataclass
class Judgement:
    """What a check found: how many things it judged (none: not exercised), and what broke."""

    judged: int
    what: str  # the things judged, e.g. "NBB requests"
    findings: list[Finding] = field(default_factory=list)


def not_exercised(why: str) -> Judgement:
    return Judgement(0, why)


def judged(count: int, what: str, findings: list[Finding]) -> Judgement:
    return Judgement(count, what, findings) if count else not_exercised(f"no {what}")


CheckFunction = Callable[[Context], Judgement]


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    source: str
    group: str  # its generic module (tokens, jobs, ...) or its API package (nbb_cbso, ...)
    function: CheckFunction = field(repr=False)

    def __call__(self, context: Context) -> Judgement:
        return self.function(context)


CHECKS: dict[str, Check] = {}


def _paragraphs(func: CheckFunction) -> list[str]:
    doc = inspect.getdoc(func) or ""
    return [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]


def check(func: CheckFunction) -> CheckFunction:
    """Register a check under its function's name."""
    name = func.__name__
    if name in CHECKS:
        raise ValueError(f"two checks named {name}")
    paragraphs = _paragraphs(func)
    sources = [p.removeprefix("Source:").strip() for p in paragraphs if p.startswith("Source:")]
    if not paragraphs or not sources:
        raise ValueError(f"check {name} needs a docstring: the rule, then a 'Source:' paragraph")
    CHECKS[name] = Check(name, paragraphs[0], sources[0], _group(func.__module__), func)
    return func


def _group(module: str) -> str:
    *package, name = module.split(".")
    return package[-1] if name == "contracts" and package else name


def discover(package: str = "sandbox.apis") -> None:
    """Import the `contracts` module of each API package under `package`, and of their subpackages;
    importing it registers the API's own checks, so a new API brings its checks with no change here."""
    for found in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not found.ispkg:
            continue
        module = f"{package}.{found.name}.contracts"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
        discover(f"{package}.{found.name}")


class UnknownCheck(ValueError):
    """A check name that is not registered."""


def select(names: Sequence[str] | None) -> list[Check]:
    """The checks named (all of them when None), in registration order."""
    if not names:
        return list(CHECKS.values())
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise UnknownCheck(f"no check named {', '.join(unknown)}; the checks are: {', '.join(CHECKS)}")
    return [c for c in CHECKS.values() if c.name in names]
