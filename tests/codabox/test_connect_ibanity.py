"""The Ibanity layer that every Ibanity product shares: JSON:API errors with Ibanity's codes for
the engine's refusals, instants, resources, and cursor paging with its links."""

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from sandbox import errors
from sandbox.apis.codabox.ibanity import (
    VALIDATION_ERROR,
    cursor_page,
    document,
    error_body,
    instant,
    paging_links,
    paging_meta,
    refuse,
    render_error,
    resource,
)
from sandbox.errors import ApiError, Problem, Violation

ITEMS = [f"id-{n}" for n in range(7)]


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        (errors.MISSING_CREDENTIALS, 401, "unauthorized"),
        (errors.INVALID_CREDENTIALS, 401, "unauthorized"),
        (errors.FORBIDDEN, 403, "forbidden"),
        (errors.UNKNOWN_PATH, 404, "notFound"),
        (errors.METHOD_NOT_ALLOWED, 405, "methodNotAllowed"),
        (errors.NOT_ACCEPTABLE, 406, "notAcceptable"),
        (errors.REQUEST_TOO_LARGE, 413, "requestTooLarge"),
        (errors.URI_TOO_LONG, 414, "uriTooLong"),
        (errors.HEADERS_TOO_LARGE, 431, "headersTooLarge"),
        (errors.UNSUPPORTED_MEDIA_TYPE, 415, "unsupportedMediaType"),
        (errors.RATE_LIMITED, 429, "tooManyRequests"),
        (errors.SERVER_ERROR, 500, "internalServerError"),
    ],
)
def test_the_engines_refusals_carry_ibanitys_codes(kind, status, code):
    response = render_error(Problem(status, kind, "what went wrong", headers={"Retry-After": "3"}))
    assert response.status_code == status and response.media_type == "application/vnd.api+json"
    assert orjson.loads(response.body) == {"errors": [{"code": code, "detail": "what went wrong"}]}
    assert response.headers["retry-after"] == "3"


def test_schema_violations_become_one_error_per_attribute():
    problem = Problem(
        400,
        errors.INVALID_REQUEST,
        "The request body is invalid",
        violations=[
            Violation("body.data.attributes.from", "format", "is not a date-time"),
            Violation("body.data.relationships.clients.data", "minItems", "should not be empty"),
        ],
    )
    assert error_body(problem)["errors"] == [
        {"code": "validationError", "detail": "from is not a date-time", "meta": {"attribute": "from"}},
        {"code": "validationError", "detail": "data should not be empty", "meta": {"attribute": "data"}},
    ]


def test_a_refusal_names_its_attribute_with_its_own_sentence():
    exc = refuse(VALIDATION_ERROR, "to must be equal to or later than from", "to")
    assert isinstance(exc, ApiError) and exc.problem.status == 400
    assert error_body(exc.problem) == {
        "errors": [
            {
                "code": "validationError",
                "detail": "to must be equal to or later than from",
                "meta": {"attribute": "to"},
            }
        ]
    }
    assert error_body(refuse(VALIDATION_ERROR).problem)["errors"][0]["detail"] == VALIDATION_ERROR.meaning


def test_instants_are_utc_with_milliseconds():
    brussels = timezone(timedelta(hours=1))
    assert instant(datetime(2026, 11, 17, 10, 0, 0, 123456, tzinfo=brussels)) == "2026-11-17T09:00:00.123Z"
    assert instant(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


def test_a_resource_and_its_document():
    data = resource(
        "client", "0123", {"name": "x"}, relationships={"a": {}}, links={"self": "/c"}, meta={"m": 1}
    )
    assert list(data) == ["type", "id", "attributes", "meta", "links", "relationships"]
    assert document([data], links={"first": "/c"}, meta={"paging": {}}) == {
        "data": [data],
        "links": {"first": "/c"},
        "meta": {"paging": {}},
    }
    assert resource("client", "1", {}) == {"type": "client", "id": "1", "attributes": {}}


def test_cursor_pages_follow_the_item_named_by_after():
    first = cursor_page(ITEMS, str, 3)
    assert (first.items, first.before, first.after) == (ITEMS[:3], None, "id-2")
    second = cursor_page(ITEMS, str, 3, after=first.after)
    assert (second.items, second.before, second.after) == (ITEMS[3:6], "id-3", "id-5")
    last = cursor_page(ITEMS, str, 3, after=second.after)
    assert (last.items, last.after) == (["id-6"], None)
    back = cursor_page(ITEMS, str, 3, before=second.before)
    assert back.items == ITEMS[:3]
    assert paging_meta(second) == {"paging": {"limit": 3, "before": "id-3", "after": "id-5"}}
    assert paging_meta(last) == {"paging": {"limit": 3, "before": "id-6"}}


@pytest.mark.parametrize(("after", "before"), [("nope", None), (None, "nope"), ("id-1", "id-2")])
def test_a_cursor_that_names_no_item_is_a_validation_error(after, before):
    with pytest.raises(ApiError) as caught:
        cursor_page(ITEMS, str, 3, after=after, before=before)
    assert caught.value.problem.status == 400
    assert error_body(caught.value.problem)["errors"][0]["code"] == "validationError"


def test_paging_links_for_a_collection_read_with_page_parameters():
    page = cursor_page(ITEMS, str, 3, after="id-2")
    links = paging_links("https://api.ibanity.com/codabox-bankconnect/bank-accounts", page)
    base = "https://api.ibanity.com/codabox-bankconnect/bank-accounts"
    assert links == {
        "first": f"{base}?page%5Blimit%5D=3",
        "prev": f"{base}?page%5Bbefore%5D=id-3&page%5Blimit%5D=3",
        "next": f"{base}?page%5Bafter%5D=id-5&page%5Blimit%5D=3",
    }
