"""The course catalogue's cached cards (activities/classes/catalogue.py): the page served from the
cache is the page computed afresh; every write the cards show moves the key; places and the
visitor's own sign-up are read live and never cached; a sign-up window opening or closing shows
without a write; a warm request makes one query of its own.

"Now" is frozen at Monday 2026-11-23 08:00 Asia/Shanghai (tests/activities/support.py); the default
term's sign-up is open until Saturday 28 November 20:00.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import translation

from activities.classes import catalogue, selectors
from activities.classes.models import Course, Term
from activities.classes.services import course_cancel, course_publish, course_update, term_update
from activities.offerings.selectors import count_per_offering
from bookings.models import Booking, Offering
from tests.factories import UserFactory
from venues.home_cache import home_page_version

from .support import NOW, classroom, make_course, make_term, workers

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
URL = reverse("classes:catalogue")


@pytest.fixture
def clock():
    """The portal's clock, frozen at NOW; `clock.now = …` moves it."""
    with mock.patch("django.utils.timezone.now", return_value=NOW) as frozen:
        frozen.now = NOW
        frozen.side_effect = lambda: frozen.now
        yield frozen


@pytest.fixture(autouse=True)
def _frozen(clock):
    return clock


def _page(client, query=None, language="en") -> str:
    response = client.get(URL, query or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    # The CSRF tokens of the page frame's forms differ per response; nothing else may.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _titles(client, query=None) -> list[str]:
    response = client.get(URL, query or {}, HTTP_ACCEPT_LANGUAGE="en")
    return [card["title"] for card in response.context["cards"]]


def _cached(query=None, language="en") -> dict | None:
    """The catalogue's block as kept in the cache for these filters and language, if any."""
    name = catalogue._key(query or {})
    entry = cache.get(f"home-page:{name}:{home_page_version()}:{language}")
    return entry[1] if entry else None


def _mixed_catalogue(world, client):
    """Courses in every state a card shows, and a worker signed up for some of them."""
    term = make_term(world, max_courses=5)
    later = make_term(world, name="2027年春季职工夜校", enrolment_opens=NOW + timedelta(days=3))
    first_come = make_course(world, term, title="书法入门")
    lottery = make_course(world, term, title="瑜伽", selection="lottery", capacity=5)
    full = make_course(world, term, title="摄影", capacity=1, fee="30.00", members_only=True)
    make_course(world, later, title="合唱", teacher="", partner="省音乐家协会")
    make_course(world, world_b_term(world), title="周末篮球", venue=classroom(world.palace_b, name="篮球馆"))
    member = UserFactory(membership_number="36010012345")
    client.force_login(member, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[full.pk]))
    for person in workers(2):
        client.force_login(person, backend=BACKEND)
        client.post(reverse("classes:enrol", args=[lottery.pk]))
    waiting = UserFactory(membership_number="36010054321")
    client.force_login(waiting, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[full.pk]))
    client.force_login(world.worker, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[first_come.pk]))
    client.post(reverse("classes:enrol", args=[lottery.pk]))
    client.logout()
    return first_come, lottery, full


def world_b_term(world):
    return make_term(world, world.palace_b)


# --- The cached page is the page -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_cached_page_equals_the_page_computed_afresh(world, client, language, signed_in):
    _mixed_catalogue(world, client)
    if signed_in:
        client.force_login(world.worker, backend=BACKEND)
    for query in ({}, {"city": "360100"}, {"centre": "education", "open": "on"}):
        cache.clear()
        fresh = _page(client, query, language)
        assert _cached(query, language) is not None
        assert _page(client, query, language) == fresh  # from the cache
        assert _page(client, query, language) == fresh


def test_the_page_shows_what_the_cards_always_showed(world, client):
    _mixed_catalogue(world, client)
    client.force_login(world.worker, backend=BACKEND)
    for _ in range(2):  # computed, then from the cache
        page = _page(client)
        assert "5 courses" in page
        assert "Lottery: 3 applied for 5 places" in page
        assert "Full" in page
        assert "1 waiting" in page
        assert "19 places left" in page
        assert "¥30" in page
        assert "Union members only" in page
        assert "省音乐家协会" in page
        assert "Sign-up opens" in page
        assert page.count('<span class="badge badge-ok">Enrolled</span>') == 1
        assert page.count('<span class="badge badge-ok">Applied</span>') == 1
        assert "<!--card:" not in page
        assert "<!--/card-->" not in page


