"""Worker voice pages: the workers' wishes and surveys, the palace's inbox, builder and results."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from activities.voice.models import Survey, SurveyChoice, SurveyQuestion, SurveyResponse, Wish, WishVote
from tests.factories import UserFactory
from venues.models import Palace

from .support import make_course, make_term
from .voice_support import answer_directly, choice, member, questions, survey, wish


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English messages; the pages default to Chinese.
    settings.LANGUAGE_CODE = "en"


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _staff(palace, path=""):
    return f"/staff/voice/{palace.pk}/{path}"


def _no_inline_style(html: str) -> None:
    assert "style=" not in html
    assert not re.search(r"<script\b(?![^>]*\bsrc=)", html)


# --- Wishes: lists and detail ---------------------------------------------------------------------


def test_anyone_reads_the_wishes_of_a_palace_with_names_masked(world):
    wish(world.palace_a, world.worker, title="周末亲子书法班")
    wish(world.palace_b, world.worker2, title="武宁的瑜伽课")

    response = _client().get(f"/voice/palaces/{world.palace_a.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "周末亲子书法班" in html
    assert "武宁的瑜伽课" not in html
    assert "吴*" in html
    assert "吴刚" not in html
    assert "Sign in to vote" in html
    _no_inline_style(html)


def test_the_province_wide_list_sorts_by_votes_or_newest_and_filters(world):
    old = wish(world.palace_a, world.worker, title="老愿望")
    Wish.objects.filter(pk=old.pk).update(vote_count=9, created_at=timezone.now() - timedelta(days=3))
    new = wish(world.palace_b, world.worker2, title="新愿望")
    done = wish(world.palace_b, world.worker2, title="已办", status="done")
    client = _client()

    by_votes = client.get("/voice/").context["page_obj"].object_list
    assert [w.pk for w in by_votes] == [old.pk, done.pk, new.pk]
    newest = client.get("/voice/", {"order": "new"}).context["page_obj"].object_list
    assert newest[len(newest) - 1].pk == old.pk
    of_b = (
        client.get("/voice/", {"palace": world.palace_b.pk, "status": "done"}).context["page_obj"].object_list
    )
    assert [w.pk for w in of_b] == [done.pk]
    # A bad filter is shown and ignored.
    bad = client.get("/voice/", {"status": "maybe"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["status"]
    assert len(bad.context["page_obj"].object_list) == 3


def test_my_wishes(world):
    wish(world.palace_a, world.worker, title="我的")
    wish(world.palace_a, world.worker2, title="别人的")
    page = _client(world.worker).get("/voice/", {"mine": "1"})
    assert [w.title for w in page.context["page_obj"]] == ["我的"]


def test_wishes_of_an_unlisted_palace_are_not_found(world):
    row = wish(world.palace_a, world.worker)
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.PLANNED)
    client = _client(world.worker)
    assert client.get(f"/voice/palaces/{world.palace_a.pk}/").status_code == 404
    assert client.get(f"/voice/wishes/{row.pk}/").status_code == 404
    assert client.get(f"/voice/palaces/{world.palace_a.pk}/wishes/new/").status_code == 404


def test_wish_detail_shows_the_answer(world):
    row = wish(world.palace_a, world.worker, status="declined", answer="场地正在维修，明年再议")
    html = _client().get(f"/voice/wishes/{row.pk}/").content.decode()
    assert "场地正在维修，明年再议" in html
    assert "I want this too" not in html  # answered: no more votes
    _no_inline_style(html)


def test_wish_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    voters = [UserFactory() for _ in range(3)]
    for n in range(25):
        row = wish(world.palace_a if n % 2 else world.palace_b, voters[n % 3], title=f"愿望{n}")
        WishVote.objects.create(wish=row, user=world.worker)
    client = _client(world.worker)
    client.get("/voice/")
    with django_assert_max_num_queries(8):
        response = client.get("/voice/")
    assert len(response.context["page_obj"].object_list) == 20
    assert response.content.decode().count("You voted") == 20
    with django_assert_max_num_queries(9):
        client.get(f"/voice/palaces/{world.palace_a.pk}/")


# --- Proposing and voting -------------------------------------------------------------------------


def test_proposing_needs_an_account(world):
    response = _client().get(f"/voice/palaces/{world.palace_a.pk}/wishes/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_worker_proposes_a_wish(world):
    client = _client(world.worker)
    assert client.get(f"/voice/palaces/{world.palace_a.pk}/wishes/new/").status_code == 200

    response = client.post(
        f"/voice/palaces/{world.palace_a.pk}/wishes/new/",
        {"title": "工作日晚上的瑜伽课", "description": "下班后七点", "centre": "health"},
    )

    row = Wish.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/voice/wishes/{row.pk}/"
    assert (row.palace, row.author, row.vote_count, row.centre) == (world.palace_a, world.worker, 1, "health")


def test_proposing_from_the_province_wide_page_picks_a_palace(world):
    client = _client(world.worker)
    form = client.get("/voice/wishes/new/").context["form"]
    assert "palace" in form.fields
    client.post("/voice/wishes/new/", {"palace": world.palace_b.pk, "title": "气排球培训"})
    assert Wish.objects.get().palace == world.palace_b


def test_a_bad_wish_is_shown_again_with_the_error(world):
    response = _client(world.worker).post(f"/voice/palaces/{world.palace_a.pk}/wishes/new/", {"title": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Wish.objects.exists()


def test_too_many_wishes_are_refused_on_the_page(world, settings):
    settings.VOICE_WISH_RATE = (1, 3600)
    client = _client(world.worker)
    url = f"/voice/palaces/{world.palace_a.pk}/wishes/new/"
    client.post(url, {"title": "一"})
    response = client.post(url, {"title": "二"})
    assert response.status_code == 400
    assert "the most allowed" in response.content.decode()
    assert Wish.objects.count() == 1


def test_vote_and_withdraw_without_javascript(world):
    row = wish(world.palace_a, world.worker)
    client = _client(world.worker2)
    back = f"/voice/palaces/{world.palace_a.pk}/?order=new"

    response = client.post(f"/voice/wishes/{row.pk}/vote/", {"action": "vote", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    row.refresh_from_db()
    assert row.vote_count == 2
    assert "Withdraw my vote" in client.get(f"/voice/wishes/{row.pk}/").content.decode()

    response = client.post(
        f"/voice/wishes/{row.pk}/vote/", {"action": "unvote", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/voice/wishes/{row.pk}/"
    row.refresh_from_db()
    assert row.vote_count == 1


def test_vote_with_htmx_answers_the_box_only(world):
    row = wish(world.palace_a, world.worker)
    response = _client(world.worker2).post(
        f"/voice/wishes/{row.pk}/vote/", {"action": "vote"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="vote-box')
    assert "Withdraw my vote" in html
    assert "<html" not in html


def test_a_refused_vote_is_explained(world):
    row = wish(world.palace_a, world.worker, status="done")
    client = _client(world.worker2)
    response = client.post(f"/voice/wishes/{row.pk}/vote/", {"action": "vote"}, follow=True)
    assert "votes are closed" in response.content.decode()
    htmx = client.post(f"/voice/wishes/{row.pk}/vote/", {"action": "vote"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "votes are closed" in htmx.content.decode()
    assert WishVote.objects.filter(wish=row).count() == 1


def test_voting_needs_a_post_and_an_account(world):
    row = wish(world.palace_a, world.worker)
    assert _client(world.worker2).get(f"/voice/wishes/{row.pk}/vote/").status_code == 405
    anonymous = _client().post(f"/voice/wishes/{row.pk}/vote/", {"action": "vote"})
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert WishVote.objects.count() == 1


# --- Surveys: answering ---------------------------------------------------------------------------


def test_the_surveys_list_shows_open_surveys_only(world):
    open_ = survey(world.palace_a, title="开放中")
    survey(world.palace_a, status="draft", title="草稿")
    survey(world.palace_a, status="closed", title="已结束")
    survey(world.palace_a, title="还没开始", opens_on=timezone.localdate() + timedelta(days=2))

    response = _client(member(world.worker)).get("/voice/surveys/")

    assert [s.pk for s in response.context["page_obj"]] == [open_.pk]
    _no_inline_style(response.content.decode())


@pytest.mark.parametrize(
    ("who", "state"), [(None, "sign_in"), ("worker2", "members_only"), ("worker", "open")]
)
def test_the_survey_page_says_who_may_answer(world, who, state):
    member(world.worker)
    row = survey(world.palace_a)
    response = _client(getattr(world, who) if who else None).get(f"/voice/surveys/{row.pk}/")
    assert response.status_code == 200
    assert response.context["state"] == state
    _no_inline_style(response.content.decode())


def test_a_member_answers_through_the_form(world):
    row = survey(world.palace_a)
    q1, q2, q3 = questions(row)
    client = _client(member(world.worker))

    response = client.post(
        f"/voice/surveys/{row.pk}/",
        {
            f"q{q1.pk}": choice(q1, "瑜伽").pk,
            f"q{q2.pk}": [choice(q2, "周六").pk, choice(q2, "周日").pk],
            f"q{q3.pk}": "希望有老师一对一指导",
        },
    )

    assert response.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.user == world.worker
    assert response.answers.count() == 4
    page = client.get(f"/voice/surveys/{row.pk}/")
    assert page.context["state"] == "answered"


def test_missing_answers_come_back_on_their_questions(world):
    row = survey(world.palace_a)
    q1, q2, q3 = questions(row)
    response = _client(member(world.worker)).post(
        f"/voice/surveys/{row.pk}/", {f"q{q2.pk}": [choice(q2, "周六").pk]}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {f"q{q1.pk}", f"q{q3.pk}"}
    assert "Please answer this question." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_non_member_posting_answers_is_refused(world):
    row = survey(world.palace_a)
    q1 = questions(row)[0]
    response = _client(world.worker2).post(
        f"/voice/surveys/{row.pk}/", {f"q{q1.pk}": choice(q1, "书法").pk}, follow=True
    )
    assert "trade-union members" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_draft_survey_is_not_found_by_workers(world):
    row = survey(world.palace_a, status="draft")
    assert _client(member(world.worker)).get(f"/voice/surveys/{row.pk}/").status_code == 404


# --- The palace page and the desk link to it ------------------------------------------------------


def test_the_palace_page_has_a_worker_voice_section(world):
    wish(world.palace_a, world.worker, title="最想要的课")
    survey(world.palace_a, title="秋季需求调查")
    html = _client().get(f"/palaces/{world.palace_a.pk}/").content.decode()
    assert "最想要的课" in html
    assert "秋季需求调查" in html
    assert f"/voice/palaces/{world.palace_a.pk}/wishes/new/" in html


def test_the_desk_home_links_to_worker_voice(world):
    html = _client(world.staff_a).get("/staff/").content.decode()
    assert f"/staff/voice/{world.palace_a.pk}/" in html


# --- Staff: the wish inbox and answers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("city_officer", 200),
        ("province_officer", 200),
        ("staff_b", 404),
        ("worker", 404),
    ],
)
def test_the_inbox_is_for_who_may_see_the_palace(world, who, status):
    wish(world.palace_a, world.worker)
    assert _client(getattr(world, who)).get(_staff(world.palace_a)).status_code == status


def test_the_inbox_needs_a_sign_in(world):
    response = _client().get(_staff(world.palace_a))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_inbox_shows_open_wishes_first_with_counts(world):
    wish(world.palace_a, world.worker, title="待答复")
    wish(world.palace_a, world.worker, title="已计划", status="planned")
    client = _client(world.staff_a)
    page = client.get(_staff(world.palace_a))
    assert [w.title for w in page.context["page_obj"]] == ["待答复"]
    tabs = {t["value"]: t["count"] for t in page.context["tabs"]}
    assert (tabs["open"], tabs["planned"], tabs[""]) == (1, 1, 2)
    everything = client.get(_staff(world.palace_a), {"status": ""})
    assert len(everything.context["page_obj"]) == 2
    _no_inline_style(page.content.decode())


def test_inbox_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(35):
        wish(world.palace_a, UserFactory(), title=f"愿望{n}")
    client = _client(world.staff_a)
    client.get(_staff(world.palace_a))
    with django_assert_max_num_queries(9):
        response = client.get(_staff(world.palace_a))
    assert len(response.context["page_obj"].object_list) == 30


def test_staff_answer_a_wish(world):
    row = wish(world.palace_a, world.worker)
    url = _staff(world.palace_a, f"wishes/{row.pk}/")
    client = _client(world.staff_a)
    assert client.get(url).status_code == 200

    response = client.post(url, {"status": "declined", "answer": "场地不足"})

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.answer, row.answered_by) == ("declined", "场地不足", world.staff_a)


def test_a_decline_without_reason_is_shown_again(world):
    row = wish(world.palace_a, world.worker)
    response = _client(world.staff_a).post(
        _staff(world.palace_a, f"wishes/{row.pk}/"), {"status": "declined"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["answer"]
    row.refresh_from_db()
    assert row.status == "open"


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker"])
def test_others_cannot_answer_a_wish_of_palace_a(world, who):
    row = wish(world.palace_a, world.worker)
    client = _client(getattr(world, who))
    assert (
        client.post(
            _staff(world.palace_a, f"wishes/{row.pk}/"), {"status": "planned", "answer": "x"}
        ).status_code
        == 404
    )
    # Nor through their own palace's address.
    assert (
        client.post(
            _staff(world.palace_b, f"wishes/{row.pk}/"), {"status": "planned", "answer": "x"}
        ).status_code
        == 404
    )
    row.refresh_from_db()
    assert row.status == "open"


def test_city_officers_read_a_wish_without_the_answer_form(world):
    row = wish(world.palace_a, world.worker)
    response = _client(world.city_officer).get(_staff(world.palace_a, f"wishes/{row.pk}/"))
    assert response.status_code == 200
    assert "Save the answer" not in response.content.decode()


# --- Staff: building a survey ---------------------------------------------------------------------


def test_staff_build_and_publish_a_survey_step_by_step(world):
    client = _client(world.staff_a)
    response = client.post(
        _staff(world.palace_a, "surveys/new/"), {"title": "秋季课程需求", "intro": "两分钟"}
    )
    row = Survey.objects.get()
    base = _staff(world.palace_a, f"surveys/{row.pk}/")
    assert response["Location"] == base
    assert client.get(base).status_code == 200

    client.post(
        f"{base}questions/",
        {"text": "想学什么？", "kind": "single", "required": "on", "choices": "书法\n\n瑜伽\n"},
    )
    client.post(f"{base}questions/", {"text": "建议", "kind": "text"})
    first, second = questions(row)
    assert list(first.choices.values_list("text", flat=True)) == ["书法", "瑜伽"]
    assert (first.required, second.required) == (True, False)

    client.post(f"{base}questions/{first.pk}/choices/", {f"c{first.pk}-text": "摄影"})
    client.post(f"{base}questions/{second.pk}/move/", {"direction": "up"})
    assert [q.pk for q in questions(row)] == [second.pk, first.pk]
    photo = choice(first, "摄影")
    client.post(f"{base}choices/{photo.pk}/move/", {"direction": "up"})
    client.post(f"{base}choices/{choice(first, '书法').pk}/delete/")
    assert list(first.choices.order_by("position").values_list("text", flat=True)) == ["摄影", "瑜伽"]
    client.post(
        f"{base}questions/{second.pk}/", {f"q{second.pk}-text": "其他建议", f"q{second.pk}-required": ""}
    )
    second.refresh_from_db()
    assert second.text == "其他建议"

    response = client.post(f"{base}publish/", follow=True)
    row.refresh_from_db()
    assert row.status == "published"
    assert "members can answer now" in response.content.decode()
    _no_inline_style(response.content.decode())

    client.post(f"{base}close/")
    row.refresh_from_db()
    assert row.status == "closed"


def test_publishing_an_incomplete_survey_says_what_is_missing(world):
    row = survey(world.palace_a, status="draft", questions=[("single", "只有一个", ["书法"])])
    response = _client(world.staff_a).post(_staff(world.palace_a, f"surveys/{row.pk}/publish/"))
    assert response.status_code == 409
    assert "needs at least two answers" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "draft"


def test_changing_questions_after_a_response_is_refused_clearly(world):
    row = survey(world.palace_a)
    q1 = questions(row)[0]
    answer_directly(row, member(world.worker), {q1: [choice(q1, "书法")]})
    client = _client(world.staff_a)
    base = _staff(world.palace_a, f"surveys/{row.pk}/")

    page = client.get(base).content.decode()
    assert "The questions are fixed" in page
    assert f"{base}questions/{q1.pk}/delete/" not in page  # no tools offered

    response = client.post(f"{base}questions/", {"text": "新问题", "kind": "text"})
    assert response.status_code == 409
    assert "cannot change after the first response" in response.content.decode()
    response = client.post(f"{base}questions/{q1.pk}/delete/")
    assert response.status_code == 409
    assert SurveyQuestion.objects.filter(survey=row).count() == 3


def test_a_draft_can_be_deleted(world):
    row = survey(world.palace_a, status="draft")
    response = _client(world.staff_a).post(_staff(world.palace_a, f"surveys/{row.pk}/delete/"))
    assert response.status_code == 302
    assert not Survey.objects.exists()


def _builder_urls(world, row):
    q1 = questions(row)[0]
    c1 = choice(q1, "书法")
    base = f"surveys/{row.pk}/"
    return [
        ("get", base, {}),
        ("post", f"{base}edit/", {"title": "x"}),
        ("post", f"{base}publish/", {}),
        ("post", f"{base}close/", {}),
        ("post", f"{base}delete/", {}),
        ("post", f"{base}questions/", {"text": "x", "kind": "text"}),
        ("post", f"{base}questions/{q1.pk}/", {f"q{q1.pk}-text": "x"}),
        ("post", f"{base}questions/{q1.pk}/delete/", {}),
        ("post", f"{base}questions/{q1.pk}/move/", {"direction": "down"}),
        ("post", f"{base}questions/{q1.pk}/choices/", {f"c{q1.pk}-text": "x"}),
        ("post", f"{base}choices/{c1.pk}/delete/", {}),
        ("post", f"{base}choices/{c1.pk}/move/", {"direction": "down"}),
    ]


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker"])
def test_others_cannot_build_palace_a_surveys(world, who):
    row = survey(world.palace_a, status="draft")
    client = _client(getattr(world, who))
    before = (
        list(SurveyQuestion.objects.values_list("pk", "position", "text")),
        list(SurveyChoice.objects.values_list("pk", "position", "text")),
        list(Survey.objects.values_list("pk", "status", "title")),
    )
    for method, path, data in _builder_urls(world, row):
        for palace in (world.palace_a, world.palace_b):
            response = getattr(client, method)(_staff(palace, path), data)
            assert response.status_code == 404, (path, palace)
    assert client.get(_staff(world.palace_a, "surveys/new/")).status_code == 404
    after = (
        list(SurveyQuestion.objects.values_list("pk", "position", "text")),
        list(SurveyChoice.objects.values_list("pk", "position", "text")),
        list(Survey.objects.values_list("pk", "status", "title")),
    )
    assert after == before


def test_the_survey_list_for_staff(world, django_assert_max_num_queries):
    for n in range(12):
        survey(world.palace_a, title=f"调查{n}", status=["draft", "published", "closed"][n % 3])
    client = _client(world.staff_a)
    client.get(_staff(world.palace_a, "surveys/"))
    with django_assert_max_num_queries(8):
        response = client.get(_staff(world.palace_a, "surveys/"))
    statuses = [s.status for s in response.context["page_obj"]]
    assert statuses == sorted(statuses, key=["draft", "published", "closed"].index)
    assert all(s.question_count == 3 for s in response.context["page_obj"])
    reader = _client(world.city_officer).get(_staff(world.palace_a, "surveys/")).content.decode()
    assert "New survey" not in reader


# --- Staff: results and exports -------------------------------------------------------------------


@pytest.fixture
def answered(world):
    """A survey of palace A answered by four members."""
    row = survey(world.palace_a)
    q1, q2, q3 = questions(row)
    people = [member(UserFactory(real_name=f"答题人{n}")) for n in range(4)]
    picks = [
        ("书法", ["周六"], "想学行书"),
        ("书法", ["周六", "周日"], "=1+1"),
        ("瑜伽", ["周日"], ""),
        ("书法", [], ""),
    ]
    for person, (single, multiple, text) in zip(people, picks, strict=True):
        answers = {q1: [choice(q1, single)]}
        if multiple:
            answers[q2] = [choice(q2, t) for t in multiple]
        if text:
            answers[q3] = text
        answer_directly(row, person, answers)
    return row


def test_results_show_counts_shares_a_chart_and_the_texts_without_names(world, answered):
    response = _client(world.staff_a).get(_staff(world.palace_a, f"surveys/{answered.pk}/results/"))

    assert response.status_code == 200
    results = response.context["results"]
    q1, q2, q3 = results.questions
    assert results.responses == 4
    assert [(c.choice.text, c.count, c.percent) for c in q1.choices] == [
        ("书法", 3, 75.0),
        ("瑜伽", 1, 25.0),
        ("摄影", 0, 0.0),
    ]
    assert q2.answered == 3
    assert [(c.count, c.percent) for c in q2.choices] == [(0, 0.0), (2, 66.7), (2, 66.7)]
    assert sorted(q3.texts) == ["=1+1", "想学行书"]
    html = response.content.decode()
    assert '<rect class="chart-fill" x="0" y="0" width="75.0"' in html
    assert "<table>" in html
    assert "75.0%" in html
    assert "答题人" not in html
    _no_inline_style(html)


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 200), ("city_officer", 200), ("province_officer", 200), ("staff_b", 404), ("worker", 404)],
)
def test_results_are_for_who_may_see_the_palace(world, answered, who, status):
    client = _client(getattr(world, who))
    for suffix in ("results/", "results.xlsx", "results.csv"):
        assert client.get(_staff(world.palace_a, f"surveys/{answered.pk}/{suffix}")).status_code == status
    # Never through another palace's address.
    assert client.get(_staff(world.palace_b, f"surveys/{answered.pk}/results/")).status_code == 404


def test_results_query_count_does_not_grow_with_answers(world, django_assert_max_num_queries):
    row = survey(world.palace_a)
    q1, q2, q3 = questions(row)
    for n in range(40):
        answer_directly(
            row, member(UserFactory()), {q1: [choice(q1, "书法")], q2: [choice(q2, "周六")], q3: f"建议{n}"}
        )
    client = _client(world.staff_a)
    url = _staff(world.palace_a, f"surveys/{row.pk}/results/")
    client.get(url)
    # Session, user, roles, palace, survey, open wishes; questions, choices, three counts.
    with django_assert_max_num_queries(11):
        client.get(url)


def test_xlsx_export_has_the_counts_a_chart_and_every_text(world, answered):
    response = _client(world.staff_a).get(_staff(world.palace_a, f"surveys/{answered.pk}/results.xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="survey-')
    book = load_workbook(io.BytesIO(response.content))
    summary, rows = book.worksheets
    values = list(summary.iter_rows(values_only=True))
    assert ("书法", 3, 0.75) in [tuple(r[:3]) for r in values]
    assert len(summary._charts) == 2  # one per choice question
    answers = list(rows.iter_rows(min_row=2, values_only=True))
    texts = [r[3] for r in answers if r[2] == "free text"]
    assert sorted(texts) == ["'=1+1", "想学行书"]
    # A worker's "=..." stays text: not a formula a spreadsheet would run.
    cell = next(c for row in rows.iter_rows(min_row=2) for c in row if c.value == "'=1+1")
    assert cell.data_type == "s"


def test_csv_export_has_every_row_and_defuses_formulas(world, answered):
    response = _client(world.city_officer).get(_staff(world.palace_a, f"surveys/{answered.pk}/results.csv"))

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["No.", "Question", "Kind", "Answer"]
    assert ["1", "您最想参加哪类夜校课程？", "single choice", "书法", "3", "75.0%", "4"] in rows
    assert any(row[3] == "'=1+1" for row in rows)


def test_the_answer_form_offers_the_palaces_courses_and_links_one(world):
    own = make_course(world, title="周末亲子书法班")
    other = make_course(world, make_term(world, world.palace_b), title="武宁瑜伽")
    row = wish(world.palace_a, world.worker)
    url = _staff(world.palace_a, f"wishes/{row.pk}/")
    client = _client(world.staff_a)

    form = client.get(url).context["form"]
    assert list(form.fields["course"].queryset) == [own]
    assert client.post(url, {"status": "done", "course": other.pk}).status_code == 400
    client.post(url, {"status": "done", "course": own.pk})

    row.refresh_from_db()
    assert row.course == own
    html = _client().get(f"/voice/wishes/{row.pk}/").content.decode()
    assert f"/classes/{own.pk}/" in html
