from tests.engine.conftest import HERE, KEY, ledger  # noqa: F401  (the ledger test API's fixture)
