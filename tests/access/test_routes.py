"""No route ships without its access test: the URL resolver and the matrix must list the same routes.

The resolver is walked recursively (namespaces, includes, the API's routers; the admin and the
DEBUG-only uploads route are left out by the rules in tests/access/routes.py).
"""

from __future__ import annotations

from collections import Counter

from tests.access.matrix import CLASSES, ROLES, ROUTES
from tests.access.routes import resolver_routes

HOW_TO_ADD = (
    "Add one line per route to ROUTES in tests/access/matrix.py, with its class of access and its "
    'URL arguments taken from the world (tests/access/world.py), e.g.\n    "performance:ledger": '
    'R(STAFF_VIEW, palace_id=A, month=Literal("2026-10")),\n'
    'Pages that take POST say so ("POST" for actions, "FORM" for GET and POST); the API\'s '
    "methods are read from its views. A route without a name is keyed by its full pattern, with "
    "path=... giving a URL to request."
)


def test_every_route_of_the_resolver_has_a_line_in_the_access_matrix():
    keys = {route.key: route.pattern for route in resolver_routes()}
    missing = sorted(set(keys) - set(ROUTES))

    assert not missing, (
        f"{len(missing)} route(s) have no access test:\n"
        + "\n".join(f"  {key}  (/{keys[key]})" for key in missing)
        + "\n"
        + HOW_TO_ADD
    )


def test_every_line_of_the_access_matrix_is_a_route_of_the_resolver():
    keys = {route.key for route in resolver_routes()}
    stale = sorted(set(ROUTES) - keys)

    assert not stale, (
        f"{len(stale)} line(s) of tests/access/matrix.py name no route any more (renamed or "
        "removed): " + ", ".join(stale) + ". Remove or rename them."
    )


def test_no_two_routes_share_a_key():
    # The matrix addresses routes by name: a second route of the same name could never be
    # reversed to, so it would escape the matrix.
    counts = Counter(route.key for route in resolver_routes())
    shared = {key: count for key, count in counts.items() if count > 1}

    assert not shared, f"routes sharing a URL name: {shared}"


def test_every_class_of_access_is_used_and_names_only_known_roles():
    used = {route.access for route in ROUTES.values()} | {r.unsafe for r in ROUTES.values() if r.unsafe}

    assert set(CLASSES) == used
    assert all(access.allowed <= set(ROLES) for access in CLASSES)


def test_the_walk_reaches_pages_api_routers_and_unnamed_routes():
    # Guards the walker itself: if it stopped descending into includes, the checks above would
    # pass on an empty list.
    keys = {route.key for route in resolver_routes()}

    assert {"home", "bookings:detail", "bookings_api:booking-list", "alliance_api:summary"} <= keys
    assert "favicon.ico" in keys
    assert not any(key.startswith("admin") for key in keys)
    assert len(keys) > 200
