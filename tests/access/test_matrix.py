"""Every route as every role: the answer the access matrix (tests/access/matrix.py) gives.

For each (route, role) one GET, and one request with an empty body for each unsafe method the
route takes (pages: as declared in the table; the API: as its view answers them).

- Roles not let in get the access answer: pages send anonymous visitors to sign in, the API
  answers them 401; anyone signed in gets 404. A method the route does not take may answer 405
  instead (the method is checked before the object, and says nothing about it).
- Roles let in get the route's answer to GET (200 unless the table says otherwise; 405 when the
  route takes only POST), and for an unsafe method with an empty body anything but a refusal
  (403, 404, 405) or a server error: that is the form's or the service's business, not access.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
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


def matrix_params():
    for key, route in ROUTES.items():
        for role in ROLES:
            marks = []
            if role in route.known_bugs:
                marks.append(pytest.mark.xfail(reason=route.known_bugs[role], strict=True))
            yield pytest.param(key, role, id=f"{key}|{role}", marks=marks)


@pytest.mark.parametrize(("key", "role"), list(matrix_params()))
def test_each_role_gets_the_matrix_answer_on_each_route(access_world, client_as, key, role):
    route = ROUTES[key]
    resolved = RESOLVED.get(key)
    if resolved is None:
        pytest.fail(f"{key} is in the matrix but not in the URL resolver (see test_routes.py)")
    url = url_of(key, route, access_world)
    client = client_as(role)
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
        else:
            problem = (
                f"{status}, expected the route's own answer"
                if status in (403, 404, 405) or status >= 500
                else None
            )
        if problem:
            problems.append(f"{method.upper()} {url} as {role} ({route.access!r}): {problem}")

    assert not problems, "\n".join(problems)
