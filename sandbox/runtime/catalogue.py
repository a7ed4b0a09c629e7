"""Error catalogues: every code an API family answers with, its status and what it means.

Each API package lists its codes in `apis/<api>/errors.py` as one `ErrorCatalogue` named
`CATALOGUE`, and its handlers refuse with the code's name, never a bare string, so a code means
one thing in its family. The README's table of error codes is rendered from the catalogues:
`python -m sandbox.runtime.catalogue README.md` rewrites it, and a test holds the README to it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

README_START = (
    "<!-- error codes: rendered from the catalogues by `python -m sandbox.runtime.catalogue README.md` -->"
)
README_END = "<!-- end of error codes -->"


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str
    where: str = ""  # the operations or part of the family that answer it, when not all of them


class ErrorCatalogue:
    """The codes of one API family, in the order they are added; a code is added once."""

    def __init__(self, family: str, title: str, note: str = ""):
        self.family, self.title, self.note = family, title, note
        self._codes: dict[str, ErrorCode] = {}

    def add(self, code: str, status: int, meaning: str, where: str = "") -> ErrorCode:
        if code in self._codes:
            raise ValueError(f"{self.family}: code {code} is already {self._codes[code].meaning!r}")
        entry = self._codes[code] = ErrorCode(code, status, meaning, where)
        return entry

    def __iter__(self) -> Iterator[ErrorCode]:
        return iter(self._codes.values())

    def __contains__(self, code: str) -> bool:
        return code in self._codes

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        if self.note:
            lines += [self.note, ""]
        lines += ["| Code | Status | Where | Meaning |", "|---|---|---|---|"]
        lines += [f"| `{e.code}` | {e.status} | {e.where or 'all'} | {e.meaning} |" for e in self]
        return "\n".join(lines)


def catalogues() -> list[ErrorCatalogue]:
    """The `CATALOGUE` of every API package's `errors` module, in package order, then the
    authorization server's."""
    import sandbox.apis

    names = [
        f"sandbox.apis.{package.name}.errors"
        for package in sorted(pkgutil.iter_modules(sandbox.apis.__path__), key=lambda m: m.name)
        if package.ispkg
    ]
    found = []
    for name in [*names, "sandbox.identity.errors"]:
        if importlib.util.find_spec(name) is None:
            continue
        errors = importlib.import_module(name)
        if isinstance(getattr(errors, "CATALOGUE", None), ErrorCatalogue):
            found.append(errors.CATALOGUE)
    return found


def readme_section() -> str:
    """The README's error-code tables, between their markers."""
    tables = "\n\n".join(catalogue.markdown() for catalogue in catalogues())
    return f"{README_START}\n\n{tables}\n\n{README_END}"


def with_section(readme: str) -> str:
    """The README text with its error-code section rendered anew."""
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    return readme[:start] + readme_section() + readme[end:]


def rewrite_readme(path: Path) -> None:
    path.write_text(with_section(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    # through the package's module: run as __main__, this file's classes are other objects
    from sandbox.runtime.catalogue import rewrite_readme as rewrite

    rewrite(Path(sys.argv[1]))
