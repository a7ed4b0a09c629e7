import pytest

from tests.conftest import make_client

PRODUCTS = ("authentic", "extracts", "authentic-archive", "improved", "improved-archive")


def key(product: str) -> dict[str, str]:
    return {"NBB-CBSO-Subscription-Key": f"demo-{product}"}


@pytest.fixture
def nbb():
    """The sandbox at the tests' default instant: Tuesday 2026-11-17, 10:00 in Brussels."""
    return make_client()