def test_a_chinese_page_is_cached_apart_from_the_english_one(world, client):
    make_course(world, title="书法入门")
    assert "1 course" in _page(client, language="en")
    chinese = _page(client, language="zh-hans")
    assert "1 门课程" in chinese or "1门课程" in chinese
    for english in ("places left", "Sign-up until", "Free", "1 course", "Teacher"):
        assert english not in chinese.split("<main", 1)[1]
    assert "1 course" in _page(client, language="en")


def test_only_first_pages_of_valid_filters_are_kept(world, client):
    term = make_term(world)
    venue = classroom(world.palace_a)
    for i in range(23):
        make_course(world, term, title=f"课程{i:02d}", venue=venue)
    assert len(_titles(client)) == 20
    assert len(_titles(client, {"page": 2})) == 3
    assert _cached() is not None
    assert _titles(client, {"weekday": "9"}) == []
    assert _cached({"weekday": "9"}) is None


# --- Nothing personal, nothing stale about places ----------------------------------------------------


def test_nothing_personal_is_kept_in_the_cache(world, client):
    course = make_course(world, title="书法入门")
    client.force_login(world.worker, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[course.pk]))
    mine = _page(client)
    assert '<span class="badge badge-ok">Enrolled</span>' in mine
    block = _cached()
    kept = repr(block)
    assert "Enrolled" not in kept
    assert world.worker.phone not in kept
    assert str(world.worker.real_name) not in kept
    # Another visitor, from the same cached block, sees no badge.
    client.logout()
    assert "Enrolled" not in _page(client)
    client.force_login(world.worker2, backend=BACKEND)
    assert "Enrolled" not in _page(client)


def test_places_are_exact_on_every_request_while_the_cards_come_from_the_cache(
    world, client, django_assert_num_queries
):
    course = make_course(world, title="书法入门", capacity=2)
    assert "2 places left" in _page(client)
    version = home_page_version()
    first, second = workers(2)
    client.force_login(first, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[course.pk]))
    client.logout()
    assert home_page_version() == version  # a sign-up moves no key: it is read live
    with django_assert_num_queries(1):
        assert "1 place left" in _page(client)
    client.force_login(second, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[course.pk]))
    client.logout()
    page = _page(client)
    assert "Full" in page
    assert "place left" not in page
    Booking.objects.filter(user=first).update(status=Booking.Status.CANCELLED)
    Offering.objects.filter(pk=course.offering_id).update(taken=1)  # as withdrawing does
    assert "1 place left" in _page(client)


def test_the_live_statement_reads_what_the_orm_would(world, client):
    _mixed_catalogue(world, client)
    ids = list(Offering.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 5
    active, S = (*Booking.OPEN, Booking.Status.CHECKED_IN), Booking.Status
    for user in (AnonymousUser(), world.worker, world.worker2):
        live = selectors.catalogue_live(ids, user=user)
        expected = Offering.objects.filter(pk__in=ids).annotate(
            applied=count_per_offering(Booking.objects.filter(status=S.PENDING), outer="pk"),
            waitlisted=count_per_offering(Booking.objects.filter(status=S.WAITLISTED), outer="pk"),
            mine=Subquery(
                Booking.objects.filter(user_id=user.pk, offering_id=OuterRef("pk"), status__in=active)
                .order_by("-pk")
                .values("status")[:1]
            ),
        )
        for row in expected:
            got = live[row.pk]
            assert got.__dict__.keys() >= {f.attname for f in Offering._meta.concrete_fields}
            assert (got.taken, got.capacity, got.closes_at, got.drawn_at) == (
                row.taken,
                row.capacity,
                row.closes_at,
                row.drawn_at,
            )
            assert (got.applied, got.waitlisted) == (row.applied, row.waitlisted)
            assert getattr(got, "mine", None) == (row.mine if user.is_authenticated else None)
    mine = selectors.catalogue_live(ids, user=world.worker)
    assert sorted(filter(None, (row.mine for row in mine.values()))) == ["confirmed", "pending"]
    assert selectors.catalogue_live([], user=world.worker) == {}


# --- The query count of a warm request --------------------------------------------------------------


def test_a_warm_request_makes_one_query_of_its_own(world, client, django_assert_num_queries):
    term = make_term(world, max_courses=20)
    venue = classroom(world.palace_a)
    courses = [make_course(world, term, title=f"课程{i:02d}", venue=venue) for i in range(25)]
    for person in workers(3):
        client.force_login(person, backend=BACKEND)
        for course in courses[:3]:
            client.post(reverse("classes:enrol", args=[course.pk]))
    client.logout()
    _page(client)
    with django_assert_num_queries(1):  # the live places
        _page(client)
    client.force_login(world.worker, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[courses[4].pk]))
    _page(client)
    # The session, the user, their staff posts (every signed-in page), and the live places with
    # their own sign-ups.
    with django_assert_num_queries(4):
        page = _page(client)
    assert page.count("Enrolled") == 1


