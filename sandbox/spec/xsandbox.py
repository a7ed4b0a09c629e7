"""The sandbox's own OpenAPI extensions, checked against a schema when a spec is loaded.

A spec speaks to the engine through four extensions: `x-sandbox` (at the document root: how the
API is served; on an operation: marks such as the async-job role the contract checks read; on a
parameter: how a doubtful value is taken),
`x-sandbox-admin` and `x-sandbox-unknown-status` (on a security scheme: the control plane's admin
token; the status of a secret presented for the scheme that no tenant holds) and
`x-sandbox-fidelity` (anywhere: how faithful to the real API a part is, and where that is known
from). A key the engine does not know is refused with a suggestion, since a misspelt quirk would
otherwise be silently ignored.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

FIDELITY_LEVELS = ("verified", "inferred", "invented")

FIDELITY_SCHEMA: dict = {
    "description": "How faithful to the real API this part is: a level alone, or a level with its source",
    "oneOf": [
        {"enum": list(FIDELITY_LEVELS)},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["level", "source"],
            "properties": {
                "level": {"enum": list(FIDELITY_LEVELS)},
                "source": {
                    "type": "string",
                    "minLength": 1,
                    "description": "where the facts come from, e.g. apis/nbb-cbso.md §2",
                },
            },
        },
    ],
}

DOCUMENT_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["api", "handlers"],
    "properties": {
        "api": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$", "description": "the API's name"},
        "handlers": {"type": "string", "description": "the module whose `package` binds the handlers"},
        "prefix": {"type": "string", "pattern": "^/", "description": "path prefix; /<api> by default"},
        "hosts": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True},
        "fixture": {"type": "string", "description": "the fixtures file that shapes the world"},
        "family": {"type": "string", "description": "APIs sharing one world share a family"},
        "journal": {"type": "boolean", "description": "whether exchanges are journaled (default true)"},
        "rate-limit": {"type": "boolean", "description": "whether requests are rate limited (default true)"},
        "unacceptable-status": {"type": "integer", "minimum": 400, "maximum": 499},
        "request-id-header": {"type": "string", "minLength": 1},
        "query-case-insensitive": {"type": "boolean"},
        "unknown-query": {
            "enum": ["report", "refuse"],
            "description": "a query parameter the operation does not name: answered as if absent and "
            "journaled for the contract checks (report, the default), or refused with 400 (refuse)",
        },
        "max-body": {
            "type": "integer",
            "minimum": 0,
            "description": "bytes of request body taken, where the real service states a limit",
        },
        "trailing-slash": {
            "enum": ["strict", "optional"],
            "description": "optional: every path answers with and without its trailing slash, no redirect",
        },
        "accept": {
            "enum": ["negotiate", "ignore"],
            "description": "ignore: the API answers what it has whatever Accept says (no 406)",
        },
        "refused-user-agents": {
            "description": "User-Agent values the real service's gateway is reported to refuse: the sandbox "
            "answers them and the contract check user_agent_accepted reports them",
            "type": "object",
            "additionalProperties": False,
            "required": ["patterns", "x-sandbox-fidelity"],
            "properties": {
                "patterns": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "format": "regex", "minLength": 1},
                    "description": "regular expressions, searched in the User-Agent value",
                },
                "x-sandbox-fidelity": FIDELITY_SCHEMA,
            },
        },
    },
}

JOB_ROLES = ("start", "poll", "download")

OPERATION_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "max-body": {
            "type": "integer",
            "minimum": 0,
            "description": "bytes of request body taken, where the real service states a limit",
        },
        "uncounted": {
            "type": "boolean",
            "description": "the request does not count against the rate limit (an endpoint that tells the "
            "room left); its answer still carries the rate-limit headers",
        },
        "token-endpoint": {
            "type": "boolean",
            "description": "an OAuth2 token endpoint of the API's own (not the sandbox's authorization "
            "server): the token contract checks read the tokens it hands out",
        },
        "job": {
            "description": "this operation's part in an asynchronous job, judged by the job contract checks",
            "type": "object",
            "additionalProperties": False,
            "required": ["role"],
            "properties": {
                "role": {"enum": list(JOB_ROLES)},
                "name": {"type": "string", "description": "start: what the job makes, as messages say it"},
                "id": {
                    "type": "string",
                    "description": "start: the field of the 202 body naming the job; "
                    "poll and download: the path parameter naming it",
                },
                "result": {
                    "type": "string",
                    "description": "poll: the field of the ready answer linking the result",
                },
            },
            "allOf": [
                {"if": {"properties": {"role": {"const": "start"}}}, "then": {"required": ["name"]}},
                {"if": {"properties": {"role": {"const": "poll"}}}, "then": {"required": ["id"]}},
            ],
        },
    },
}

PARAMETER_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "empty": {
            "enum": ["absent"],
            "description": "absent: an optional header sent empty (or blank) is taken as if it were not "
            "sent, and journaled for the contract check no_empty_optional_headers; its schema must "
            "admit the empty string",
        },
    },
}

ADMIN_SCHEMA: dict = {"type": "boolean", "description": "the scheme is the control plane's admin token"}
UNKNOWN_STATUS_SCHEMA: dict = {
    "enum": [401, 403],
    "description": "the status of a secret presented for the scheme that no tenant holds (default 401)",
}
SCHEME_KEYS = ("x-sandbox-admin", "x-sandbox-unknown-status")


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    """Made when a spec is first checked: a start whose specs are all kept checked needs none."""
    from jsonschema import Draft202012Validator

    return {
        name: Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for name, schema in (
            ("x-sandbox", DOCUMENT_SCHEMA),
            ("operation x-sandbox", OPERATION_SCHEMA),
            ("parameter x-sandbox", PARAMETER_SCHEMA),
            ("x-sandbox-fidelity", FIDELITY_SCHEMA),
            ("x-sandbox-admin", ADMIN_SCHEMA),
            ("x-sandbox-unknown-status", UNKNOWN_STATUS_SCHEMA),
        )
    }


KNOWN_KEYS = ("x-sandbox", *SCHEME_KEYS, "x-sandbox-fidelity")
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_LITERALS = frozenset({"example", "examples", "enum", "const", "default"})  # data, not spec
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs"})  # keys are names


@dataclass(frozen=True)
class Fidelity:
    level: str
    source: str | None

    @classmethod
    def of(cls, node: Any, inherited: Fidelity | None = None) -> Fidelity | None:
        """The label of an OpenAPI object; a missing level or source is inherited."""
        label = node.get("x-sandbox-fidelity") if isinstance(node, dict) else None
        if label is None:
            return inherited
        if isinstance(label, str):
            return cls(label, inherited.source if inherited else None)
        return cls(label["level"], label["source"])


@dataclass(frozen=True)
class JobMark:
    role: str  # start, poll or download
    name: str | None = None
    id: str | None = None
    result: str | None = None

    @classmethod
    def of(cls, operation: dict) -> JobMark | None:
        mark = (operation.get("x-sandbox") or {}).get("job")
        return cls(**mark) if mark else None


@dataclass(frozen=True)
class RefusedUserAgents:
    """The User-Agent values a real service's gateway is reported to refuse, with the label that
    says how sure that is (`x-sandbox.refused-user-agents`)."""

    patterns: tuple[re.Pattern, ...]
    fidelity: Fidelity | None

    @classmethod
    def of(cls, meta: dict) -> RefusedUserAgents | None:
        rule = meta.get("refused-user-agents")
        if not rule:
            return None
        return cls(tuple(re.compile(p) for p in rule["patterns"]), Fidelity.of(rule))

    def matching(self, user_agent: str) -> str | None:
        """The first pattern the value matches, or None."""
        return next((p.pattern for p in self.patterns if p.search(user_agent)), None)


def _pointer(*tokens: Any) -> str:
    return "#" + "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def _suggestion(key: str, known: Any) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(known))}"


def _schema_problems(kind: str, value: Any, where: tuple) -> Iterator[str]:
    for error in sorted(_validators()[kind].iter_errors(value), key=lambda e: list(e.absolute_path)):
        location = _pointer(*where, *error.absolute_path)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for key in sorted(set(error.instance) - set(known)):
                yield f"{location}: unknown key {key!r} in {kind}{_suggestion(key, known)}"
        else:
            yield f"{location}: {error.message} in {kind}"


def _is_operation(where: tuple) -> bool:
    return len(where) == 3 and where[0] == "paths" and where[2] in _METHODS


def _is_parameter(where: tuple) -> bool:
    """A parameter object: among the shared ones, or listed on a path or an operation."""
    if len(where) == 3:
        return where[:2] == ("components", "parameters")
    on_path = len(where) == 4 or (len(where) == 5 and where[2] in _METHODS)
    return on_path and where[0] == "paths" and where[-2] == "parameters" and isinstance(where[-1], int)


def _is_security_scheme(where: tuple) -> bool:
    return len(where) == 3 and where[:2] == ("components", "securitySchemes")


def _extension_problems(node: Any, where: tuple) -> Iterator[str]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _extension_problems(item, (*where, index))
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if not isinstance(key, str) or key in _LITERALS:
            continue
        if key.startswith("x-sandbox"):
            yield from _extension_key_problems(key, value, where)
        elif key in _NAMED_SCHEMAS and isinstance(value, dict):
            for name, schema in value.items():
                yield from _extension_problems(schema, (*where, key, name))
        elif not key.startswith("x-"):
            yield from _extension_problems(value, (*where, key))


def _extension_key_problems(key: str, value: Any, where: tuple) -> Iterator[str]:
    location = _pointer(*where, key)
    if key == "x-sandbox-fidelity":
        yield from _schema_problems(key, value, (*where, key))
    elif key == "x-sandbox" and not where:
        yield from _schema_problems(key, value, (key,))
    elif key == "x-sandbox" and _is_operation(where):
        yield from _schema_problems("operation x-sandbox", value, (*where, key))
    elif key == "x-sandbox" and _is_parameter(where):
        yield from _schema_problems("parameter x-sandbox", value, (*where, key))
    elif key == "x-sandbox":
        yield f"{location}: x-sandbox belongs at the document root or on an operation or parameter"
    elif key in SCHEME_KEYS and _is_security_scheme(where):
        yield from _schema_problems(key, value, (*where, key))
    elif key in SCHEME_KEYS:
        yield f"{location}: {key} belongs on a security scheme"
    else:
        yield f"{location}: unknown extension {key!r}{_suggestion(key, KNOWN_KEYS)}"


def extension_problems(document: dict) -> list[str]:
    """Every misuse of the sandbox's extensions in an OpenAPI document, each with its location."""
    return list(_extension_problems(document, ()))
