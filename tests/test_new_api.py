"""scripts/new-api makes a running API from templates: in a copy of the tree, `new-api demo`
followed by lint and the generated tests passes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOT_COPIED = shutil.ignore_patterns(".*", "__pycache__", "node_modules", "*.egg-info")


def run(tree: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy's package, not the installed one
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)


def test_new_api_makes_a_spec_fixture_package_and_tests_that_pass(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=NOT_COPIED)
    made = run(tree, sys.executable, "scripts/new-api", "demo")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        "wrote specs/demo.yaml",
        "wrote fixtures/demo.yaml",
        "wrote sandbox/apis/demo/__init__.py",
        "wrote sandbox/apis/demo/handlers.py",
        "wrote sandbox/apis/demo/errors.py",
        "wrote sandbox/apis/demo/contracts.py",
        "wrote tests/demo/__init__.py",
        "wrote tests/demo/test_api.py",
        "wrote docs/COVERAGE.md",
    ]
    assert (
        "| GET | `/health` | `getHealth` | handler | invented |  |" in (tree / "docs/COVERAGE.md").read_text()
    )
    lint = run(tree, str(BIN / "ruff"), "check", "sandbox/apis/demo", "tests/demo")
    assert lint.returncode == 0, lint.stdout
    formatted = run(tree, str(BIN / "ruff"), "format", "--check", "sandbox/apis/demo", "tests/demo")
    assert formatted.returncode == 0, formatted.stdout
    tests = run(
        tree,
        sys.executable,
        "-m",
        "pytest",
        "-rA",
        "-p",
        "no:cacheprovider",
        "tests/demo",
        "tests/test_coverage.py",
        "tests/engine/test_xsandbox.py",
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "PASSED tests/demo/test_api.py::test_health_answers_ok" in tests.stdout
    assert (
        "PASSED tests/demo/test_api.py::test_a_request_without_the_key_is_refused_in_the_apis_error_shape"
        in (tests.stdout)
    )


def test_new_api_refuses_a_bad_or_taken_name(tmp_path):
    root = ["--root", str(tmp_path)]
    bad = run(ROOT, sys.executable, "scripts/new-api", "Demo_API", *root)
    assert bad.returncode == 2
    assert "'Demo_API': use lower-case letters, digits and single dashes" in bad.stderr
    taken = run(ROOT, sys.executable, "scripts/new-api", "nbb-cbso")
    assert taken.returncode == 2
    assert "nbb-cbso exists already (specs/nbb-cbso.yaml" in taken.stderr
    assert list(tmp_path.iterdir()) == []
