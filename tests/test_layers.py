"""The layers import downwards only: spec/ is pure OpenAPI, and the engine names no API."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sandbox"


def imported_modules(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[path.name] = names
    return found


def offending(folder: str, *forbidden: str) -> dict[str, list[str]]:
    return {
        module: sorted(n for n in names if n.startswith(forbidden))
        for module, names in imported_modules(folder).items()
        if any(n.startswith(forbidden) for n in names)
    }


def test_spec_imports_neither_runtime_nor_pipeline():
    assert imported_modules("spec"), "no modules found under sandbox/spec"
    assert offending("spec", "sandbox.runtime", "sandbox.pipeline", "sandbox.app") == {}


def test_errors_are_the_bottom_layer():
    imports = {n for names in imported_modules(".").values() for n in names}
    assert "sandbox.runtime.errors" not in imports
    source = ast.parse((PACKAGE / "errors.py").read_text())
    inner = {node.module for node in ast.walk(source) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {m for m in inner if m.startswith("sandbox")}


@pytest.mark.parametrize("folder", ["spec", "pipeline", "runtime"])
def test_the_engine_names_no_api_and_never_imports_the_app(folder):
    assert offending(folder, "sandbox.apis", "sandbox.app", "sandbox.control", "sandbox.identity") == {}
