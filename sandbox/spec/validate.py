"""Validate what a client sent: parameters (coerced from strings) and bodies, as violations."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.errors import Violation
from sandbox.spec.formats import conforms, describe_format, format_checker

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

# ASCII digits only: `\d` would take Arabic-Indic and other Unicode digits, which no API accepts
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# a signed 64-bit integer at most (what the stores keep); longer digit strings stay text, which
# also keeps Python's int() from refusing strings of more than 4,300 digits with a ValueError
_INTEGER_DIGITS = 19
INT64 = (-(2**63), 2**63 - 1)


@dataclass
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict
    validator: SchemaValidator | StringValidator | None
    explode: bool
    empty_absent: bool = False  # a header sent empty is taken as absent (x-sandbox: {empty: absent})

    def coerce(self, raw: str | list[str]) -> Any:
        return coerce(raw, self.schema, self.explode)


# Keywords that say nothing about validity, and those a flat string check can judge by itself.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
    }
)
_STRING_RULES = frozenset({"type", "pattern", "format", "minLength", "maxLength", "enum"})


def string_check(schema: Any) -> Callable[[Any], bool] | None:
    """For a flat string schema (type, pattern, format, lengths, enum), the same yes or no as
    jsonschema's validator with the specs' formats (`SchemaValidator`) gives, without its per-call
    overhead; None for any other schema. An `anyOf` of such schemas (a header that may also be
    empty) is judged branch by branch."""
    if isinstance(schema, dict) and set(schema) - _ANNOTATIONS == {"anyOf"} and schema["anyOf"]:
        branches = [string_check(branch) for branch in schema["anyOf"]]
        if not all(branches):
            return None
        return lambda value: any(branch(value) for branch in branches)
    if not isinstance(schema, dict) or schema.get("type") != "string":
        return None
    known = _STRING_RULES | _ANNOTATIONS
    if any(key not in known and not key.startswith("x-") for key in schema):
        return None
    try:
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    except (re.error, TypeError):
        return None  # jsonschema reports a broken pattern its own way
    low, high = schema.get("minLength"), schema.get("maxLength")
    allowed = {v for v in schema["enum"] if isinstance(v, str)} if "enum" in schema else None
    form = schema.get("format")

    def check(value: Any) -> bool:
        return (
            isinstance(value, str)
            and (low is None or len(value) >= low)
            and (high is None or len(value) <= high)
            and (pattern is None or pattern.search(value) is not None)
            and (allowed is None or value in allowed)
            and (form is None or conforms(value, form))
        )

    return check


class SchemaValidator:
    """jsonschema's validator of one schema (formats checked), made when it is first asked to judge:
    importing jsonschema is a good part of a start, and a request whose values the fast checks
    judge (see `StringValidator`) never needs it. The schema was held to the metaschema already."""

    __slots__ = ("_made", "_registry", "schema")

    def __init__(self, schema: Any, registry: Callable[[], Any] | None = None) -> None:
        self.schema = schema
        self._registry = registry  # gives the registry that resolves the schema's `$ref`s, if it has any
        self._made: Validator | None = None

    @property
    def made(self) -> Validator:
        if self._made is None:
            from jsonschema import Draft202012Validator

            extra = {} if self._registry is None else {"registry": self._registry()}
            self._made = Draft202012Validator(self.schema, format_checker=format_checker(), **extra)
        return self._made

    def is_valid(self, instance: Any) -> bool:
        return self.made.is_valid(instance)

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        return self.made.iter_errors(instance)


@dataclass(frozen=True)
class StringValidator:
    """A flat string schema's validator: values `check` passes are valid at once; jsonschema's
    validator (`full`) is asked only to explain a refusal."""

    check: Callable[[Any], bool]
    full: SchemaValidator

    @property
    def schema(self) -> Any:
        return self.full.schema

    def is_valid(self, instance: Any) -> bool:
        return self.check(instance)

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        return iter(()) if self.check(instance) else self.full.iter_errors(instance)


def with_fast_path(validator: SchemaValidator) -> SchemaValidator | StringValidator:
    check = string_check(validator.schema)
    return validator if check is None else StringValidator(check, validator)


def _types(schema: dict) -> list[str]:
    declared = schema.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def coerce(raw: str | list[str], schema: dict, explode: bool = True) -> Any:
    """Turn a parameter's text into the type its schema wants; leave it as text if it won't fit,
    so the validator names the broken rule."""
    types = _types(schema)
    if "array" in types:
        items = raw if isinstance(raw, list) else ([raw] if explode else raw.split(","))
        item_schema = schema.get("items", {})
        return [coerce(item, item_schema) for item in items]
    value = raw[-1] if isinstance(raw, list) else raw
    if "null" in types and value == "":
        return None
    if "integer" in types and _INTEGER.fullmatch(value) and len(value.lstrip("+-")) <= _INTEGER_DIGITS:
        number = int(value)
        if INT64[0] <= number <= INT64[1]:
            return number
    if "number" in types and _NUMBER.fullmatch(value):
        number = float(value)
        if not math.isfinite(number):
            return value
        if number.is_integer() and "integer" in types and INT64[0] <= number <= INT64[1]:
            return int(number)
        return number
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    return value


def field_name(prefix: str, path: Iterable[Any]) -> str:
    name = prefix
    for token in path:
        if isinstance(token, int):
            name += f"[{token}]"
        else:
            name = f"{name}.{token}" if name else str(token)
    return name


_ARTICLES = {"integer": "an integer", "object": "an object", "array": "an array"}


def _message(error: ValidationError) -> str:
    rule, expected = error.validator, error.validator_value
    if rule == "type":
        names = [expected] if isinstance(expected, str) else expected
        return "must be " + " or ".join(_ARTICLES.get(n, f"a {n}") for n in names if n != "null")
    if rule == "pattern":
        return f"must match the pattern {expected}"
    if rule == "format":
        return f"must be {describe_format(expected)}"
    if rule == "enum":
        return "must be one of: " + ", ".join(str(v) for v in expected)
    if rule == "const":
        return f"must be {expected!r}"
    if rule == "minimum":
        return f"must be at least {expected}"
    if rule == "maximum":
        return f"must be at most {expected}"
    if rule == "exclusiveMinimum":
        return f"must be greater than {expected}"
    if rule == "exclusiveMaximum":
        return f"must be less than {expected}"
    if rule == "minLength":
        return f"must be at least {expected} characters long"
    if rule == "maxLength":
        return f"must be at most {expected} characters long"
    if rule == "minItems":
        return f"must hold at least {expected} items"
    if rule == "maxItems":
        return f"must hold at most {expected} items"
    if rule == "uniqueItems":
        return "must not repeat items"
    if rule == "multipleOf":
        return f"must be a multiple of {expected}"
    return error.message


def violations(validator: Validator, instance: Any, prefix: str) -> list[Violation]:
    """Every rule `instance` breaks, each naming its field as the client knows it."""
    found: list[Violation] = []
    for error in validator.iter_errors(instance):
        found.extend(_explain(error, prefix))
    return sorted(set(found), key=lambda v: (v.field, v.rule))


def _explain(error: ValidationError, prefix: str) -> list[Violation]:
    base = field_name(prefix, error.absolute_path)
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        return [
            Violation(field_name(base, [name]), "required", "is required")
            for name in error.validator_value
            if name not in present
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        return [
            Violation(field_name(base, [name]), "additionalProperties", "is not an allowed property")
            for name in error.instance
            if name not in known and not any(p.search(name) for p in patterns)
        ]
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        return _explain(deepest, prefix)
    return [Violation(base, str(error.validator), _message(error))]
