"""The error catalogues of every API package, and the README tables rendered from them.

Each API package lists its codes in `apis/<api>/errors.py` as one `ErrorCatalogue` named
`CATALOGUE`, and its handlers refuse with the code's name, never a bare string, so a code means
one thing in its family. The README's table of error codes is rendered from the catalogues:
`python -m sandbox.catalogues README.md` rewrites it, and a test holds the README to it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path

from sandbox.errors import ErrorCatalogue

README_START = (
    "<!-- error codes: rendered from the catalogues by `python -m sandbox.catalogues README.md` -->"
)
README_END = "<!-- end of error codes -->"


def catalogues() -> list[ErrorCatalogue]:
    """The `CATALOGUE` of every API package's (and subpackage's) `errors` module, in package order,
    then the authorization server's."""
    import sandbox.apis

    names = [f"{package}.errors" for package in api_packages(sandbox.apis.__path__, "sandbox.apis")]
    found = []
    for name in [*names, "sandbox.identity.errors"]:
        if importlib.util.find_spec(name) is None:
            continue
        errors = importlib.import_module(name)
        if isinstance(getattr(errors, "CATALOGUE", None), ErrorCatalogue):
            found.append(errors.CATALOGUE)
    return found


def api_packages(path: list[str], prefix: str) -> list[str]:
    """Every API package, each followed by its subpackages (a family's shared layer, or one API of
    a family), by name."""
    found = []
    for package in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if package.ispkg:
            name = f"{prefix}.{package.name}"
            found += [name, *api_packages(importlib.import_module(name).__path__, name)]
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
    rewrite_readme(Path(sys.argv[1]))