# --- Writes move the key ----------------------------------------------------------------------------


def test_a_course_changed_shows_on_the_next_request(world, client):
    course = make_course(world, title="书法入门")
    assert "书法入门" in _page(client)
    course_update(actor=world.staff_a, course=course, now=NOW, **_course_values(course, title="书法进阶"))
    page = _page(client)
    assert "书法进阶" in page
    assert "书法入门" not in page


def test_a_course_or_term_edited_alone_shows_on_the_next_request(world, client):
    # The admin saves the one row, with no service around it.
    course = make_course(world, title="书法入门")
    assert "书法入门" in _page(client)
    course.title = "书法进阶"
    course.save()
    assert "书法进阶" in _page(client)
    term = course.term
    term.name = "冬季班"
    term.save()
    assert "冬季班" in _page(client)


def test_a_course_rescheduled_shows_its_sessions_on_the_next_request(world, client):
    course = make_course(world, title="书法入门")
    assert "8 sessions" in _page(client)
    course_update(actor=world.staff_a, course=course, now=NOW, **_course_values(course, weekdays=[1, 3]))
    page = _page(client)
    assert "16 sessions" in page
    assert "Tuesday, Thursday 19:00–21:00" in page


def test_a_course_cancelled_or_published_shows_on_the_next_request(world, client):
    draft = make_course(world, title="书法入门", publish=False)
    other = make_course(world, draft.term, title="摄影")
    assert _titles(client) == ["摄影"]
    course_publish(actor=world.staff_a, course=draft)
    assert _titles(client) == ["书法入门", "摄影"]
    course_cancel(actor=world.staff_a, course=other, reason="老师生病")
    assert _titles(client) == ["书法入门"]


def test_an_offering_changed_shows_on_the_next_request(world, client):
    # The admin and the services write fees and windows on the offering row itself.
    course = make_course(world, title="书法入门")
    assert "Free" in _page(client)
    offering = Offering.objects.get(pk=course.offering_id)
    offering.fee = "30.00"
    offering.save()
    assert "¥30" in _page(client)


def test_a_term_renamed_shows_on_the_next_request(world, client):
    course = make_course(world, title="书法入门")
    assert course.term.name in _page(client)
    term_update(actor=world.staff_a, term=course.term, **_term_values(course.term, name="冬季班"))
    assert "冬季班" in _page(client)


def test_a_palace_or_venue_renamed_shows_on_the_next_request(world, client):
    course = make_course(world, title="书法入门")
    assert world.palace_a.name in _page(client)
    world.palace_a.name = "南昌市职工文化宫（新馆）"
    world.palace_a.save()
    assert "南昌市职工文化宫（新馆）" in _page(client)
    venue = course.venue
    venue.name = "第二课堂"
    venue.save()
    assert "第二课堂" in _page(client)


def test_a_city_renamed_shows_in_the_cached_filters(world, client):
    make_course(world, title="书法入门")
    assert world.city1.name in _page(client)
    world.city1.name = "洪城市"
    world.city1.save()
    assert "洪城市" in _page(client)


def _course_values(course, **changed) -> dict:
    names = ("title", "centre", "venue", "teacher", "weekdays", "starts_at", "ends_at")
    values = {name: getattr(course, name) for name in names}
    values.update(selection=course.offering.selection, capacity=course.offering.capacity)
    return {**values, **changed}


def _term_values(term: Term, **changed) -> dict:
    values = {
        name: getattr(term, name)
        for name in ("name", "starts_on", "ends_on", "enrolment_opens", "enrolment_closes", "max_courses")
    }
    return {**values, **changed}


