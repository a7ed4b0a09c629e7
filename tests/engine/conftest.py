from pathlib import Path

import pytest

from tests.conftest import make_client

HERE = Path(__file__).resolve().parent
KEY = {"X-Ledger-Key": "ledger-demo-key"}


@pytest.fixture
def ledger():
    return make_client(specs_dir=HERE / "specs", fixtures_dir=HERE / "fixtures")
