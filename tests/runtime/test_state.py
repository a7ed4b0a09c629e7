"""The tenant state overlay and the paging helpers."""

import asyncio

import pytest

from sandbox.runtime import keys
from sandbox.runtime.state import BadCursor, TenantState, decode_cursor, encode_cursor, page
from sandbox.runtime.store import MemoryStore


def run(coroutine):
    return asyncio.run(coroutine)


def test_records_live_under_the_tenant_and_the_family():
    store = MemoryStore()
    state = TenantState(store, "t-1", "informat")
    assert state.key("prereg", "012345", "p-1") == "t:t-1:informat:prereg:012345:p-1"
    assert state.key("x").startswith(keys.state_prefix("t-1"))

    async def scenario():
        assert await state.get("pdf-seconds") is None
        assert await state.get("logins", "G", default=[]) == []
        await state.put("pdf-seconds", value=30)
        assert await state.get("pdf-seconds") == 30
        assert await TenantState(store, "t-2", "informat").get("pdf-seconds") is None
        assert await TenantState(store, "t-1", "nbb-cbso").get("pdf-seconds") is None
        await state.delete("pdf-seconds")
        assert await state.get("pdf-seconds") is None

    run(scenario())


def test_add_stores_only_the_first_value():
    state = TenantState(MemoryStore(), "t-1", "informat")

    async def scenario():
        first = await state.add("payment-reference", "b-1", "R1", value=1)
        second = await state.add("payment-reference", "b-1", "R1", value=2)
        return first, second, await state.get("payment-reference", "b-1", "R1")

    assert run(scenario()) == (True, False, 1)


def test_list_gives_the_records_below_a_key_in_key_order():
    state = TenantState(MemoryStore(), "t-1", "informat")

    async def scenario():
        await state.put("prereg", "012345", "b", value={"id": "b"})
        await state.put("prereg", "012345", "a", value={"id": "a"})
        await state.put("prereg", "0123456", "c", value={"id": "c"})  # another institute: not below
        return await state.list("prereg", "012345")

    assert run(scenario()) == [{"id": "a"}, {"id": "b"}]


def test_pages_follow_each_other_by_cursor():
    items = list(range(7))
    first = page(items, None, 3)
    second = page(items, first.next_cursor, 3)
    last = page(items, second.next_cursor, 3)
    assert (first.items, second.items, last.items) == ([0, 1, 2], [3, 4, 5], [6])
    assert last.next_cursor is None and first.total == 7
    assert decode_cursor(encode_cursor(40)) == 40


@pytest.mark.parametrize("cursor", ["", "not-base64!", encode_cursor(1).upper(), "eDox"])
def test_a_foreign_cursor_is_refused(cursor):
    with pytest.raises(BadCursor):
        page([1, 2, 3], cursor or "=", 1)
