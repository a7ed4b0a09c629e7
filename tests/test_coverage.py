"""docs/COVERAGE.md is generated from the specs and the handlers, and CI fails when it is stale."""

from pathlib import Path

from click.testing import CliRunner

from sandbox.cli import main
from sandbox.coverage import coverage

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "COVERAGE.md"


def test_the_checked_in_coverage_page_is_what_the_generator_makes():
    assert PAGE.read_text(encoding="utf-8") == coverage(ROOT / "specs"), (
        "docs/COVERAGE.md is stale: run `sandbox coverage` and commit it"
    )


def test_each_operation_shows_its_handler_or_generated_answer_and_its_fidelity():
    page = coverage(ROOT / "tests/engine/specs")
    assert (
        "| [nbb-cbso]" not in page
        and "| [ledger](#ledger) | `specs/ledger.yaml` | 13 | 11 | 13 unlabelled |" in page
    )
    assert "| GET | `/accounts` | `listAccounts` | generated | unlabelled |  |" in page
    assert "| POST | `/accounts` | `createAccount` | handler | unlabelled |  |" in page
    shipped = coverage(ROOT / "specs")
    assert "| [nbb-cbso](#nbb-cbso) | `specs/nbb-cbso.yaml` | 14 | 14 | 14 verified |" in shipped
    assert (
        "| POST | `/connect/token` | `connectToken` | handler | verified | "
        "apis/informat.md §2 (IdentityServer's token endpoint, from public client code) |" in shipped
    )
    assert "| POST | `/token` | `token` | handler | invented |  |" in shipped


def test_coverage_check_exits_1_when_the_page_is_stale(tmp_path):
    runner = CliRunner()
    current = runner.invoke(main, ["coverage", "--check", "--output", str(PAGE)])
    assert (current.exit_code, current.output) == (0, f"{PAGE} is up to date\n")
    stale = tmp_path / "COVERAGE.md"
    stale.write_text("# Implementation coverage\n")
    result = runner.invoke(main, ["coverage", "--check", "--output", str(stale)])
    assert result.exit_code == 1
    assert "is stale: run `sandbox coverage` and commit the result" in result.output
    assert stale.read_text() == "# Implementation coverage\n"


def test_coverage_writes_the_page(tmp_path):
    page = tmp_path / "docs" / "COVERAGE.md"
    result = CliRunner().invoke(main, ["coverage", "--output", str(page)])
    assert (result.exit_code, result.output) == (0, f"wrote {page}\n")
    assert page.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")
