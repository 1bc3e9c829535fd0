"""The access matrix: for every route of the URL resolver, who gets an answer and who does not.

One entry per route (its URL name, or its pattern when it has none). Each entry names a class of
access — the set of roles that are let in — and how the URL's arguments are filled from the
matrix's world (tests/access/world.py: every object belongs to palace A; the worker-owned ones to
`worker`). tests/access/test_matrix.py requests every route as every role and checks the answer;
tests/access/test_routes.py fails on any route of the resolver that has no entry here.

Roles: anonymous; `worker` (owns the booking, enrolment, registration, rating and wish); `staff_a`
and `manager_a` (palace A); `staff_b` (palace B, another palace); `city_officer` (palace A's
city); `city_officer_b` (another city, palace B's); `province_officer`.

The answer to a role that is not let in is the access answer, for GET and for every unsafe method
of the route sent with an empty body: pages send anonymous visitors to sign in (302), the API
answers them 401; everyone else signed in gets 404 (never 403, never a 400 that shows the form,
never a 500), so ids cannot be probed.

Adding a route: one line in ROUTES, e.g.
    "performance:ledger": R(STAFF_VIEW, "FORM", unsafe=MANAGER, palace_id=A, month=Literal("2026-10")),
where each keyword is a URL argument and its value names an object of the world whose pk it takes
("booking"), an attribute ("feed.token"), or is a `Literal(...)` used as is. Objects a new route
needs are added to tests/access/world.py (owned by palace A, or by `worker`).

Left out, by rule (tests/access/routes.py): the Django admin, guarded as a whole by
`venues.access.may_use_admin` and tested in tests/<app>/test_admin.py, and the DEBUG-only
uploads route.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "worker",
    "staff_a",
    "manager_a",
    "staff_b",
    "city_officer",
    "city_officer_b",
    "province_officer",
)
SIGNED_IN_ROLES = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Access:
    """A class of access: the roles let in; everyone else gets the access answer."""

    name: str
    allowed: frozenset[str]

    def __repr__(self) -> str:
        return self.name


def _access(name: str, *roles: str) -> Access:
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return Access(name, frozenset(roles))


# Anyone, signed in or not: the network, venues, classes, events, calendars, docs, sign-in pages.
PUBLIC = _access("PUBLIC", *ROLES)
# Any signed-in person; what they get is their own (their bookings, profile, ratings page).
SIGNED_IN = _access("SIGNED_IN", *SIGNED_IN_ROLES)
# Only the worker who owns the object (a booking, enrolment, registration, rating); others 404.
OWNER_ONLY = _access("OWNER_ONLY", "worker")
# Reading a palace's staff side: its staff and managers, its city's officer, the province.
STAFF_VIEW = _access("STAFF_VIEW", "staff_a", "manager_a", "city_officer", "province_officer")
# Acting on a palace: its staff and managers, the province (city officers only read).
STAFF_MANAGE = _access("STAFF_MANAGE", "staff_a", "manager_a", "province_officer")
# The worker who owns it, or those acting on its palace (its staff and managers, the province).
OWNER_OR_STAFF = _access("OWNER_OR_STAFF", "worker", "staff_a", "manager_a", "province_officer")
# A palace's managers (not its staff) and the province: who read which confidential matter.
MANAGER = _access("MANAGER", "manager_a", "province_officer")
# A palace's own team only: its alliance pages, applying and withdrawing (officers review, not apply).
PALACE_TEAM = _access("PALACE_TEAM", "staff_a", "manager_a")
# Staff of any palace acting for one of their own palaces, which the request's body names.
ANY_PALACE_TEAM = _access("ANY_PALACE_TEAM", "staff_a", "manager_a", "staff_b")
# Anyone holding a staff role, of any palace or any officer: what the network's staff share.
NETWORK_STAFF = _access("NETWORK_STAFF", *(SIGNED_IN_ROLES - {"worker"}))
# Staff of any palace (each sees their own palaces' rows) and the province: the desk's front page.
ANY_PALACE_STAFF = _access("ANY_PALACE_STAFF", "staff_a", "manager_a", "staff_b", "province_officer")
# Provincial work: the alliance's roster, rotations, campaigns, calls, reviews, subsidies, overview.
PROVINCE = _access("PROVINCE", "province_officer")
# The alliance workspace read-only: provincial officers and every city officer.
OFFICERS = _access("OFFICERS", "city_officer", "city_officer_b", "province_officer")
# A palace's own city officer and the province: its alliance file (read-only), its evaluation's review.
OFFICERS_OF_PALACE = _access("OFFICERS_OF_PALACE", "city_officer", "province_officer")
# The worker who owns it, or those who read its palace's staff side (innovation: a posted problem).
OWNER_OR_STAFF_VIEW = _access(
    "OWNER_OR_STAFF_VIEW", "worker", "staff_a", "manager_a", "city_officer", "province_officer"
)
# A palace's own managers only: what the palace states (self-evaluation, evidence), checked by others.
PALACE_MANAGER = _access("PALACE_MANAGER", "manager_a")
# A legal-help case: the worker concerned and palace A's legal-service staff (staff_a holds the
# duty; manager_a does not), nobody else, not even the province.
LEGAL_CASE = _access("LEGAL_CASE", "worker", "staff_a")
# Palace A's legal-service staff only: the case desk.
LEGAL_STAFF = _access("LEGAL_STAFF", "staff_a")
# The case-read log: legal-service staff, the palace's managers and the province (numbers, not names).
LEGAL_AUDIT = _access("LEGAL_AUDIT", "staff_a", "manager_a", "province_officer")

CLASSES = (
    PUBLIC,
    SIGNED_IN,
    OWNER_ONLY,
    OWNER_OR_STAFF,
    OWNER_OR_STAFF_VIEW,
    STAFF_VIEW,
    STAFF_MANAGE,
    MANAGER,
    PALACE_TEAM,
    ANY_PALACE_TEAM,
    ANY_PALACE_STAFF,
    NETWORK_STAFF,
    PROVINCE,
    OFFICERS,
    OFFICERS_OF_PALACE,
    PALACE_MANAGER,
    LEGAL_CASE,
    LEGAL_STAFF,
    LEGAL_AUDIT,
)


@dataclass(frozen=True)
class Literal:
    """A URL argument given as is rather than taken from the world."""

    value: object


@dataclass(frozen=True)
class Route:
    """One route's entry.

    `methods` is for pages: GET (reads), POST (actions), FORM (GET and POST); the API's methods
    are read from its views. `unsafe` is who is let in for the unsafe methods when that differs
    from GET (a page city officers read and only staff post to). `ok` is the GET answer to those
    let in when it is not 200: a status, or one per role. `path` is the URL of a route without a
    name; `query` its query string ({name: world attribute or Literal}). `shows` is for lists:
    (an object of the world, the class of those whose list includes it; for a page, a text of
    the world's that only that object puts on it); everyone else's list must leave it out.
    `known_bugs` maps a role to the reason its answer is wrong today (xfail, strict: it fails
    once fixed, and the line goes).
    """

    access: Access
    methods: str = "GET"
    unsafe: Access | None = None
    ok: int | dict[str, int] = 200
    path: str | None = None
    query: dict[str, object] = field(default_factory=dict)
    shows: tuple[str, Access] | None = None
    args: dict[str, object] = field(default_factory=dict)
    known_bugs: dict[str, str] = field(default_factory=dict)

    def let_in(self, role: str, method: str) -> bool:
        access = self.access if method == "get" or self.unsafe is None else self.unsafe
        return role in access.allowed

    def ok_for(self, role: str) -> int:
        return self.ok if isinstance(self.ok, int) else self.ok[role]


def R(
    access: Access,
    methods: str = "GET",
    *,
    unsafe: Access | None = None,
    ok: int | dict[str, int] = 200,
    path: str | None = None,
    query: dict[str, object] | None = None,
    shows: tuple[str, Access] | None = None,
    known_bugs: dict[str, str] | None = None,
    **args: object,
) -> Route:
    assert methods in ("GET", "POST", "FORM"), methods
    return Route(access, methods, unsafe, ok, path, query or {}, shows, args, known_bugs or {})


# Sign-in and sign-up pages send whoever is signed in already on to the portal.
GUEST_OK = {role: 200 if role == "anonymous" else 302 for role in ROLES}
A = "palace_a"

# Known bugs of the alliance workspace: a city officer reads another city's palaces. The first
# two are fixed on the alliance branch; the third is not (the API scopes subsidies to the city).

ROUTES: dict[str, Route] = {
    # --- Project-wide ------------------------------------------------------------------------------
    "favicon.ico": R(PUBLIC, ok=301, path="/favicon.ico"),
    "set_language": R(PUBLIC, "FORM", ok=302),
    "api-health": R(PUBLIC),
    "api-schema": R(PUBLIC),
    "api-docs": R(PUBLIC),
    "home": R(PUBLIC),
    # The API's catch-all: unknown paths answer 404 in the API's format, to everyone.
    "api/v1/^(?:.*/)?$": R(PUBLIC, ok=404, path="/api/v1/no-such-thing/"),
    # --- Accounts ----------------------------------------------------------------------------------
    "users:login": R(PUBLIC, "FORM", ok=GUEST_OK),
    "users:logout": R(PUBLIC, "POST"),
    "users:signup": R(PUBLIC, "FORM", ok=GUEST_OK),
    "users:signup_send_code": R(PUBLIC, "POST"),
    "users:profile": R(SIGNED_IN, "FORM"),
    "users:welcome": R(SIGNED_IN),
    "users:password_change": R(SIGNED_IN, "FORM"),
    "users:password_reset": R(PUBLIC, "FORM"),
    "users:password_reset_send_code": R(PUBLIC, "POST"),
    "api-auth-token": R(PUBLIC),
    # --- Venues and the network --------------------------------------------------------------------
    "venues:palace_list": R(PUBLIC),
    "venues:palace_detail": R(PUBLIC, pk=A),
    "venues:venue_detail": R(PUBLIC, pk="venue_a"),
    "venues:network_overview": R(PROVINCE),
    "venues_api:palace-list": R(PUBLIC),
    "venues_api:palace-detail": R(PUBLIC, pk=A),
    "venues_api:venue-list": R(PUBLIC),
    "venues_api:venue-detail": R(PUBLIC, pk="venue_a"),
    "venues_api:network-summary": R(PUBLIC),
    # --- The 15-minute service circle --------------------------------------------------------------
    "venues:circle:home": R(PUBLIC),
    "venues:circle:point": R(PUBLIC, pk="service_point"),
    # One palace in reach: straight to its points; the province chooses among its palaces.
    "venues:circle:staff_home": R(NETWORK_STAFF, ok={**dict.fromkeys(ROLES, 302), "province_officer": 200}),
    "venues:circle:staff_points": R(STAFF_VIEW, palace_id=A),
    "venues:circle:point_create": R(STAFF_MANAGE, "FORM", palace_id=A),
    "venues:circle:point_edit": R(STAFF_MANAGE, "FORM", palace_id=A, pk="service_point"),
    "venues:circle:point_delete": R(STAFF_MANAGE, "POST", palace_id=A, pk="service_point"),
    "venues:circle:points_import": R(STAFF_MANAGE, "FORM", palace_id=A),
    "venues:circle:points_import_commit": R(STAFF_MANAGE, "POST", palace_id=A),
    "venues:circle:points_export": R(STAFF_VIEW, palace_id=A),
    "venues_api:service-point-list": R(PUBLIC),
    "venues_api:service-point-detail": R(PUBLIC, pk="service_point"),
    # --- Bookings: the worker's side ---------------------------------------------------------------
    "bookings_calendar:feed": R(PUBLIC, token="feed.token"),
    "bookings:venue_book": R(PUBLIC, "FORM", unsafe=SIGNED_IN, pk="venue_a"),
    "bookings:availability": R(PUBLIC, ok=302, pk="venue_a"),
    "bookings:my_bookings": R(SIGNED_IN),
    "bookings:detail": R(OWNER_ONLY, pk="booking"),
    "bookings:qr": R(OWNER_ONLY, pk="booking"),
    "bookings:cancel": R(OWNER_ONLY, "FORM", pk="booking"),
    "bookings:accept": R(OWNER_ONLY, "POST", pk="booking"),
    "bookings:calendar_reset": R(SIGNED_IN, "POST"),
    "bookings:suspension": R(SIGNED_IN, "FORM", unsafe=OWNER_ONLY),
    "bookings_api:booking-list": R(SIGNED_IN, shows=("booking", OWNER_OR_STAFF)),
    "bookings_api:booking-check-in": R(ANY_PALACE_STAFF),
    "bookings_api:booking-detail": R(OWNER_OR_STAFF, pk="booking"),
    "bookings_api:booking-accept-offer": R(OWNER_ONLY, pk="booking"),
    "bookings_api:booking-cancel": R(OWNER_OR_STAFF, pk="booking"),
    "bookings_api:booking-decide": R(STAFF_MANAGE, pk="request"),
    "bookings_api:booking-ics": R(OWNER_OR_STAFF, pk="booking"),
    "bookings_api:venue-availability": R(PUBLIC, query={"date": Literal("2026-11-24")}, id="venue_a"),
    "bookings_api:calendar-feed": R(SIGNED_IN),
    "bookings_api:calendar-feed-reset": R(SIGNED_IN),
    # --- Bookings: the palace desk -----------------------------------------------------------------
    "bookings_staff:home": R(ANY_PALACE_STAFF),
    "bookings_staff:switch": R(STAFF_MANAGE, ok=302, query={"palace": A}),
    "bookings_staff:today": R(STAFF_MANAGE, palace_id=A),
    "bookings_staff:check_in": R(STAFF_MANAGE, "FORM", palace_id=A),
    "bookings_staff:requests": R(STAFF_MANAGE, palace_id=A),
    "bookings_staff:request_decide": R(STAFF_MANAGE, "POST", palace_id=A, booking_id="request"),
    "bookings_staff:roster": R(STAFF_MANAGE, "FORM", palace_id=A),
    "bookings_staff:shift_edit": R(STAFF_MANAGE, "FORM", palace_id=A, shift_id="shift"),
    "bookings_staff:shift_delete": R(STAFF_MANAGE, "POST", palace_id=A, shift_id="shift"),
    "bookings_staff:appointments": R(STAFF_MANAGE, palace_id=A),
    "bookings_staff:matter_reads": R(MANAGER, palace_id=A),
    "bookings_staff:booking": R(STAFF_MANAGE, palace_id=A, booking_id="booking"),
    "bookings_staff:matter": R(STAFF_MANAGE, "POST", palace_id=A, booking_id="appointment"),
    "bookings_staff:venues": R(STAFF_MANAGE, palace_id=A),
    "bookings_staff:rules": R(STAFF_MANAGE, "FORM", venue_id="venue_a"),
    "bookings_staff:venue_picture": R(STAFF_MANAGE, "FORM", venue_id="venue_a"),
    "bookings_staff:palace_page": R(MANAGER, "FORM", palace_id=A),
    "bookings_staff:suspensions": R(ANY_PALACE_STAFF),
    "bookings_staff:suspension_lift": R(STAFF_MANAGE, "POST", suspension_id="suspension"),
    "bookings_staff:appeal_decide": R(STAFF_MANAGE, "POST", suspension_id="suspension"),
    # --- Activities: the ledger --------------------------------------------------------------------
    "activities:ledger": R(STAFF_VIEW, palace_id=A),
    "activities:new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "activities:export_xlsx": R(STAFF_VIEW, palace_id=A),
    "activities:export_csv": R(STAFF_VIEW, palace_id=A),
    "activities:import": R(STAFF_MANAGE, "FORM", palace_id=A),
    "activities:import_commit": R(STAFF_MANAGE, "POST", palace_id=A),
    "activities:import_template": R(STAFF_MANAGE, palace_id=A),
    "activities:edit": R(STAFF_MANAGE, "FORM", activity_id="activity"),
    "activities:delete": R(STAFF_MANAGE, "FORM", activity_id="activity"),
    "activities_api:activity-list": R(SIGNED_IN, unsafe=ANY_PALACE_STAFF, shows=("activity", STAFF_VIEW)),
    # --- Activities: classes and events --------------------------------------------------------------
    "classes:catalogue": R(PUBLIC),
    "classes:mine": R(SIGNED_IN),
    "classes:course": R(PUBLIC, pk="course"),
    "classes:enrol": R(SIGNED_IN, "POST", pk="course"),
    "classes:withdraw": R(OWNER_ONLY, "FORM", pk="enrolment"),
    "classes:accept": R(OWNER_ONLY, "POST", pk="enrolment"),
    "classes:qr": R(OWNER_ONLY, pk="enrolment"),
    "classes:ics": R(OWNER_ONLY, pk="enrolment"),
    "classes:certificate": R(OWNER_OR_STAFF, pk="enrolment"),
    "classes:events": R(PUBLIC),
    "classes:event": R(PUBLIC, pk="event"),
    "classes:register": R(SIGNED_IN, "POST", pk="event"),
    "classes:event_withdraw": R(OWNER_ONLY, "FORM", pk="registration"),
    "classes:event_accept": R(OWNER_ONLY, "POST", pk="registration"),
    "classes:event_qr": R(OWNER_ONLY, pk="registration"),
    "classes:event_ics": R(OWNER_ONLY, pk="registration"),
    "classes_staff:terms": R(STAFF_VIEW, palace_id=A),
    "classes_staff:term_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "classes_staff:term": R(STAFF_VIEW, palace_id=A, term_id="term"),
    "classes_staff:term_edit": R(STAFF_MANAGE, "FORM", palace_id=A, term_id="term"),
    "classes_staff:course_new": R(STAFF_MANAGE, "FORM", palace_id=A, term_id="term"),
    "classes_staff:course": R(STAFF_MANAGE, palace_id=A, course_id="course"),
    "classes_staff:course_edit": R(STAFF_MANAGE, "FORM", palace_id=A, course_id="course"),
    "classes_staff:course_publish": R(STAFF_MANAGE, "POST", palace_id=A, course_id="course"),
    "classes_staff:course_cancel": R(STAFF_MANAGE, "FORM", palace_id=A, course_id="course"),
    "classes_staff:draw": R(STAFF_VIEW, "FORM", unsafe=STAFF_MANAGE, palace_id=A, course_id="course"),
    "classes_staff:section_new": R(STAFF_MANAGE, "FORM", palace_id=A, course_id="course"),
    "classes_staff:roll_call": R(STAFF_MANAGE, "FORM", palace_id=A, occurrence_id="session"),
    "classes_staff:events": R(STAFF_VIEW, palace_id=A),
    "classes_staff:event_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "classes_staff:event": R(STAFF_MANAGE, palace_id=A, event_id="event"),
    "classes_staff:event_edit": R(STAFF_MANAGE, "FORM", palace_id=A, event_id="event"),
    "classes_staff:event_publish": R(STAFF_MANAGE, "POST", palace_id=A, event_id="event"),
    "classes_staff:event_cancel": R(STAFF_MANAGE, "FORM", palace_id=A, event_id="event"),
    "activities_api:course-list": R(PUBLIC),
    "activities_api:course-detail": R(PUBLIC, pk="course"),
    "activities_api:course-enroll": R(SIGNED_IN, pk="course"),
    "activities_api:event-list": R(PUBLIC),
    "activities_api:event-detail": R(PUBLIC, pk="event"),
    "activities_api:event-register": R(SIGNED_IN, pk="event"),
    "activities_api:enrolment-list": R(SIGNED_IN, shows=("enrolment", OWNER_ONLY)),
    "activities_api:enrolment-detail": R(OWNER_OR_STAFF, pk="enrolment"),
    "activities_api:enrolment-accept": R(OWNER_ONLY, pk="enrolment"),
    "activities_api:enrolment-withdraw": R(OWNER_OR_STAFF, pk="enrolment"),
    # --- Activities: series (brands and recurring programmes) ----------------------------------------
    "series:detail": R(PUBLIC, pk="series"),
    "series_staff:list": R(STAFF_VIEW, "FORM", unsafe=STAFF_MANAGE, palace_id=A),
    "series_staff:edit": R(STAFF_MANAGE, "FORM", palace_id=A, series_id="series"),
    # --- Activities: the media centre (news) ---------------------------------------------------------
    "news:list": R(PUBLIC),
    "news:palace": R(PUBLIC, palace_id=A),
    "news:article": R(PUBLIC, pk="article"),
    "news_staff:province": R(PROVINCE),
    "news_staff:province_new": R(PROVINCE, "FORM"),
    "news_staff:province_column_new": R(PROVINCE, "POST"),
    "news_staff:list": R(STAFF_VIEW, palace_id=A),
    "news_staff:new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "news_staff:edit": R(STAFF_MANAGE, "FORM", article_id="article"),
    "news_staff:publish": R(STAFF_MANAGE, "POST", article_id="article"),
    "news_staff:unpublish": R(STAFF_MANAGE, "POST", article_id="article"),
    "news_staff:column_new": R(STAFF_MANAGE, "POST", palace_id=A),
    "news_staff:channel_new": R(STAFF_MANAGE, "POST", palace_id=A),
    "news_staff:channel_delete": R(STAFF_MANAGE, "POST", palace_id=A, channel_id="channel"),
    "news_api:article-list": R(PUBLIC, unsafe=PROVINCE, shows=("article", PUBLIC)),
    "news_api:article-detail": R(PUBLIC, unsafe=STAFF_MANAGE, pk="article"),
    "news_api:article-publish": R(STAFF_MANAGE, pk="article"),
    "news_api:article-unpublish": R(STAFF_MANAGE, pk="article"),
    # --- Employment: jobs (public), my applications, the staff's postings ----------------------------
    "employment:jobs": R(PUBLIC),
    "employment:job": R(PUBLIC, pk="posting"),
    "employment:apply": R(SIGNED_IN, "POST", pk="posting"),
    "employment:mine": R(SIGNED_IN),
    "employment:withdraw": R(OWNER_ONLY, "POST", pk="job_application"),
    "employment:fair": R(PUBLIC, event_id="job_fair"),
    "employment:livestream": R(PUBLIC, pk="livestream"),
    "employment:residency": R(PUBLIC, "FORM", palace_id=A),
    "employment:residency_withdraw": R(OWNER_ONLY, "POST", pk="residency"),
    # One palace in reach: straight to it (302); the province chooses among all of them (200).
    "employment_staff:home": R(
        NETWORK_STAFF, ok={role: 200 if role == "province_officer" else 302 for role in ROLES}
    ),
    "employment_staff:postings": R(STAFF_VIEW, palace_id=A),
    "employment_staff:posting_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "employment_staff:posting": R(STAFF_VIEW, palace_id=A, posting_id="posting"),
    "employment_staff:posting_edit": R(STAFF_MANAGE, "FORM", palace_id=A, posting_id="posting"),
    "employment_staff:posting_publish": R(STAFF_MANAGE, "POST", palace_id=A, posting_id="posting"),
    "employment_staff:posting_close": R(STAFF_MANAGE, "POST", palace_id=A, posting_id="posting"),
    "employment_staff:interview": R(STAFF_MANAGE, "FORM", palace_id=A, application_id="job_application"),
    "employment_staff:decide": R(STAFF_MANAGE, "FORM", palace_id=A, application_id="job_application"),
    "employment_staff:employers": R(STAFF_VIEW, palace_id=A),
    "employment_staff:employer_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "employment_staff:employer_edit": R(STAFF_MANAGE, "FORM", palace_id=A, employer_id="employer"),
    "employment_staff:fairs": R(STAFF_VIEW, palace_id=A),
    "employment_staff:fair_postings": R(STAFF_MANAGE, "FORM", palace_id=A, event_id="job_fair"),
    "employment_staff:livestream_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "employment_staff:livestream_edit": R(STAFF_MANAGE, "FORM", palace_id=A, livestream_id="livestream"),
    "employment_staff:residency": R(STAFF_VIEW, palace_id=A),
    "employment_staff:residency_decide": R(STAFF_MANAGE, "FORM", palace_id=A, residency_id="residency"),
    "employment_staff:support_new": R(STAFF_MANAGE, "FORM", palace_id=A, residency_id="resident"),
    "employment_api:job-list": R(PUBLIC, shows=("posting", PUBLIC)),
    "employment_api:job-detail": R(PUBLIC, pk="posting"),
    "employment_api:job-apply": R(SIGNED_IN, pk="posting"),
    "employment_api:job-application-list": R(SIGNED_IN, shows=("job_application", OWNER_ONLY)),
    "employment_api:job-application-detail": R(OWNER_ONLY, pk="job_application"),
    "employment_api:job-application-withdraw": R(OWNER_ONLY, pk="job_application"),
    "employment_api:job-posting-list": R(SIGNED_IN, unsafe=ANY_PALACE_STAFF, shows=("posting", STAFF_VIEW)),
    "employment_api:job-posting-detail": R(STAFF_VIEW, unsafe=STAFF_MANAGE, pk="posting"),
    "employment_api:job-posting-publish": R(STAFF_MANAGE, pk="posting"),
    "employment_api:job-posting-close": R(STAFF_MANAGE, pk="posting"),
    "employment_api:job-posting-applications": R(STAFF_VIEW, pk="posting"),
    # --- Activities: ratings -------------------------------------------------------------------------
    "ratings:mine": R(SIGNED_IN, "FORM"),
    "ratings:edit": R(OWNER_ONLY, "FORM", rating_id="rating"),
    "ratings:staff": R(STAFF_VIEW, palace_id=A),
    "ratings:hide": R(STAFF_MANAGE, "POST", palace_id=A, rating_id="rating"),
    "ratings:unhide": R(STAFF_MANAGE, "POST", palace_id=A, rating_id="rating"),
    "ratings_api:list": R(SIGNED_IN, shows=("rating", OWNER_ONLY)),
    "ratings_api:pending": R(SIGNED_IN),
    "ratings_api:summary": R(STAFF_VIEW, query={"palace": A}),
    "ratings_api:detail": R(OWNER_ONLY, pk="rating"),
    # --- Activities: worker voice --------------------------------------------------------------------
    "voice:wishes": R(PUBLIC),
    "voice:wish_new": R(SIGNED_IN, "FORM"),
    "voice:wish": R(PUBLIC, pk="wish"),
    "voice:vote": R(SIGNED_IN, "POST", pk="wish"),
    "voice:palace_wishes": R(PUBLIC, palace_id=A),
    "voice:palace_wish_new": R(SIGNED_IN, "FORM", palace_id=A),
    "voice:surveys": R(PUBLIC),
    "voice:survey": R(PUBLIC, "FORM", unsafe=SIGNED_IN, pk="survey"),
    "voice_staff:inbox": R(STAFF_VIEW, palace_id=A),
    "voice_staff:wish": R(STAFF_VIEW, "FORM", unsafe=STAFF_MANAGE, palace_id=A, wish_id="wish"),
    "voice_staff:surveys": R(STAFF_VIEW, palace_id=A),
    "voice_staff:survey_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "voice_staff:survey": R(STAFF_MANAGE, palace_id=A, survey_id="draft"),
    "voice_staff:survey_edit": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft"),
    "voice_staff:survey_publish": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft"),
    "voice_staff:survey_close": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="survey"),
    "voice_staff:survey_delete": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft"),
    "voice_staff:question_add": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft"),
    "voice_staff:question_edit": R(
        STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", question_id="question"
    ),
    "voice_staff:question_delete": R(
        STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", question_id="question"
    ),
    "voice_staff:question_move": R(
        STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", question_id="question"
    ),
    "voice_staff:choice_add": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", question_id="question"),
    "voice_staff:choice_delete": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", choice_id="choice"),
    "voice_staff:choice_move": R(STAFF_MANAGE, "POST", palace_id=A, survey_id="draft", choice_id="choice"),
    "voice_staff:results": R(STAFF_VIEW, palace_id=A, survey_id="survey"),
    "voice_staff:export_xlsx": R(STAFF_VIEW, palace_id=A, survey_id="survey"),
    "voice_staff:export_csv": R(STAFF_VIEW, palace_id=A, survey_id="survey"),
    "voice_api:wish-list": R(PUBLIC, unsafe=SIGNED_IN),
    "voice_api:wish-detail": R(PUBLIC, pk="wish"),
    "voice_api:wish-answer": R(STAFF_MANAGE, pk="wish"),
    "voice_api:wish-vote": R(SIGNED_IN, pk="wish"),
    "voice_api:survey-list": R(PUBLIC),
    "voice_api:survey-detail": R(PUBLIC, pk="survey"),
    "voice_api:survey-responses": R(SIGNED_IN, pk="survey"),
    "voice_api:survey-results": R(STAFF_VIEW, pk="survey"),
    # --- Activities: innovation (studio alliance, mentors, the problem clinic) -----------------------
    "innovation:index": R(PUBLIC),
    "innovation:alliance": R(PUBLIC, palace_id=A),
    "innovation:mentors": R(PUBLIC),
    "innovation:mine": R(SIGNED_IN),
    "innovation:problem_new": R(SIGNED_IN, "FORM"),
    "innovation:problem": R(OWNER_OR_STAFF_VIEW, pk="problem"),
    "innovation:take": R(STAFF_MANAGE, "POST", pk="problem"),
    "innovation:session_new": R(STAFF_MANAGE, "POST", pk="problem"),
    "innovation:close": R(STAFF_MANAGE, "POST", pk="problem"),
    "innovation:queue": R(SIGNED_IN),
    "innovation_staff:home": R(STAFF_VIEW, palace_id=A),
    "innovation_staff:studio_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "innovation_staff:studio": R(STAFF_MANAGE, "FORM", palace_id=A, studio_id="studio"),
    "innovation_staff:studio_join": R(STAFF_MANAGE, "POST", palace_id=A, studio_id="studio"),
    "innovation_staff:studio_leave": R(STAFF_MANAGE, "POST", palace_id=A, studio_id="studio"),
    "innovation_staff:mentor_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "innovation_staff:mentor": R(STAFF_MANAGE, "FORM", palace_id=A, mentor_id="mentor"),
    "innovation_api:mentor-list": R(PUBLIC),
    "innovation_api:mentor-detail": R(PUBLIC, pk="mentor"),
    "innovation_api:problem-list": R(PUBLIC, unsafe=SIGNED_IN, shows=("problem", OWNER_OR_STAFF_VIEW)),
    "innovation_api:problem-detail": R(OWNER_OR_STAFF_VIEW, pk="problem"),
    "innovation_api:problem-take": R(STAFF_MANAGE, pk="problem"),
    "innovation_api:problem-sessions": R(STAFF_MANAGE, pk="problem"),
    "innovation_api:problem-solve": R(STAFF_MANAGE, pk="problem"),
    "innovation_api:problem-close": R(STAFF_MANAGE, pk="problem"),
    # --- Activities: legal help ----------------------------------------------------------------------
    "legal:help": R(PUBLIC, palace_id=A),
    "legal:case_new": R(SIGNED_IN, "FORM", palace_id=A),
    "legal:mine": R(SIGNED_IN),
    # Staff reading it are sent to their own page of the case.
    "legal:case": R(LEGAL_CASE, ok={"worker": 200, "staff_a": 302}, pk="legal_case"),
    "legal:withdraw": R(OWNER_ONLY, "POST", pk="legal_case"),
    "legal_staff:cases": R(LEGAL_STAFF, palace_id=A),
    "legal_staff:case": R(LEGAL_STAFF, "FORM", palace_id=A, case_id="legal_case"),
    "legal_staff:reads": R(LEGAL_AUDIT, palace_id=A),
    "legal_api:case-list": R(SIGNED_IN, shows=("legal_case", LEGAL_CASE)),
    "legal_api:case-detail": R(LEGAL_CASE, pk="legal_case"),
    "legal_api:case-advance": R(LEGAL_STAFF, pk="legal_case"),
    "legal_api:case-withdraw": R(OWNER_ONLY, pk="legal_case"),
    # --- Activities: teams and volunteers ---------------------------------------------------------
    "teams:mine": R(SIGNED_IN),
    "teams:palace": R(PUBLIC, palace_id=A),
    "teams:team": R(PUBLIC, pk="team"),
    "teams:join": R(SIGNED_IN, "POST", pk="team"),
    "teams:withdraw": R(SIGNED_IN, "POST", pk="team"),
    "teams_staff:teams": R(STAFF_VIEW, palace_id=A),
    "teams_staff:team_new": R(STAFF_MANAGE, "FORM", palace_id=A),
    "teams_staff:team": R(STAFF_VIEW, palace_id=A, team_id="team"),
    "teams_staff:team_edit": R(STAFF_MANAGE, "FORM", palace_id=A, team_id="team"),
    "teams_staff:hours": R(STAFF_MANAGE, "POST", palace_id=A, team_id="team"),
    "teams_staff:decide": R(STAFF_MANAGE, "POST", palace_id=A, request_id="join_request"),
    "teams_staff:member_remove": R(STAFF_MANAGE, "POST", palace_id=A, member_id="team_member"),
    "teams_api:team-list": R(PUBLIC),
    "teams_api:team-detail": R(PUBLIC, pk="team"),
    "teams_api:team-join": R(SIGNED_IN, pk="team"),
    # --- The alliance --------------------------------------------------------------------------------
    "alliance:calendar": R(PUBLIC),
    "alliance:calendar_ics": R(PUBLIC),
    "alliance:hub": R(PALACE_TEAM, palace_id=A),
    "alliance:apply": R(PALACE_TEAM, "FORM", palace_id=A, call_id="open_call"),
    "alliance:withdraw": R(PALACE_TEAM, "FORM", palace_id=A, application_id="application"),
    "alliance:campaign": R(PALACE_TEAM, "FORM", palace_id=A, campaign_id="campaign"),
    "alliance_manage:home": R(OFFICERS),
    "alliance_manage:roster": R(OFFICERS),
    "alliance_manage:roster_csv": R(OFFICERS),
    "alliance_manage:join": R(PROVINCE, "FORM"),
    "alliance_manage:leave": R(PROVINCE, "FORM", palace_id=A),
    "alliance_manage:rotations": R(OFFICERS),
    "alliance_manage:rotation_new": R(PROVINCE, "FORM"),
    "alliance_manage:rotation": R(OFFICERS, pk="rotation"),
    "alliance_manage:rotation_edit": R(PROVINCE, "FORM", pk="rotation"),
    "alliance_manage:campaigns": R(OFFICERS),
    "alliance_manage:campaign_new": R(PROVINCE, "FORM"),
    "alliance_manage:campaign": R(OFFICERS, pk="campaign"),
    "alliance_manage:campaign_edit": R(PROVINCE, "FORM", pk="campaign"),
    "alliance_manage:calls": R(OFFICERS),
    "alliance_manage:call_new": R(PROVINCE, "FORM"),
    "alliance_manage:call": R(
        OFFICERS,
        shows=("application_link", OFFICERS_OF_PALACE),
        pk="call",
    ),
    "alliance_manage:call_edit": R(PROVINCE, "FORM", pk="call"),
    "alliance_manage:call_open": R(PROVINCE, "POST", pk="open_call"),
    "alliance_manage:call_close": R(PROVINCE, "POST", pk="open_call"),
    "alliance_manage:application": R(
        OFFICERS_OF_PALACE,
        pk="application",
    ),
    "alliance_manage:application_review": R(PROVINCE, "POST", pk="application"),
    "alliance_manage:application_decide": R(PROVINCE, "POST", pk="application"),
    "alliance_manage:subsidy_grant": R(PROVINCE, "POST", pk="application"),
    "alliance_manage:subsidy_pay": R(PROVINCE, "POST", pk="application"),
    "alliance_manage:subsidies": R(
        OFFICERS,
        shows=("palace_a_name", OFFICERS_OF_PALACE),
    ),
    "alliance_api:member-list": R(PUBLIC),
    "alliance_api:rotation-list": R(PUBLIC),
    "alliance_api:rotation-detail": R(PUBLIC, pk="rotation"),
    "alliance_api:campaign-list": R(PUBLIC),
    "alliance_api:campaign-detail": R(PUBLIC, pk="campaign"),
    "alliance_api:campaign-tags": R(
        SIGNED_IN, unsafe=ANY_PALACE_TEAM, shows=("tag", STAFF_VIEW), pk="campaign"
    ),
    "alliance_api:campaign-tag-detail": R(STAFF_MANAGE, pk="campaign", tag_id="tag"),
    "alliance_api:call-list": R(SIGNED_IN, unsafe=PROVINCE, shows=("call", NETWORK_STAFF)),
    "alliance_api:call-detail": R(NETWORK_STAFF, unsafe=PROVINCE, pk="call"),
    "alliance_api:call-applications": R(ANY_PALACE_TEAM, pk="open_call"),
    "alliance_api:call-close": R(PROVINCE, pk="open_call"),
    "alliance_api:call-open": R(PROVINCE, pk="open_call"),
    "alliance_api:application-list": R(SIGNED_IN, shows=("application", STAFF_VIEW)),
    "alliance_api:application-detail": R(STAFF_VIEW, pk="application"),
    "alliance_api:application-decide": R(PROVINCE, pk="application"),
    "alliance_api:application-reviews": R(PROVINCE, pk="application"),
    "alliance_api:application-subsidy": R(PROVINCE, pk="application"),
    "alliance_api:application-withdraw": R(PALACE_TEAM, pk="application"),
    "alliance_api:subsidy-list": R(SIGNED_IN, shows=("subsidy", STAFF_VIEW)),
    "alliance_api:subsidy-payments": R(PROVINCE, pk="subsidy"),
    "alliance_api:calendar-list": R(PUBLIC),
    "alliance_api:growth": R(PUBLIC),
    "alliance_api:summary": R(OFFICERS),
    # --- Performance: ledgers ------------------------------------------------------------------------
    "ledger-list": R(SIGNED_IN, shows=("ledger", STAFF_VIEW)),
    "ledger-metrics": R(SIGNED_IN),
    # --- Performance: the monthly ledger's workflow (palace A's October 2026, open, one manual line)
    "performance:my_ledgers": R(NETWORK_STAFF, ok=302),
    "performance:review": R(
        OFFICERS, query={"month": Literal("2026-10")}, shows=("palace_a_name", OFFICERS_OF_PALACE)
    ),
    "performance:palace_ledgers": R(STAFF_VIEW, palace_id=A),
    "performance:ledger": R(STAFF_VIEW, palace_id=A, month=Literal("2026-10")),
    "performance:line_add": R(PALACE_MANAGER, "POST", palace_id=A, month=Literal("2026-10")),
    "performance:line_edit": R(
        PALACE_MANAGER, "FORM", palace_id=A, month=Literal("2026-10"), line_id="manual_line"
    ),
    "performance:line_delete": R(
        PALACE_MANAGER, "POST", palace_id=A, month=Literal("2026-10"), line_id="manual_line"
    ),
    "performance:submit": R(PALACE_MANAGER, "POST", palace_id=A, month=Literal("2026-10")),
    "performance:return": R(OFFICERS_OF_PALACE, "POST", palace_id=A, month=Literal("2026-10")),
    "performance:accept": R(OFFICERS_OF_PALACE, "POST", palace_id=A, month=Literal("2026-10")),
    "performance:reopen": R(PROVINCE, "POST", palace_id=A, month=Literal("2026-10")),
    # --- Performance: dashboards, exports, rankings ---------------------------------------------------
    # Where sign-in leads: officers to their dashboard, everyone else (workers too) to the home page.
    "performance:landing": R(SIGNED_IN, ok=302),
    "performance:dashboard_mine": R(NETWORK_STAFF, ok=302),
    "performance:dashboard_province": R(PROVINCE),
    "performance:dashboard_city": R(OFFICERS_OF_PALACE, city_id="city1"),
    "performance:dashboard_palace": R(STAFF_VIEW, palace_id=A),
    "performance:export_province_month": R(PROVINCE, month=Literal("2026-10")),
    "performance:export_palace_year": R(STAFF_VIEW, palace_id=A, year=Literal(2026)),
    # Comparing is the point: every staff role ranks every palace (only its own scope links on).
    "performance:rankings": R(NETWORK_STAFF),
    "performance:ranking_trend": R(STAFF_VIEW, palace_id=A),
    "api-rankings": R(NETWORK_STAFF, query={"metric": Literal("activities"), "month": Literal("2026-10")}),
    # --- Performance: the standardisation evaluation -------------------------------------------------
    # Each role lands on its own page: officers on the overview, palace staff on their palace's.
    "performance:evaluation:home": R(NETWORK_STAFF, ok=302),
    "performance:evaluation:overview": R(OFFICERS, shows=("palace_a_name", OFFICERS_OF_PALACE)),
    # 2023's table, where palace A's concluded evaluation stands: not for another city's officer.
    "performance:evaluation:league": R(
        OFFICERS, query={"year": Literal(2023)}, shows=("palace_a_name", OFFICERS_OF_PALACE)
    ),
    # The schemes: any staff role reads the published ones; only the province sees (and writes) drafts.
    "performance:evaluation:schemes": R(
        NETWORK_STAFF, "FORM", unsafe=PROVINCE, shows=("draft_scheme_name", PROVINCE)
    ),
    "performance:evaluation:scheme": R(PROVINCE, pk="draft_scheme"),
    "performance:evaluation:scheme_edit": R(PROVINCE, "FORM", pk="draft_scheme"),
    "performance:evaluation:scheme_publish": R(PROVINCE, "POST", pk="draft_scheme"),
    "performance:evaluation:scheme_delete": R(PROVINCE, "POST", pk="draft_scheme"),
    "performance:evaluation:category_new": R(PROVINCE, "FORM", pk="draft_scheme"),
    "performance:evaluation:category_edit": R(
        PROVINCE, "FORM", pk="draft_scheme", category_id="draft_category"
    ),
    "performance:evaluation:category_delete": R(
        PROVINCE, "POST", pk="draft_scheme", category_id="draft_category"
    ),
    "performance:evaluation:indicator_new": R(
        PROVINCE, "FORM", pk="draft_scheme", category_id="draft_category"
    ),
    "performance:evaluation:indicator_edit": R(
        PROVINCE, "FORM", pk="draft_scheme", category_id="draft_category", indicator_id="draft_indicator"
    ),
    "performance:evaluation:indicator_delete": R(
        PROVINCE, "POST", pk="draft_scheme", category_id="draft_category", indicator_id="draft_indicator"
    ),
    # Palace A's 2024 evaluation, submitted to the city: the manager wrote it, the city reviews it.
    "performance:evaluation:palace": R(STAFF_VIEW, palace_id=A),
    "performance:evaluation:start": R(PALACE_MANAGER, "POST", palace_id=A, scheme_id="scheme"),
    "performance:evaluation:evaluation": R(STAFF_VIEW, pk="evaluation"),
    "performance:evaluation:self_save": R(PALACE_MANAGER, "POST", pk="evaluation"),
    "performance:evaluation:evidence_upload": R(PALACE_MANAGER, "POST", pk="evaluation"),
    "performance:evaluation:evidence": R(STAFF_VIEW, pk="evaluation", evidence_id="evidence"),
    "performance:evaluation:evidence_delete": R(
        PALACE_MANAGER, "POST", pk="evaluation", evidence_id="evidence"
    ),
    "performance:evaluation:review": R(OFFICERS_OF_PALACE, "POST", pk="evaluation"),
    "performance:evaluation:score": R(PROVINCE, "POST", pk="evaluation"),
    "evaluation_api:scheme-list": R(SIGNED_IN, shows=("scheme", NETWORK_STAFF)),
    "evaluation_api:evaluation-list": R(SIGNED_IN, shows=("evaluation", STAFF_VIEW)),
}
