"""The API as a whole against API.md: the OpenAPI schema, the docs page, the error format, and a
short schema-driven fuzz run (schemathesis) over the network endpoints."""

import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from palace_portal.api import exception_handler
from tests.factories import VenueFactory
from venues.models import Closure

PROMISED = {
    "/api/v1/palaces/": "get",
    "/api/v1/palaces/{id}/": "get",
    "/api/v1/venues/": "get",
    "/api/v1/venues/{id}/availability/": "get",
    "/api/v1/network/summary/": "get",
}
SLOT_EXTRA = {"state", "waiting", "members_only"}
# Every palace, venue, course and event may carry a picture and its description (additive).
PICTURE_EXTRA = {"picture", "picture_alt"}
COURSE_EXTRA = {"centre", "teacher", "fee", "members_only", "applied", "available", "open"} | PICTURE_EXTRA
ITEM_FIELDS = {
    "Palace": {
        "id",
        "name",
        "level",
        "status",
        "city",
        "county",
        "address",
        "phone",
        "opening_hours",
        "alliance_member",
        "venue_count",
    }
    | PICTURE_EXTRA,
    "Venue": {
        "id",
        "palace",
        "name",
        "centre",
        "kind",
        "booking_mode",
        "capacity",
        "fee",
        "member_only",
        "is_open",
    }
    | PICTURE_EXTRA,
    "Availability": {"venue", "date", "slots"},
    # API.md's six keys, plus the slot's state, waitlist and members-only flag (additive).
    "Slot": {"start", "end", "capacity", "taken", "available", "bookable"} | SLOT_EXTRA,
    # The answer to POST /bookings/: exactly API.md's keys.
    "BookingCreated": {"id", "venue", "start", "end", "party_size", "status", "check_in_code"},
    # A course of GET /courses/: API.md's twelve keys, plus the documented additive ones.
    "Course": {
        "id",
        "palace",
        "title",
        "term",
        "schedule",
        "sessions",
        "capacity",
        "enrolled",
        "waitlisted",
        "enrolment_opens",
        "enrolment_closes",
        "selection",
    }
    | COURSE_EXTRA,
    "CourseSchedule": {"weekdays", "starts", "ends", "venue", "first", "last"},
    # The answers to POST /courses/{id}/enroll/ and /events/{id}/register/: exactly these keys.
    "CourseEnrolled": {"id", "course", "status"},
    "EventRegistered": {"id", "event", "status"},
    # An event of GET /events/ (API.md: "likewise"; the keys decided in activities/api/classes.py).
    "Event": {
        "id",
        "palace",
        "title",
        "kind",
        "centre",
        "venue",
        "online_url",
        "start",
        "end",
        "date",
        "speaker",
        "registration",
        "capacity",
        "enrolled",
        "waitlisted",
        "registration_closes",
        "members_only",
        "open",
    }
    | PICTURE_EXTRA,
}
# The bookings endpoints of API.md (signed in), with their methods.
PROMISED_BOOKINGS = {
    "/api/v1/bookings/": {"get", "post"},
    "/api/v1/bookings/{id}/": {"get"},
    "/api/v1/bookings/{id}/cancel/": {"post"},
    "/api/v1/bookings/check-in/": {"post"},
    "/api/v1/bookings/{id}/ics/": {"get"},
    "/api/v1/bookings/{id}/accept-offer/": {"post"},
    "/api/v1/bookings/{id}/decide/": {"post"},
    "/api/v1/calendar/feed/": {"get"},
    "/api/v1/calendar/feed/reset/": {"post"},
}
BOOKING_409_CODES = {
    "slot_taken",
    "slot_full",
    "outside_opening_hours",
    "outside_booking_window",
    "limit_reached",
    "suspended",
    "members_only",
}
# The classes and events endpoints (API.md, "Classes and events"), with their methods.
PROMISED_CLASSES = {
    "/api/v1/courses/": {"get"},
    "/api/v1/courses/{id}/": {"get"},
    "/api/v1/courses/{id}/enroll/": {"post"},
    "/api/v1/events/": {"get"},
    "/api/v1/events/{id}/": {"get"},
    "/api/v1/events/{id}/register/": {"post"},
    "/api/v1/enrolments/": {"get"},
    "/api/v1/enrolments/{id}/": {"get"},
    "/api/v1/enrolments/{id}/withdraw/": {"post"},
    "/api/v1/enrolments/{id}/accept/": {"post"},
}
ENROL_409_CODES = {
    "enrolment_closed",
    "enrolment_not_open",
    "already_enrolled",
    "limit_reached",
    "members_only",
    "suspended",
}
ENROLMENT_STATUSES = {"applied", "waitlisted", "offered", "enrolled", "attended", "withdrawn", "expired"}
SUMMARY_FIELDS = {"palaces_in_service", "county_level_in_service", "coverage_rate", "projects_under_way"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    # Built once for the module: the schema is code, not data, and it takes a second to build.
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def _component(schema, ref_or_name: str) -> dict:
    return schema["components"]["schemas"][ref_or_name.rsplit("/", 1)[-1]]


def _parameters(schema, path) -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


def _response_schema(schema, path, status="200") -> dict:
    return schema["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


# --- The schema ---------------------------------------------------------------------------------


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document


def test_schema_generation_has_no_warnings(db):
    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


def test_schema_lists_the_promised_paths(schema):
    for path, method in PROMISED.items():
        assert method in schema["paths"].get(path, {}), path
    # Read only: nothing but GET on the network endpoints.
    for path in PROMISED:
        assert set(schema["paths"][path]) == {"get"}, path


def test_schema_lists_the_promised_bookings_paths(schema):
    paths = schema["paths"]
    for path, methods in PROMISED_BOOKINGS.items():
        assert set(paths.get(path, {})) == methods, path

    def responses(path, method):
        return paths[path][method]["responses"]

    create = responses("/api/v1/bookings/", "post")
    assert create["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/BookingCreated")
    assert all(f"`{code}`" in create["409"]["description"] for code in BOOKING_409_CODES)
    cancel = responses("/api/v1/bookings/{id}/cancel/", "post")["409"]["description"]
    assert "`cancel_deadline_passed`" in cancel
    check_in = responses("/api/v1/bookings/check-in/", "post")["409"]["description"]
    assert "`not_checkin_time`" in check_in
    assert "`already_checked_in`" in check_in
    assert "text/calendar" in responses("/api/v1/bookings/{id}/ics/", "get")["200"]["content"]
    listing = _component(schema, _response_schema(schema, "/api/v1/bookings/")["$ref"])
    item = _component(schema, listing["properties"]["results"]["items"]["$ref"])
    assert set(item["properties"]) >= ITEM_FIELDS["BookingCreated"]
    assert {"venue", "date", "status"} <= set(_parameters(schema, "/api/v1/bookings/"))
    # The confidential matter is input only.
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            assert "matter" not in component.get("properties", {}), name


def test_schema_lists_the_promised_classes_and_events_paths(schema):
    paths = schema["paths"]
    for path, methods in PROMISED_CLASSES.items():
        assert set(paths.get(path, {})) == methods, path

    def responses(path, method):
        return paths[path][method]["responses"]

    enroll = responses("/api/v1/courses/{id}/enroll/", "post")
    assert enroll["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/CourseEnrolled")
    assert all(f"`{code}`" in enroll["409"]["description"] for code in ENROL_409_CODES)
    assert {"401", "404"} <= set(enroll)
    register = responses("/api/v1/events/{id}/register/", "post")
    assert register["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/EventRegistered")
    assert "`no_registration`" in register["409"]["description"]
    assert "404" in responses("/api/v1/enrolments/{id}/withdraw/", "post")
    for name in ("CourseEnrolled", "EventRegistered"):
        status = _component(schema, name)["properties"]["status"]
        assert set(_component(schema, status["allOf"][0]["$ref"])["enum"]) == ENROLMENT_STATUSES
    courses = _component(schema, _response_schema(schema, "/api/v1/courses/")["$ref"])
    assert set(courses["properties"]) == {"count", "next", "previous", "results"}
    assert courses["properties"]["results"]["items"]["$ref"].endswith("/Course")
    course = _component(schema, "Course")["properties"]
    assert course["term"]["type"] == "integer"
    assert course["sessions"]["type"] == "integer"
    assert set(_component(schema, course["selection"]["allOf"][0]["$ref"])["enum"]) == {
        "first_come",
        "lottery",
    }
    schedule = _component(schema, "CourseSchedule")["properties"]
    assert (schedule["weekdays"]["items"]["minimum"], schedule["weekdays"]["items"]["maximum"]) == (0, 6)
    assert re.fullmatch(schedule["starts"]["pattern"], "19:00")
    detail = _component(schema, _response_schema(schema, "/api/v1/courses/{id}/")["$ref"])
    assert set(detail["properties"]) >= ITEM_FIELDS["Course"] | {"timetable"}
    assert {"palace", "term", "centre", "open"} <= set(_parameters(schema, "/api/v1/courses/"))
    assert _parameters(schema, "/api/v1/courses/")["open"]["schema"]["type"] == "boolean"
    events = _parameters(schema, "/api/v1/events/")
    assert {"palace", "kind", "centre", "from", "to"} <= set(events)
    assert events["from"]["schema"] == {"type": "string", "format": "date"}


def test_schema_items_have_the_promised_fields(schema):
    for name, fields in ITEM_FIELDS.items():
        assert set(_component(schema, name)["properties"]) == fields, name
    palaces = _component(schema, _response_schema(schema, "/api/v1/palaces/")["$ref"])
    assert set(palaces["properties"]) == {"count", "next", "previous", "results"}
    assert palaces["properties"]["results"]["items"]["$ref"].endswith("/Palace")
    detail = _component(schema, _response_schema(schema, "/api/v1/palaces/{id}/")["$ref"])
    assert set(detail["properties"]) >= ITEM_FIELDS["Palace"]
    summary = _component(schema, _response_schema(schema, "/api/v1/network/summary/")["$ref"])
    assert set(summary["properties"]) >= SUMMARY_FIELDS
    assert summary["properties"]["coverage_rate"]["type"] == "number"


def test_schema_documents_the_shapes_of_nested_fields(schema):
    palace = _component(schema, "Palace")["properties"]
    region = _component(schema, palace["city"]["allOf"][0]["$ref"])
    assert set(region["properties"]) == {"id", "code", "name"}
    assert palace["county"]["nullable"] is True
    hours = _component(schema, palace["opening_hours"]["items"]["$ref"])["properties"]
    assert (hours["weekday"]["minimum"], hours["weekday"]["maximum"]) == (0, 6)
    assert re.fullmatch(hours["opens"]["pattern"], "09:00")
    venue = _component(schema, "Venue")["properties"]
    assert venue["fee"]["type"] == "string"
    assert venue["palace"]["type"] == "integer"
    slot = _component(schema, "Slot")["properties"]
    assert slot["start"]["format"] == "date-time"


def test_schema_documents_the_filters_with_their_values(schema):
    palaces = _parameters(schema, "/api/v1/palaces/")
    assert {"city", "county", "level", "status", "alliance_member", "q", "page", "page_size"} <= set(palaces)
    assert set(palaces["level"]["schema"]["enum"]) == {"city", "county"}
    assert set(palaces["status"]["schema"]["enum"]) == {
        "planned",
        "under_construction",
        "equipment",
        "in_service",
        "closed",
    }
    assert palaces["alliance_member"]["schema"]["type"] == "boolean"

    venues = _parameters(schema, "/api/v1/venues/")
    assert {"palace", "centre", "kind", "booking_mode", "city", "q"} <= set(venues)
    assert set(venues["centre"]["schema"]["enum"]) == {"culture", "education", "health", "service"}
    assert set(venues["booking_mode"]["schema"]["enum"]) == {"exclusive", "shared", "appointment", "request"}
    assert "badminton" in venues["kind"]["schema"]["enum"]
    assert venues["palace"]["schema"]["type"] == "integer"

    availability = _parameters(schema, "/api/v1/venues/{id}/availability/")
    assert availability["date"]["required"] is True
    assert availability["date"]["schema"] == {"type": "string", "format": "date"}


def test_schema_documents_the_error_body(schema):
    ref = schema["paths"]["/api/v1/palaces/"]["get"]["responses"]["400"]["content"]["application/json"]
    error = _component(schema, ref["schema"]["$ref"])
    assert set(error["properties"]) == {"code", "detail", "fields"}
    assert set(error["required"]) == {"code", "detail"}
    assert "404" in schema["paths"]["/api/v1/venues/{id}/availability/"]["get"]["responses"]


# --- The docs page ------------------------------------------------------------------------------


def test_docs_page_uses_only_its_own_assets_and_nothing_inline(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 5  # two stylesheets, favicon, two Swagger UI scripts, the init script
    for url in assets:
        assert url.startswith("/"), url  # same origin: no CDN
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    # The strict CSP forbids inline code and styles: the page has none.
    assert not re.search(r"<script\b(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert "style=" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(("cookie", "lang"), [(None, "zh-hans"), ("en", "en"), ("zh-hans", "zh-hans")])
def test_docs_page_names_the_active_language(client, db, cookie, lang):
    """Screen readers and translators need the page's language (axe: html-has-lang)."""
    if cookie:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = cookie
    html = client.get("/api/docs/").content.decode()
    assert re.search(r"<html\b[^>]*>", html).group(0) == f'<html lang="{lang}">'


def test_docs_init_script_is_served_and_points_at_the_schema(client, db):
    page = client.get("/api/docs/").content.decode()
    script_url = next(u for u in re.findall(r'<script src="([^"]+)"', page) if "/api/docs/" in u)

    response = client.get(script_url.replace("&amp;", "&"))

    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "/api/schema/" in response.content.decode()


# --- The error format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/palaces/999999/", 404, "not_found"),
        ("get", "/api/v1/palaces/?page=999", 404, "not_found"),
        ("delete", "/api/v1/palaces/", 405, "method_not_allowed"),
        ("post", "/api/v1/network/summary/", 405, "method_not_allowed"),
        ("get", "/api/v1/palaces/?level=province", 400, "invalid"),
        ("get", "/api/v1/venues/?palace=x&centre=y", 400, "invalid"),
    ],
)
def test_errors_have_the_promised_format(db, method, url, status, code):
    response = getattr(APIClient(), method)(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if status == 400:
        assert set(body) == {"code", "detail", "fields"}
        assert all(isinstance(messages, list) and messages for messages in body["fields"].values())
    else:
        assert set(body) == {"code", "detail"}


def test_several_bad_filters_are_reported_together(db):
    body = APIClient().get("/api/v1/venues/", {"palace": "x", "centre": "y"}).json()

    assert set(body["fields"]) == {"palace", "centre"}


# --- Fuzzing the network endpoints against their schema -----------------------------------------


def _rejects_invalid_input(ctx, response, case):
    # An empty parameter means "no filter" (what an HTML form sends for "any"), not bad input.
    if any(str(value).strip() == "" for value in (case.query or {}).values()):
        return None
    return negative_data_rejection(ctx, response, case)


@pytest.fixture
def wsgi_app():
    # As Django's test client does: the request signals must not close the test's connection
    # (it holds the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


_FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the fast suite must not be flaky: same examples on every run
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_network_endpoints_survive_schema_driven_input(world, wsgi_app):
    """Valid and invalid input generated from the schema: never a 500, every response (error
    bodies included) conforms to the schema, and invalid input is refused with a 4xx."""
    Closure.objects.create(
        palace=world.palace_a,
        venue=VenueFactory(palace=world.palace_a, kind="gym"),
        start_date="2026-01-01",
        end_date="2030-12-31",
        reason="维修",
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app).include(
        path_regex=r"^/api/v1/(palaces|venues|network)/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= set(PROMISED)
    conformance = [not_a_server_error, status_code_conformance, content_type_conformance]

    for operation in operations:

        @_FUZZ
        @given(case=operation.as_strategy())
        def valid_input(case):
            case.call_and_validate(checks=[*conformance, response_schema_conformance])

        @_FUZZ
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def invalid_input(case):
            case.call_and_validate(checks=[*conformance, response_schema_conformance, _rejects_invalid_input])

        valid_input()
        if operation.query:  # (negative path-only cases are too rare for hypothesis to find)
            invalid_input()


def test_catalogue_of_classes_and_events_survives_schema_driven_input(world, wsgi_app, monkeypatch):
    """The same for the public reads of courses and events."""
    from tests.activities.support import NOW, make_course, make_event

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    make_course(world)
    make_event(world)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app).include(
        path_regex=r"^/api/v1/(courses|events)/", method="GET"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/courses/",
        "/api/v1/courses/{id}/",
        "/api/v1/events/",
        "/api/v1/events/{id}/",
    }
    conformance = [not_a_server_error, status_code_conformance, content_type_conformance]

    for operation in operations:

        @_FUZZ
        @given(case=operation.as_strategy())
        def valid_input(case):
            case.call_and_validate(checks=[*conformance, response_schema_conformance])

        @_FUZZ
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def invalid_input(case):
            case.call_and_validate(checks=[*conformance, response_schema_conformance, _rejects_invalid_input])

        valid_input()
        if operation.query:
            invalid_input()


def test_unknown_api_path_answers_in_the_error_format(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_path_without_its_slash_is_redirected_not_swallowed(client):
    response = client.get("/api/v1/palaces")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/palaces/"


def test_schema_lists_the_activity_ledger(schema):
    operations = schema["paths"]["/api/v1/activities/"]

    assert {"get", "post"} <= set(operations)
    names = {p["name"] for p in operations["get"]["parameters"]}
    assert {"palace", "month", "kind"} <= names


# --- The alliance (API.md, "Province"; the other alliance endpoints are additive) ---------------

ALLIANCE_SUMMARY_KEYS = {
    "members",
    "activities",
    "person_times",
    "online_viewers",
    "events_hosted",
    "by_city",
    "by_month",
}
PROMISED_ALLIANCE = {
    "/api/v1/alliance/summary/": {"get"},
    "/api/v1/alliance/members/": {"get"},
    "/api/v1/alliance/growth/": {"get"},
    "/api/v1/alliance/rotations/": {"get"},
    "/api/v1/alliance/campaigns/": {"get"},
    "/api/v1/alliance/campaigns/{id}/": {"get"},
    "/api/v1/alliance/campaigns/{id}/tags/": {"get", "post"},
    "/api/v1/alliance/campaigns/{id}/tags/{tag_id}/": {"delete"},
    "/api/v1/alliance/calls/": {"get", "post"},
    "/api/v1/alliance/calls/{id}/": {"get", "put"},
    "/api/v1/alliance/calls/{id}/open/": {"post"},
    "/api/v1/alliance/calls/{id}/close/": {"post"},
    "/api/v1/alliance/calls/{id}/applications/": {"post"},
    "/api/v1/alliance/applications/": {"get"},
    "/api/v1/alliance/applications/{id}/withdraw/": {"post"},
    "/api/v1/alliance/applications/{id}/reviews/": {"post"},
    "/api/v1/alliance/applications/{id}/decide/": {"post"},
    "/api/v1/alliance/applications/{id}/subsidy/": {"post"},
    "/api/v1/alliance/subsidies/{id}/payments/": {"post"},
    "/api/v1/alliance/calendar/": {"get"},
}
APPLY_409_CODES = {"deadline_passed", "not_eligible", "already_applied", "call_not_open"}


def test_schema_lists_the_alliance_with_the_summarys_exact_keys(schema):
    paths = schema["paths"]
    for path, methods in PROMISED_ALLIANCE.items():
        assert methods <= set(paths.get(path, {})), path
    summary = _component(schema, _response_schema(schema, "/api/v1/alliance/summary/")["$ref"])
    assert set(summary["properties"]) == ALLIANCE_SUMMARY_KEYS
    city = _component(schema, summary["properties"]["by_city"]["items"]["$ref"])
    assert set(city["properties"]) == {"city", "members", "activities", "person_times"}
    month = _component(schema, summary["properties"]["by_month"]["items"]["$ref"])
    assert set(month["properties"]) == {"month", "activities", "person_times", "online_viewers"}
    assert re.fullmatch(month["properties"]["month"]["pattern"], "2024-01")
    assert _parameters(schema, "/api/v1/alliance/summary/")["year"]["schema"]["type"] == "integer"
    assert {"401", "404"} <= set(paths["/api/v1/alliance/summary/"]["get"]["responses"])
    apply = paths["/api/v1/alliance/calls/{id}/applications/"]["post"]["responses"]
    assert apply["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/HostingApplication")
    assert all(f"`{code}`" in apply["409"]["description"] for code in APPLY_409_CODES)


# --- Monthly ledgers (API.md, "Staff") -----------------------------------------------------------

LEDGER_ITEM_KEYS = {"palace", "month", "status", "computed_at", "figures"}
LEDGER_METRIC_KEYS = {"code", "name", "unit", "source"}


def test_schema_lists_the_ledgers_with_typed_filters_and_the_promised_keys(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/ledgers/"]) == {"get"}
    assert set(paths["/api/v1/ledgers/metrics/"]) == {"get"}
    listing = _component(schema, _response_schema(schema, "/api/v1/ledgers/")["$ref"])
    assert set(listing["properties"]) == {"count", "next", "previous", "results"}
    item = _component(schema, listing["properties"]["results"]["items"]["$ref"])["properties"]
    assert set(item) >= LEDGER_ITEM_KEYS
    assert item["figures"]["additionalProperties"] == {"type": "number"}
    assert re.fullmatch(item["month"]["pattern"], "2024-01")
    status = item["status"].get("$ref") or item["status"]["allOf"][0]["$ref"]
    assert set(_component(schema, status)["enum"]) == {
        "open",
        "submitted",
        "returned",
        "accepted",
    }
    filters = _parameters(schema, "/api/v1/ledgers/")
    assert {"palace", "city", "month", "year", "status", "page", "page_size"} <= set(filters)
    assert (filters["year"]["schema"]["minimum"], filters["year"]["schema"]["maximum"]) == (2000, 2100)
    assert filters["palace"]["schema"]["minimum"] == 1
    assert re.fullmatch(filters["month"]["schema"]["pattern"], "2024-12")
    assert not re.fullmatch(filters["month"]["schema"]["pattern"], "2024-13")
    assert set(filters["status"]["schema"]["enum"]) == {"open", "submitted", "returned", "accepted"}
    metrics = paths["/api/v1/ledgers/metrics/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert metrics["schema"]["type"] == "array"
    assert set(_component(schema, metrics["schema"]["items"]["$ref"])["properties"]) >= LEDGER_METRIC_KEYS
    assert {"400", "401"} <= set(paths["/api/v1/ledgers/"]["get"]["responses"])


# --- Precision the fuzzing relies on (issue 11) ---------------------------------------------------


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_it_bounds_every_integer_parameter_from_below(schema):
    # An id or a year refusing 0 says so; clients and the fuzzing read the schema, not the code.
    # The alliance's tag path (`tag_id`) is another branch's (i11-alliance).
    unbounded = [
        (method, path, parameter["name"])
        for path, method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["schema"].get("type") == "integer"
        and "minimum" not in parameter["schema"]
        and parameter["name"] != "tag_id"
    ]
    assert unbounded == []


def test_it_bounds_every_year_parameter_by_the_portals_range(schema):
    years = [
        (path, parameter["schema"])
        for path, method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "year"
    ]
    assert len(years) >= 4  # ledgers, rankings, evaluations, schemes, subsidies…
    for path, parameter_schema in years:
        assert (parameter_schema.get("minimum"), parameter_schema.get("maximum")) == (2000, 2100), path


def test_it_documents_the_page_past_the_end_on_every_paginated_list(schema, db):
    missing = [
        path
        for path, method, operation in _operations(schema)
        if any(p["name"] == "page" for p in operation.get("parameters", []))
        and "404" not in operation["responses"]
    ]
    assert missing == []
    api = APIClient()
    assert api.get("/api/v1/palaces/", {"page": 99}).json()["code"] == "not_found"


def test_its_error_schema_is_a_list_of_messages_per_field(schema):
    fields = _component(schema, "Error")["properties"]["fields"]["additionalProperties"]
    validator = Draft202012Validator(fields)
    assert validator.is_valid(["Required."])
    assert not validator.is_valid("Required.")  # a bare message is always put in a list
    assert not validator.is_valid({"city": ["Required."]})  # nested errors are named by their path


def test_it_puts_every_message_in_a_list_and_names_nested_errors_by_their_path():
    response = exception_handler(
        ValidationError({"when": "Bad.", "rows": [{"date": "Empty."}], "nested": {"a": "No."}}), {}
    )
    assert response.status_code == 400
    assert response.data["fields"] == {
        "when": ["Bad."],
        "rows.0.date": ["Empty."],
        "nested.a": ["No."],
    }
