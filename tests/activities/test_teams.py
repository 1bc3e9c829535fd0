"""Teams and volunteers: asking to join (one open request per person and team, also under a
race), staff's answers, volunteer hours, masked names, the pages' join button, the ledger."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from activities.teams import services
from activities.teams.models import JoinRequest, Team, TeamMember, VolunteerHours
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from performance.ledgers.models import LedgerFigure
from performance.ledgers.services import ledger_aggregate_month
from tests.factories import UserFactory

Status = JoinRequest.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def team(world):
    return services.team_save(
        actor=world.staff_a, palace=world.palace_a, name="职工舞蹈队", kind="professional"
    )


def _member(world, team, user):
    request = services.join_request_create(actor=user, team=team)
    services.join_request_decide(actor=world.staff_a, join_request=request, accept=True)
    return TeamMember.objects.get(team=team, user=user)


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Services -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_worker_asks_once_and_waits_for_the_answer(world, team):
    services.join_request_create(actor=world.worker, team=team, message="学过民族舞")
    with pytest.raises(RuleViolation) as refused:
        services.join_request_create(actor=world.worker, team=team)
    assert refused.value.code == "request_open"
    assert JoinRequest.objects.filter(team=team, user=world.worker).count() == 1


@pytest.mark.django_db
def test_the_database_keeps_one_open_request_per_person_and_team(world, team):
    JoinRequest.objects.create(team=team, palace=world.palace_a, user=world.worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(team=team, palace=world.palace_a, user=world.worker)
    # A request answered no longer counts: the person may ask again.
    JoinRequest.objects.update(status=Status.REFUSED)
    JoinRequest.objects.create(team=team, palace=world.palace_a, user=world.worker)


def _race(calls, *, attempts=50):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            for _ in range(attempts):
                try:
                    call()
                    return
                except OperationalError:  # SQLite's "table is locked": retry as a request would
                    time.sleep(0.01)
            errors.append("gave up")
        except Exception as error:  # collected, asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_one_person_tapping_join_many_times_at_once_leaves_one_open_request(world, team):
    errors = _race([lambda: services.join_request_create(actor=world.worker, team=team)] * 8)

    assert JoinRequest.objects.filter(team=team, user=world.worker, status=Status.OPEN).count() == 1
    assert len(errors) == 7
    assert all(isinstance(e, RuleViolation) and e.code == "request_open" for e in errors), errors


@pytest.mark.django_db
def test_members_and_closed_or_hidden_teams_take_no_request(world, team):
    _member(world, team, world.worker)
    with pytest.raises(RuleViolation) as refused:
        services.join_request_create(actor=world.worker, team=team)
    assert refused.value.code == "already_member"

    team.accepts_requests = False
    team.save()
    with pytest.raises(RuleViolation) as refused:
        services.join_request_create(actor=world.worker2, team=team)
    assert refused.value.code == "team_closed"

    team.is_active = False
    team.save()
    with pytest.raises(NotFound):
        services.join_request_create(actor=world.worker2, team=team)


@pytest.mark.django_db
def test_staff_accept_once_and_the_person_becomes_a_member(world, team):
    request = services.join_request_create(actor=world.worker, team=team)
    services.join_request_decide(actor=world.staff_a, join_request=request, accept=True, answer="欢迎")
    assert TeamMember.objects.filter(team=team, user=world.worker, joined_on=timezone.localdate()).exists()
    with pytest.raises(RuleViolation) as refused:
        services.join_request_decide(actor=world.staff_a, join_request=request, accept=False)
    assert refused.value.code == "already_decided"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff_b", "city_officer", "worker", "worker2"])
def test_only_the_palaces_staff_answer_a_request(world, team, role):
    request = services.join_request_create(actor=world.worker, team=team)
    with pytest.raises(NotFound):
        services.join_request_decide(actor=getattr(world, role), join_request=request, accept=True)
    assert JoinRequest.objects.get(pk=request.pk).status == Status.OPEN


@pytest.mark.django_db
def test_a_refused_person_may_ask_again_and_may_withdraw(world, team):
    request = services.join_request_create(actor=world.worker, team=team)
    services.join_request_decide(actor=world.manager_a, join_request=request, accept=False, answer="已满员")
    again = services.join_request_create(actor=world.worker, team=team)
    assert services.join_request_withdraw(actor=world.worker, team=team).pk == again.pk
    with pytest.raises(RuleViolation):
        services.join_request_withdraw(actor=world.worker, team=team)


@pytest.mark.django_db
def test_staff_record_a_members_volunteer_hours_within_the_rules(world, team):
    member = _member(world, team, world.worker)
    today = timezone.localdate()
    row = services.hours_record(
        actor=world.staff_a, team=team, member=member, on=today, hours="2.5", activity="高温慰问"
    )
    assert (row.hours, row.palace_id) == (Decimal("2.5"), world.palace_a.pk)

    for on, hours, activity, field in [
        (today + timedelta(days=1), 2, "x", "on"),
        (today - timedelta(days=400), 2, "x", "on"),
        (today, 0, "x", "hours"),
        (today, 25, "x", "hours"),
        (today, "abc", "x", "hours"),
        (today, 2, " ", "activity"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            services.hours_record(
                actor=world.staff_a, team=team, member=member, on=on, hours=hours, activity=activity
            )
        assert field in refused.value.fields
    with pytest.raises(RuleViolation):
        services.hours_record(
            actor=world.staff_a, team=team, member=member, on=today, hours=1, activity="高温慰问"
        )
    with pytest.raises(NotFound):
        services.hours_record(
            actor=world.staff_b, team=team, member=member, on=today, hours=1, activity="别的"
        )
    other = services.team_save(
        actor=world.staff_a, palace=world.palace_a, name="职工合唱团", kind="professional"
    )
    with pytest.raises(NotFound):
        services.hours_record(
            actor=world.staff_a, team=other, member=member, on=today, hours=1, activity="别的"
        )
    assert VolunteerHours.objects.count() == 1


@pytest.mark.django_db
def test_a_palace_has_one_team_of_a_name_and_only_its_staff_keep_them(world, team):
    with pytest.raises(InvalidInput):
        services.team_save(actor=world.staff_a, palace=world.palace_a, name="职工舞蹈队", kind="volunteer")
    for role in ("staff_b", "city_officer", "worker"):
        with pytest.raises(NotFound):
            services.team_save(
                actor=getattr(world, role), palace=world.palace_a, name="新队", kind="volunteer"
            )
    services.team_save(actor=world.staff_b, palace=world.palace_b, name="职工舞蹈队", kind="professional")


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_shows_teams_with_names_masked_but_to_the_palaces_staff(world, team):
    _member(world, team, world.worker)
    Team.objects.create(palace=world.palace_a, name="停办的队", kind="professional", is_active=False)
    assert [row["name"] for row in _api().get("/api/v1/teams/").json()["results"]] == ["职工舞蹈队"]

    url = f"/api/v1/teams/{team.pk}/"
    for user in (None, world.worker2, world.staff_b):
        assert [m["name"] for m in _api(user).get(url).json()["members"]] == ["吴*"]
    for user in (world.staff_a, world.city_officer, world.province_officer):
        assert [m["name"] for m in _api(user).get(url).json()["members"]] == ["吴刚"]
    assert _api().get("/api/v1/teams/?palace=0").status_code == 400
    assert _api().get("/api/v1/teams/999999/").status_code == 404


@pytest.mark.django_db
def test_the_api_join_asks_once_and_takes_the_request_back(world, team):
    url = f"/api/v1/teams/{team.pk}/join/"
    assert _api().post(url).status_code == 401
    assert _api(world.worker).post(url, {"message": "想参加"}).status_code == 201
    second = _api(world.worker).post(url)
    assert (second.status_code, second.json()["code"]) == (409, "request_open")
    assert _api(world.worker).delete(url).json()["status"] == "withdrawn"


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_page_tells_each_person_where_they_stand_before_the_tap(world, team, client):
    url = reverse("teams:team", args=[team.pk])
    assert "Sign in to join" in client.get(url).content.decode()

    client.force_login(world.worker)
    assert "Ask to join" in client.get(url).content.decode()
    client.post(reverse("teams:join", args=[team.pk]), {"message": "学过舞蹈"})
    assert "Request sent" in client.get(url).content.decode()

    services.join_request_decide(actor=world.staff_a, join_request=JoinRequest.objects.get(), accept=True)
    page = client.get(url).content.decode()
    assert "You are a member of this team." in page
    assert "吴*" in page
    assert "吴刚" not in page


@pytest.mark.django_db
def test_staff_answer_requests_and_record_hours_on_their_page(world, team, client):
    request = services.join_request_create(actor=world.worker, team=team)
    client.force_login(world.staff_a)
    page = client.get(reverse("teams_staff:team", args=[world.palace_a.pk, team.pk])).content.decode()
    assert "吴刚" in page

    client.post(reverse("teams_staff:decide", args=[world.palace_a.pk, request.pk]), {"decision": "accept"})
    member = TeamMember.objects.get(team=team, user=world.worker)
    client.post(
        reverse("teams_staff:hours", args=[world.palace_a.pk, team.pk]),
        {
            "member": member.pk,
            "on": timezone.localdate().isoformat(),
            "hours": "3",
            "activity": "送文化进企业",
        },
    )
    assert VolunteerHours.objects.get().hours == 3

    client.force_login(world.city_officer)  # reads, does not act
    assert client.get(reverse("teams_staff:team", args=[world.palace_a.pk, team.pk])).status_code == 200
    response = client.post(reverse("teams_staff:member_remove", args=[world.palace_a.pk, member.pk]))
    assert response.status_code == 404
    assert TeamMember.objects.filter(pk=member.pk).exists()


# --- The ledger -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ledger_counts_volunteer_hours_new_members_and_requests(world, team):
    month = date(2026, 10, 1)
    for user, day in ((world.worker, date(2026, 10, 3)), (world.worker2, date(2026, 9, 30))):
        TeamMember.objects.create(team=team, palace=world.palace_a, user=user, joined_on=day)
    for n, hours in enumerate(("2.5", "3", "1")):
        VolunteerHours.objects.create(
            team=team,
            palace=world.palace_a,
            user=world.worker,
            date=date(2026, 10, 1 + n * 14),
            hours=Decimal(hours),
            activity="宣讲",
        )
    extra = UserFactory()
    JoinRequest.objects.create(
        team=team,
        palace=world.palace_a,
        user=extra,
        created_at=timezone.make_aware(timezone.datetime(2026, 10, 31, 23, 30)),
    )

    ledger_aggregate_month(month=month, palace_ids=[world.palace_a.pk])
    figures = {f.metric: f.value for f in LedgerFigure.objects.filter(palace=world.palace_a, month=month)}

    assert figures["team_volunteer_hours"] == Decimal("6.5")  # 1, 15 and 29 October
    assert figures["team_members_joined"] == 1  # the other joined on 30 September
    assert figures["team_join_requests"] == 1  # 23:30 local on 31 October is still October


@pytest.mark.django_db
def test_team_lists_take_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    for n in range(12):
        team = services.team_save(actor=world.staff_a, palace=world.palace_a, name=f"队{n}", kind="volunteer")
        for user in (UserFactory(), UserFactory()):
            TeamMember.objects.create(team=team, palace=world.palace_a, user=user, joined_on=date(2026, 1, 1))
            JoinRequest.objects.create(team=team, palace=world.palace_a, user=UserFactory())
    with django_assert_max_num_queries(4):
        assert len(_api().get("/api/v1/teams/").json()["results"]) == 12
    with django_assert_max_num_queries(8):
        client.get(reverse("teams:palace", args=[world.palace_a.pk]))
    client.force_login(world.staff_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("teams_staff:teams", args=[world.palace_a.pk]))
