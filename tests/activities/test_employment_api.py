"""Employment over the API: open postings for anyone with bounded filters, applying once (201,
then 409 in the error shape), my applications and withdrawing, and the staff's postings scoped by
palace with applicants' phones masked for those not posted at the palace."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from rest_framework.test import APIClient

from activities.employment import services
from activities.employment.models import JobApplication, JobPosting

from .employment_support import NOW, TODAY, employer, posting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_anyone_lists_only_published_postings_still_valid(world):
    shown = posting(world)
    posting(world, title="草稿", publish=False)
    services.posting_close(actor=world.staff_a, posting=posting(world, title="已关闭"), now=NOW)
    expired = posting(world, title="过期", valid_until=TODAY)

    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=1)):
        response = _client().get("/api/v1/jobs/")

    assert response.status_code == 200
    assert _ids(response) == {shown.pk}
    assert expired.pk not in _ids(response)


def test_jobs_filter_by_city_palace_and_kind(world):
    a = posting(world)
    b = posting(world, world.palace_b, title="纺织工", kind="part_time", place="武宁县")

    assert _ids(_client().get(f"/api/v1/jobs/?city={world.city1.pk}")) == {a.pk}
    # Palace B is in a county of city 2: the city's filter finds it.
    assert _ids(_client().get(f"/api/v1/jobs/?city={world.city2.pk}")) == {b.pk}
    assert _ids(_client().get(f"/api/v1/jobs/?palace={world.palace_b.pk}")) == {b.pk}
    assert _ids(_client().get("/api/v1/jobs/?kind=part_time")) == {b.pk}


@pytest.mark.parametrize(
    "query", ["palace=0", "palace=-1", "palace=1.5", "city=abc", f"city={2**63}", "kind=x"]
)
def test_bad_filters_answer_400_in_the_error_shape(world, query):
    response = _client().get(f"/api/v1/jobs/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_draft_is_not_found_by_id(world):
    draft = posting(world, publish=False)
    assert _client().get(f"/api/v1/jobs/{draft.pk}/").status_code == 404
    assert _client(world.worker).post(f"/api/v1/jobs/{draft.pk}/apply/").status_code == 404


def test_the_detail_names_its_job_fairs(world):
    from .support import make_event

    job = posting(world)
    fair = make_event(world, title="招聘会", kind="job_fair", centre="service")
    services.job_fair_postings_set(actor=world.staff_a, event=fair, postings=[job])

    body = _client().get(f"/api/v1/jobs/{job.pk}/").json()

    assert body["job_fairs"] == [fair.pk]
    assert (body["pay_min"], body["pay_max"], body["requirements"]) == (4500, 6500, "身体健康，能适应倒班")


def test_applying_answers_201_then_409_already_applied(world):
    job = posting(world)
    client = _client(world.worker)

    first = client.post(f"/api/v1/jobs/{job.pk}/apply/", {"note": "有叉车证"}, format="json")
    second = client.post(f"/api/v1/jobs/{job.pk}/apply/", {}, format="json")

    assert first.status_code == 201
    assert first.json()["status"] == "applied"
    assert second.status_code == 409
    assert second.json()["code"] == "already_applied"
    assert set(second.json()) >= {"code", "detail"}
    assert JobApplication.objects.filter(user=world.worker).count() == 1


def test_applying_needs_sign_in(world):
    response = _client().post(f"/api/v1/jobs/{posting(world).pk}/apply/")
    assert response.status_code == 401


def test_a_closed_posting_refuses_with_409(world):
    job = services.posting_close(actor=world.staff_a, posting=posting(world), now=NOW)
    # Closed postings leave the list: not found by id either.
    assert _client(world.worker).post(f"/api/v1/jobs/{job.pk}/apply/").status_code == 404


def test_a_worker_lists_and_withdraws_their_own_applications_only(world):
    job = posting(world)
    mine = services.job_apply(user=world.worker, posting=job, now=NOW)
    theirs = services.job_apply(user=world.worker2, posting=job, now=NOW)
    client = _client(world.worker)

    assert _ids(client.get("/api/v1/job-applications/")) == {mine.pk}
    assert client.get(f"/api/v1/job-applications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/job-applications/{theirs.pk}/withdraw/").status_code == 404
    withdrawn = client.post(f"/api/v1/job-applications/{mine.pk}/withdraw/")
    assert withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"/api/v1/job-applications/{mine.pk}/withdraw/")
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")


def _draft_body(world, **extra):
    from activities.employment.models import Employer

    known = Employer.objects.filter(palace=world.palace_a).first()
    return {
        "palace": world.palace_a.pk,
        "employer": (known or employer(world)).pk,
        "title": "电工",
        "kind": "full_time",
        "pay_min": 5000,
        "pay_max": 8000,
        "place": "南昌市",
        "openings": 2,
        "valid_until": str(TODAY + timedelta(days=20)),
    } | extra


def test_staff_draft_publish_and_close_a_posting(world):
    client = _client(world.staff_a)
    created = client.post("/api/v1/job-postings/", _draft_body(world), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"

    assert client.post(f"/api/v1/job-postings/{pk}/publish/").json()["state"] == "published"
    assert client.post(f"/api/v1/job-postings/{pk}/close/").json()["state"] == "closed"
    again = client.post(f"/api/v1/job-postings/{pk}/close/")
    assert (again.status_code, again.json()["code"]) == (409, "not_published")


def test_staff_of_another_palace_and_officers_cannot_write(world):
    body = _draft_body(world)
    for outsider in (world.staff_b, world.city_officer, world.worker):
        response = _client(outsider).post("/api/v1/job-postings/", body, format="json")
        assert response.status_code == 404, outsider
    job = posting(world, publish=False)
    for outsider in (world.staff_b, world.city_officer):
        assert _client(outsider).post(f"/api/v1/job-postings/{job.pk}/publish/").status_code == 404
    assert JobPosting.objects.get(pk=job.pk).state == "draft"


def test_staff_post_with_a_pay_range_upside_down_is_400(world):
    body = _draft_body(world, pay_min=9000, pay_max=5000)
    response = _client(world.staff_a).post("/api/v1/job-postings/", body, format="json")
    assert response.status_code == 400
    assert "pay_max" in response.json()["fields"]


def test_an_employer_of_another_palace_is_refused_on_the_field(world):
    body = _draft_body(world, employer=employer(world, world.palace_b).pk)
    response = _client(world.staff_a).post("/api/v1/job-postings/", body, format="json")
    assert response.status_code == 400
    assert "employer" in response.json()["fields"]


def test_staff_update_a_posting(world):
    job = posting(world)
    body = _draft_body(world, title="高级电工")
    body.pop("palace")
    body["employer"] = job.employer_id
    response = _client(world.staff_a).put(f"/api/v1/job-postings/{job.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "高级电工"


def test_staff_list_is_scoped_to_the_palaces_they_read(world):
    a = posting(world, publish=False)
    b = posting(world, world.palace_b, title="纺织工")

    assert _ids(_client(world.staff_a).get("/api/v1/job-postings/")) == {a.pk}
    assert _ids(_client(world.city_officer).get("/api/v1/job-postings/")) == {a.pk}
    assert _ids(_client(world.province_officer).get("/api/v1/job-postings/")) == {a.pk, b.pk}
    assert _ids(_client(world.worker).get("/api/v1/job-postings/")) == set()


def test_applicants_phones_are_full_for_the_palace_staff_and_masked_for_officers(world):
    job = posting(world)
    services.job_apply(user=world.worker, posting=job, now=NOW)
    url = f"/api/v1/job-postings/{job.pk}/applications/"

    staff = _client(world.staff_a).get(url).json()
    officer = _client(world.city_officer).get(url).json()
    province = _client(world.province_officer).get(url).json()

    assert staff[0]["phone"] == world.worker.phone
    assert officer[0]["phone"] == world.worker.masked_phone != world.worker.phone
    assert province[0]["phone"] == world.worker.masked_phone
    assert _client(world.staff_b).get(url).status_code == 404
