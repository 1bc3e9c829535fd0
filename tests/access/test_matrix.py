"""Every route as every role: the answer the access matrix (tests/access/matrix.py) gives.

For each (route, role) one GET, and one request with an empty body for each unsafe method the
route takes (pages: as declared in the table; the API: as its view answers them).

- Roles not let in get the access answer: pages send anonymous visitors to sign in, the API
  answers them 401; anyone signed in gets 404. A method the route does not take may answer 405
  instead (the method is checked before the object, and says nothing about it).
- Roles let in get the route's answer to GET (200 unless the table says otherwise; 405 when the
  route takes only POST; an API list includes palace A's object only for those who may see it),
  and for an unsafe method with an empty body anything but a refusal
  (403, 404, 405) or a server error: that is the form's or the service's business, not access.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tests.access.matrix import ROLES, ROUTES, Literal, Route
from tests.access.routes import ResolvedRoute, resolver_routes

RESOLVED: dict[str, ResolvedRoute] = {route.key: route for route in resolver_routes()}
LOGIN_URL = "/accounts/login/"


def url_of(key: str, route: Route, world) -> str:
    def value_of(value: object) -> object:
        if isinstance(value, Literal):
            return value.value
        # "booking": the world's booking's pk; "feed.token": that attribute as is.
        name, _, attribute = str(value).partition(".")
        return getattr(getattr(world, name), attribute or "pk")

    url = route.path or reverse(key, kwargs={name: value_of(value) for name, value in route.args.items()})
    if route.query:
        url += "?" + urlencode({name: value_of(value) for name, value in route.query.items()})
    return url


def accepts(route: Route, resolved: ResolvedRoute, method: str) -> bool:
    if resolved.is_api:
        return method in resolved.api_methods()
    if method == "get":
        return route.methods in ("GET", "FORM")
    return method == "post" and route.methods in ("POST", "FORM")


def unsafe_methods(route: Route, resolved: ResolvedRoute) -> tuple[str, ...]:
    if resolved.is_api:
        return tuple(m for m in resolved.api_methods() if m != "get")
    return ("post",) if route.methods in ("POST", "FORM") else ()


def refusal_problem(response, *, role: str, api: bool, accepted: bool) -> str | None:
    """What is wrong with the answer to a role that is not let in (None: nothing)."""
    status = response.status_code
    if not accepted and status == 405:
        return None
    if role == "anonymous" and not api:
        if status == 302 and response["Location"].startswith(LOGIN_URL):
            return None
        return f"{status} {response.get('Location', '')}, expected a redirect to sign in".strip()
    expected = 401 if role == "anonymous" else 404
    if status != expected:
        return f"{status}, expected {expected}"
    if api and "code" not in response.json():
        return f"{status} without the API's error format"
    return None


def list_problem(response, route: Route, role: str, world, *, api: bool) -> str | None:
    """Whether a list shows palace A's object exactly to the roles that may see it: an API list
    by the object's id, a page by a text of the world's that only that object puts there."""
    name, sees = route.shows
    if api:
        data = response.json()
        rows = data["results"] if isinstance(data, dict) else data
        listed = getattr(world, name).pk in {row["id"] for row in rows}
    else:
        listed = getattr(world, name) in response.content.decode()
    if listed == (role in sees.allowed):
        return None
    return f"the list {'includes' if listed else 'leaves out'} the {name} (seen by {sees!r})"


def role_problems(client, url: str, key: str, route: Route, resolved: ResolvedRoute, role: str, world):
    problems = []
    for method in ("get", *unsafe_methods(route, resolved)):
        accepted = accepts(route, resolved, method)
        response = getattr(client, method)(url)
        status = response.status_code
        if not route.let_in(role, method):
            problem = refusal_problem(response, role=role, api=resolved.is_api, accepted=accepted)
        elif method == "get":
            expected = route.ok_for(role) if accepted else 405
            problem = None if status == expected else f"{status}, expected {expected}"
            if problem is None and route.shows is not None:
                problem = list_problem(response, route, role, world, api=resolved.is_api)
        else:
            refused = status in (403, 404, 405) or status >= 500
            problem = f"{status}, expected the route's own answer" if refused else None
        if problem:
            problems.append(f"{method.upper()} {url} as {role} ({route.access!r}): {problem}")
    return problems


def matrix_params():
    """One test per route with every role, and one per (route, role) that is a known bug."""
    for key, route in ROUTES.items():
        roles = tuple(role for role in ROLES if role not in route.known_bugs)
        yield pytest.param(key, roles, id=key)
        for role, reason in route.known_bugs.items():
            yield pytest.param(
                key, (role,), id=f"{key}|{role}", marks=pytest.mark.xfail(reason=reason, strict=True)
            )


@pytest.mark.parametrize(("key", "roles"), list(matrix_params()))
def test_each_role_gets_the_matrix_answer_on_each_route(access_world, client_as, key, roles):
    route = ROUTES[key]
    resolved = RESOLVED.get(key)
    if resolved is None:
        pytest.fail(f"{key} is in the matrix but not in the URL resolver (see test_routes.py)")
    url = url_of(key, route, access_world)
    problems = []

    for role in roles:
        # Each role in a savepoint of its own, with fresh rate limits: what one role's request
        # writes (a deleted survey, a cancelled booking) never changes the next one's answer.
        cache.clear()
        with transaction.atomic():
            problems += role_problems(client_as(role), url, key, route, resolved, role, access_world)
            transaction.set_rollback(True)

    assert not problems, "\n".join(problems)
