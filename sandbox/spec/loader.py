"""Load OpenAPI 3.1 documents and resolve their references.

Schemas keep their `$ref`s and are resolved by jsonschema's `referencing` registry, so recursive
schemas work; OpenAPI objects (parameters, responses, bodies) are followed here.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.kept import files_stamp, kept_beside
from sandbox.spec import xsandbox
from sandbox.spec.formats import FORMAT_CHECKER


@functools.cache
def _spec_loader() -> type:
    """YAML without implicit timestamps: `2024-01-31` in a spec is a string, as in JSON. PyYAML is
    imported only when a file is not kept already (see sandbox/kept.py), which spares most starts."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where there is one
    loader = type("_SpecLoader", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


def _load(text: bytes) -> Any:
    import yaml

    return yaml.load(text, Loader=_spec_loader())


def check_schema(schema: Any) -> None:
    """Raise, naming what is wrong, unless `schema` is a valid JSON Schema (2020-12)."""
    if not jsonschema_rs.meta.is_valid(schema):  # a hundred times faster: start-up checks hundreds
        Draft202012Validator.check_schema(schema)


class SpecError(Exception):
    """A spec that the engine cannot serve: names the file and the place."""


def load_yaml(path: Path) -> Any:
    """The YAML document at `path`; what YAML's Python constructor makes of it is kept beside it
    (see sandbox/kept.py)."""
    text = path.read_bytes()
    return kept_beside(path.parent, path.name, text, lambda: _load(text))


def _stringify_keys(node: Any) -> Any:
    # YAML reads response codes (200:) as integers; OpenAPI means strings.
    if isinstance(node, dict):
        return {str(k): _stringify_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_stringify_keys(v) for v in node]
    return node


def _read(path: Path, text: bytes) -> tuple[dict, list[str]]:
    """The OpenAPI document in `text`, and every misuse of the sandbox's extensions in it."""
    raw = _stringify_keys(_load(text))
    if not isinstance(raw, dict) or not str(raw.get("openapi", "")).startswith("3.1"):
        raise SpecError(f"{path}: not an OpenAPI 3.1 document")
    return raw, xsandbox.extension_problems(raw)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_join(pointer: str, *tokens: str) -> str:
    return pointer + "".join(["/" + _escape(str(t)) for t in tokens])


@dataclass
class SpecDocument:
    path: Path
    raw: dict
    uri: str
    registry: Registry = field(repr=False)
    # the SHA-256 of the file's bytes (None for a document parsed elsewhere, see `from_raw`)
    digest: bytes | None = field(default=None, repr=False)
    # one validator per schema object: many operations share an error or record schema
    _validators: dict[int, Validator] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> SpecDocument:
        """The OpenAPI document at `path`. What its YAML makes, with the keys as OpenAPI means them,
        and what is wrong with its extensions, are kept beside it by its bytes and the stamp of
        the extensions' check (see sandbox/kept.py), so a start neither parses nor checks it again."""
        text = path.read_bytes()
        checked_by = files_stamp(xsandbox.__file__, jsonschema.__file__)
        raw, problems = kept_beside(
            path.parent, f"openapi-{path.name}", text + checked_by, lambda: _read(path, text)
        )
        if problems:
            raise SpecError("\n".join(f"{path}: {problem}" for problem in problems))
        return cls.from_raw(raw, path, hashlib.sha256(text).digest())

    @classmethod
    def from_raw(cls, raw: dict, path: Path, digest: bytes | None = None) -> SpecDocument:
        """A document already parsed, e.g. as a running sandbox serves it; `path` names it in errors."""
        uri = f"urn:sandbox-spec:{path.stem}"
        resource = Resource.from_contents(raw, default_specification=DRAFT202012)
        registry = Registry().with_resource(uri, resource)
        return cls(path=path, raw=raw, uri=uri, registry=registry, digest=digest)

    @property
    def meta(self) -> dict:
        return self.raw.get("x-sandbox", {})

    def node(self, pointer: str) -> Any:
        current: Any = self.raw
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                current = current[int(token)] if isinstance(current, list) else current[token]
            except (KeyError, IndexError, ValueError) as exc:
                raise SpecError(f"{self.path}: nothing at #{pointer}") from exc
        return current

    def follow(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s of an OpenAPI object; returns the object and where it lives."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                raise SpecError(f"{self.path}: unsupported or circular $ref {ref!r} at #{pointer}")
            seen.add(ref)
            pointer = ref[1:]
            node = self.node(pointer)
        return node, pointer

    def schema_at(self, pointer: str) -> dict:
        """The schema at `pointer`, with a top-level `$ref` followed (nested ones stay)."""
        schema = self.node(pointer)
        while isinstance(schema, dict) and set(schema) == {"$ref"} and schema["$ref"].startswith("#/"):
            schema = self.node(schema["$ref"][1:])
        return schema

    def check_schema(self, pointer: str) -> None:
        """Raise, naming what is wrong, unless the schema at `pointer` is a valid JSON Schema."""
        check_schema(self.schema_at(pointer))

    def validator(self, pointer: str) -> Validator:
        """A compiled validator for the schema at `pointer`. Local `$ref`s are inlined once here,
        so validating never looks a reference up; a recursive schema keeps them, resolved by
        the registry."""
        schema = self.schema_at(pointer)
        compiled = self._validators.get(id(schema))
        if compiled is not None:
            return compiled
        self.check_schema(pointer)
        try:
            compiled = Draft202012Validator(self._inlined(schema, ()), format_checker=FORMAT_CHECKER)
        except _Recursive:
            compiled = Draft202012Validator(
                {"$ref": f"{self.uri}#{pointer}"}, registry=self.registry, format_checker=FORMAT_CHECKER
            )
        self._validators[id(schema)] = compiled
        return compiled

    def _inlined(self, node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inlined(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                raise _Recursive(ref)
            target = self._inlined(self.node(ref[1:]), (*seen, ref))
            rest = self._inlined({key: value for key, value in node.items() if key != "$ref"}, seen)
            return {**rest, "allOf": [*rest.get("allOf", []), target]} if rest else target
        inlined = {}
        for key, value in node.items():
            if key in _LITERAL_KEYWORDS:
                inlined[key] = value
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                inlined[key] = {name: self._inlined(sub, seen) for name, sub in value.items()}
            else:
                inlined[key] = self._inlined(value, seen)
        return inlined


_LITERAL_KEYWORDS = frozenset({"enum", "const", "example", "examples", "default"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


class _Recursive(Exception):
    """A schema that refers to itself cannot be inlined."""


def load_specs(directory: Path, *always: Path) -> list[SpecDocument]:
    """Every OpenAPI file in `directory`, plus the files in `always` (each once)."""
    files = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not files:
        raise SpecError(f"no OpenAPI files in {directory}")
    resolved = {p.resolve() for p in files}
    files += [p for p in always if p.resolve() not in resolved]
    return [SpecDocument.load(p) for p in files]