@pytest.fixture
def reader_during(client):
    """Render the catalogue from inside a write, after the save of a `model` row and before the
    rest of the write (a reader that caches what it saw half-way); the writer's explicit
    `home_page_changed()` must make the next request read afresh."""
    connected = []

    def during(model):
        def read(sender, **kwargs):
            _titles(client)

        post_save.connect(read, sender=model, weak=False, dispatch_uid="catalogue-reader")
        connected.append(model)

    yield during
    for model in connected:
        post_save.disconnect(sender=model, dispatch_uid="catalogue-reader")


def test_a_term_s_window_moved_by_update_shows_although_a_reader_cached_it_half_way(
    world, client, reader_during
):
    course = make_course(world, title="书法入门")
    make_course(world, make_term(world, name="2027年春季职工夜校"), title="摄影")
    assert _titles(client) == ["书法入门", "摄影"]
    reader_during(Term)
    term_update(
        actor=world.staff_a,
        term=course.term,
        **_term_values(
            course.term, enrolment_opens=NOW - timedelta(days=9), enrolment_closes=NOW - timedelta(hours=1)
        ),
    )
    assert _titles(client) == ["摄影"]


def test_a_course_published_shows_in_its_place_although_a_reader_cached_it_half_way(
    world, client, reader_during
):
    # Publishing saves the course, then marks its offering published by update(): half-way the
    # course sorted among those not open yet.
    term = make_term(world)
    draft = make_course(world, term, title="A 书法", publish=False)
    make_course(world, term, title="B 摄影")
    spring = make_term(world, name="2027年春季职工夜校", enrolment_opens=NOW + timedelta(days=2))
    make_course(world, spring, title="C 合唱")
    reader_during(Course)
    course_publish(actor=world.staff_a, course=draft)
    assert _titles(client) == ["A 书法", "B 摄影", "C 合唱"]


# --- Time alone -------------------------------------------------------------------------------------


def test_a_window_opening_moves_the_course_up_without_a_write(world, client, clock):
    term = make_term(world)
    soon = make_term(world, name="2026年冬季二期", enrolment_opens=NOW + timedelta(minutes=2))
    make_course(world, term, title="B 摄影")
    make_course(world, soon, title="A 书法")
    assert _titles(client) == ["B 摄影", "A 书法"]
    version = home_page_version()
    clock.now = NOW + timedelta(minutes=3)
    assert _titles(client) == ["A 书法", "B 摄影"]
    assert home_page_version() == version


def test_a_window_closing_drops_the_course_without_a_write(world, client, clock):
    closing = make_term(world, name="2026年冬季短期", enrolment_closes=NOW + timedelta(minutes=2))
    make_course(world, title="B 摄影")
    make_course(world, closing, title="A 书法")
    assert _titles(client) == ["A 书法", "B 摄影"]
    assert "2 courses" in _page(client)
    clock.now = NOW + timedelta(minutes=3)
    assert _titles(client) == ["B 摄影"]
    assert "1 course" in _page(client)
    assert "A 书法" in _page(client, {"closed": "on"})


def test_nothing_is_kept_past_the_ttl(world, client, clock):
    make_course(world, title="书法入门")
    _page(client)
    Offering.objects.update(fee="30.00")  # a bulk write: no signal
    assert "¥30" not in _page(client)
    clock.now = NOW + timedelta(minutes=5, seconds=1)
    assert "¥30" in _page(client)


def test_without_a_cache_the_page_comes_from_the_database(world, client):
    course = make_course(world, title="书法入门")
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "add", return_value=False),
        mock.patch.object(cache, "set"),
    ):
        assert "书法入门" in _page(client)
        make_course(world, course.term, title="摄影")
        assert "摄影" in _page(client)


def test_translation_of_the_badge_follows_the_visitor(world, client):
    course = make_course(world, title="书法入门")
    client.force_login(world.worker, backend=BACKEND)
    client.post(reverse("classes:enrol", args=[course.pk]))
    with translation.override("zh-hans"):
        chinese = translation.gettext("Enrolled")
    assert chinese != "Enrolled"
    assert f'<span class="badge badge-ok">{chinese}</span>' in _page(client, language="zh-hans")
    assert '<span class="badge badge-ok">Enrolled</span>' in _page(client, language="en")
