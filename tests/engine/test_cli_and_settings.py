"""Settings from SANDBOX_* variables and flags; the `sandbox` command line."""

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from sandbox.cli import main
from sandbox.settings import Settings


def test_environment_then_flags():
    env = {
        "SANDBOX_SEED": "ci-42",
        "SANDBOX_NOW": "2026-03-02T06:00:00+01:00",
        "SANDBOX_STRICT": "true",
        "SANDBOX_FROZEN": "yes",
        "SANDBOX_PORT": "9001",
        "SANDBOX_SPECS_DIR": "/tmp",
    }
    settings = Settings.from_env(env, port=9100)
    assert settings.seed == "ci-42"
    assert settings.now == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    assert settings.strict is True and settings.frozen is True
    assert settings.port == 9100  # the flag wins
    assert settings.specs_dir == Path("/tmp")


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.seed, settings.now) == ("127.0.0.1", 8000, "sandbox", None)
    assert (settings.specs_dir / "nbb-cbso.yaml").is_file()


def test_specs_command_lists_every_operation_and_its_handler():
    result = CliRunner().invoke(main, ["specs"])
    assert result.exit_code == 0, result.output
    assert "nbb-cbso  /nbb  14 operations, 14 with handlers" in result.output
    assert "GET    /authentic/deposit/{referenceNumber}/accountingData  (getAccountingData)" in result.output


def test_serve_refuses_a_bad_instant_before_starting():
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--now", "yesterday"])
    assert result.exit_code == 2 and "is not an ISO 8601 instant" in result.output
    result = runner.invoke(main, ["serve", "--now", "1900-01-01T00:00:00Z"])
    assert result.exit_code == 2 and "the clock runs from 1970-01-01 to 2999-12-31" in result.output


def test_loopback_addresses_are_told_apart():
    from sandbox.cli import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10")


def test_serve_refuses_workers_that_would_not_share_a_store():
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 2 and "--workers needs a store the processes share" in result.output


def test_settings_travel_to_worker_processes_through_the_environment():
    settings = Settings.from_env(
        {}, seed="ci-7", now=datetime(2026, 3, 2, 5, tzinfo=UTC), frozen=True, store="sqlite:///x.db"
    )
    assert Settings.from_env(settings.environ()) == settings


def test_serve_asks_uvicorn_for_access_lines_only_at_a_level_that_shows_them(monkeypatch):
    import uvicorn

    from sandbox.cli import shows_access_log

    assert [shows_access_log(level) for level in ("trace", "debug", "info", "INFO")] == [True] * 4
    assert [shows_access_log(level) for level in ("warning", "error", "critical")] == [False] * 3
    ran = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.append(options))
    for level in ("info", "warning"):
        result = CliRunner().invoke(main, ["serve", "--log-level", level, "--port", "8123"])
        assert result.exit_code == 0, result.output
    assert [(o["log_level"], o["access_log"]) for o in ran] == [("info", True), ("warning", False)]
