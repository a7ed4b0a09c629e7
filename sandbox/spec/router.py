"""Match a request path and method to an operation of one API."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from sandbox.spec.operations import Operation

_TEMPLATE_PART = re.compile(r"\{([^{}/]+)\}")

# Matches to an operation kept per router: a client asks the same few paths again and again
KNOWN_PATHS = 256


class Match(NamedTuple):
    operation: Operation | None
    path_params: dict[str, str]
    allowed: tuple[str, ...]  # methods the path supports; empty when the path is unknown


# an operation by method, and those methods in order (what a 405's `Allow` names)
Methods = tuple[dict[str, Operation], tuple[str, ...]]


class Router:
    """Literal paths first, then templates with the most literal characters first (OpenAPI's rule).

    With `optional_trailing_slash`, a path that matches nothing is tried again with its trailing
    slash added or removed: some APIs answer both, and a redirect would lose a PUT's body in
    common HTTP libraries."""

    def __init__(self, operations: list[Operation], optional_trailing_slash: bool = False) -> None:
        self.optional_trailing_slash = optional_trailing_slash
        literal: dict[str, dict[str, Operation]] = {}
        templates: dict[str, dict[str, Operation]] = {}
        for op in operations:
            table = templates if "{" in op.path else literal
            table.setdefault(op.path, {})[op.method] = op
        self._literal: dict[str, Methods] = {path: _methods(ops) for path, ops in literal.items()}
        ordered = sorted(templates.items(), key=lambda kv: -len(_TEMPLATE_PART.sub("", kv[0])))
        # One regex for all templates, each an alternative in that order: the first alternative that
        # matches the whole path wins, as a loop over the templates would find it, in one call to
        # the regex engine. The group closing last names the alternative.
        self._templates = {
            f"t{index}": (
                _methods(methods),
                [(name, f"t{index}{_group(name)}") for name in _TEMPLATE_PART.findall(path)],
            )
            for index, (path, methods) in enumerate(ordered)
        }
        alternatives = (
            f"(?P<t{index}>{self._compile(path, f't{index}')})" for index, (path, _) in enumerate(ordered)
        )
        self._regex = re.compile("|".join(alternatives)) if ordered else None
        # (method, path) -> the match found; a match is read, never changed, where it goes
        self._known: dict[tuple[str, str], Match] = {}

    @staticmethod
    def _compile(template: str, prefix: str = "") -> str:
        """The template as a regex, its parameters as groups named `prefix` + `_group(name)`."""
        pattern, last = "", 0
        for found in _TEMPLATE_PART.finditer(template):
            group = prefix + _group(found.group(1))
            pattern += re.escape(template[last : found.start()]) + f"(?P<{group}>[^/]+)"
            last = found.end()
        return pattern + re.escape(template[last:])

    def match(self, method: str, path: str) -> Match:
        found = self._known.get((method, path))
        if found is None:
            found = self._match(method, path)
            if not found.allowed and self.optional_trailing_slash and path != "/":
                found = self._match(method, path[:-1] if path.endswith("/") else path + "/")
            if found.operation is not None:
                if len(self._known) >= KNOWN_PATHS:
                    self._known.clear()
                self._known[method, path] = found
        return found

    def _match(self, method: str, path: str) -> Match:
        methods = self._literal.get(path)
        params: dict[str, str] = {}
        if methods is None and self._regex is not None:
            found = self._regex.fullmatch(path)
            if found:
                methods, names = self._templates[found.lastgroup]
                params = {name: found.group(group) for name, group in names}
        if methods is None:
            return Match(None, {}, ())
        by_method, allowed = methods
        return Match(by_method.get(method), params, allowed)


def _methods(by_method: dict[str, Operation]) -> Methods:
    return by_method, tuple(sorted(by_method))


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def _parameters(template: str, found: re.Match[str]) -> dict[str, str]:
    return {name: found.group(_group(name)) for name in _TEMPLATE_PART.findall(template)}


@functools.lru_cache(maxsize=1024)
def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile(Router._compile(template))


def template_parameters(template: str, path: str) -> dict[str, str] | None:
    """The path parameters of `path` under an operation's path template, or None when it does
    not match. `path` may carry the prefix the API is served under (a journal's paths do)."""
    regex = _template_regex(template)
    for start in (i for i, char in enumerate(path) if char == "/"):
        found = regex.fullmatch(path, start)
        if found:
            return _parameters(template, found)
    return None
