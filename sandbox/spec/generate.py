"""Answers for operations that have no handler: data generated from the response schema.

Deterministic (seeded by sandbox seed, tenant, operation and path) and Faker-driven with Belgian
locales, chosen by property name and format, so generated data reads like real data.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sandbox.documents import pdf
from sandbox.documents.zips import zip_bytes
from sandbox.spec.formats import FORMAT_BUILDERS
from sandbox.spec.loader import SpecDocument
from sandbox.spec.operations import Operation, is_json_media_type
from sandbox.worlds.identities import be_iban
from sandbox.worlds.rng import derive_int

if TYPE_CHECKING:
    from faker import Faker

MAX_DEPTH = 6


@cache
def _faker() -> Faker:
    from faker import Faker  # imported on first use, as only operations without a handler need it

    return Faker(["nl_BE", "fr_BE"])


class SchemaGenerator:
    def __init__(self, doc: SpecDocument, seed: int) -> None:
        self.doc = doc
        self.rng = random.Random(seed)
        self.fake = _faker()
        self.fake.seed_instance(seed)

    def value(self, schema: Any, name: str = "", depth: int = 0) -> Any:
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return None
        if "example" in schema:
            return schema["example"]
        if schema.get("examples"):
            return schema["examples"][0]
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.rng.choice(schema["enum"])
        if "allOf" in schema:
            merged: dict = {}
            for part in schema["allOf"]:
                part = self._resolve(part)
                for key, val in part.items():
                    if key in ("properties",):
                        merged.setdefault(key, {}).update(val)
                    elif key == "required":
                        merged.setdefault(key, []).extend(val)
                    else:
                        merged[key] = val
            return self.value(merged, name, depth)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = [o for o in schema[key] if self._resolve(o).get("type") != "null"]
                return self.value((options or schema[key])[0], name, depth)
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object":
            if depth >= MAX_DEPTH:
                return {}
            return {
                prop: self.value(sub, prop, depth + 1) for prop, sub in schema.get("properties", {}).items()
            }
        if kind == "array":
            if depth >= MAX_DEPTH:
                return []
            low = schema.get("minItems", 1)
            high = max(low, min(schema.get("maxItems", 3), 3))
            return [
                self.value(schema.get("items", {}), name, depth + 1)
                for _ in range(self.rng.randint(low, high))
            ]
        if kind == "integer":
            return self.rng.randint(int(schema.get("minimum", 1)), int(schema.get("maximum", 1000)))
        if kind == "number":
            low, high = schema.get("minimum", 0), schema.get("maximum", 10_000)
            return round(self.rng.uniform(low, high), 2)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        return self._string(schema, name)

    def _resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/"):
            schema = self.doc.node(schema["$ref"][1:])
        return schema

    def _string(self, schema: dict, name: str) -> str:
        fmt = schema.get("format", "")
        fake, rng = self.fake, self.rng
        by_format = {
            "date": lambda: (date(2020, 1, 1) + timedelta(days=rng.randrange(2000))).isoformat(),
            "date-time": lambda: (
                (datetime(2020, 1, 1) + timedelta(seconds=rng.randrange(10**8))).isoformat() + "Z"
            ),
            "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "email": fake.email,
            "uri": lambda: f"https://{fake.domain_name()}/{rng.randrange(10**6)}",
        }
        for format_name, build in FORMAT_BUILDERS.items():
            by_format[format_name] = lambda build=build: build(rng.getrandbits(40))
        if fmt in by_format:
            return by_format[fmt]()
        lowered = name.lower()
        by_name = [
            ("email", fake.email),
            ("iban", lambda: be_iban(rng.getrandbits(40))),
            ("firstname", fake.first_name),
            ("lastname", fake.last_name),
            ("company", fake.company),
            ("enterprise", fake.company),
            ("street", fake.street_name),
            ("city", fake.city),
            ("postal", fake.postcode),
            ("zip", fake.postcode),
            ("country", lambda: "BE"),
            ("phone", fake.phone_number),
            ("currency", lambda: "EUR"),
            ("language", lambda: rng.choice(["NL", "FR"])),
            ("name", fake.name),
            ("number", lambda: str(rng.randrange(1, 200))),
            ("url", lambda: f"https://{fake.domain_name()}"),
        ]
        for key, make in by_name:
            if key in lowered:
                text = make()
                break
        else:
            text = f"{fake.company()} {fake.city()}"
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None:
            text = text[:high]
        return text.ljust(low, "0")


def _binary(media_type: str, op: Operation) -> bytes:
    """A file of the right kind: a zip that unzips, a PDF that opens, XML that parses."""
    if "zip" in media_type:
        return zip_bytes([], date(2020, 1, 1))
    title = op.spec.get("summary") or op.operation_id
    if media_type == "application/pdf":
        return pdf.render(
            pdf.Document(
                title=title,
                created=datetime(2020, 1, 1, tzinfo=UTC),
                fields=[("Operation", op.operation_id), ("Path", op.path)],
            )
        )
    if "xml" in media_type:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<{op.operation_id}/>\n'.encode()
    return f"{title}\n".encode()


@dataclass(frozen=True)
class Generated:
    """An answer made from the spec alone: a JSON value, or bytes of `media_type`."""

    status: int
    body: Any = None
    media_type: str | None = None


def generate_response(
    doc: SpecDocument, op: Operation, media_type: str | None, *, seed: str, path: str
) -> Generated:
    success = sorted(code for code in op.responses if code.startswith("2"))
    if not success:
        return Generated(204)
    spec = op.responses[success[0]]
    status = int(success[0]) if success[0].isdigit() else 200
    if not spec.content or media_type is None:
        return Generated(status)
    schema = spec.schemas.get(media_type)
    if schema is not None and is_json_media_type(media_type):
        return Generated(
            status, SchemaGenerator(doc, derive_int(seed, op.operation_id, path, bits=64)).value(schema)
        )
    return Generated(status, _binary(media_type, op), media_type)
