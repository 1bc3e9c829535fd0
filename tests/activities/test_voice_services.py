"""Worker voice services: every rule, who may, and that a refusal changes nothing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from activities.voice import services
from activities.voice.models import (
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    Wish,
    WishVote,
)
from palace_portal.errors import InvalidInput, NotFound, RateLimited, RuleViolation
from tests.factories import PalaceFactory, UserFactory
from venues.models import Palace

from .support import make_course, make_term
from .voice_support import answer_directly, choice, member, questions, survey, wish

Status = Wish.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _snapshot():
    return (
        list(Wish.objects.values_list("pk", "status", "answer", "vote_count").order_by("pk")),
        WishVote.objects.count(),
        list(Survey.objects.values_list("pk", "status", "title", "response_count").order_by("pk")),
        list(SurveyQuestion.objects.values_list("pk", "position", "text").order_by("pk")),
        list(SurveyChoice.objects.values_list("pk", "position", "text").order_by("pk")),
        SurveyResponse.objects.count(),
        SurveyAnswer.objects.count(),
    )


# --- Proposing a wish -----------------------------------------------------------------------------


def test_wish_create_counts_the_authors_vote(world):
    row = services.wish_create(
        actor=world.worker, palace=world.palace_a, title="  周末亲子书法班 ", centre="culture"
    )

    row.refresh_from_db()
    assert (row.title, row.status, row.vote_count, row.author) == ("周末亲子书法班", "open", 1, world.worker)
    assert list(row.votes.values_list("user", flat=True)) == [world.worker.pk]


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": "  "}, {"title"}),
        ({"title": "x" * 101}, {"title"}),
        ({"title": "瑜伽", "description": "x" * 2001}, {"description"}),
        ({"title": "瑜伽", "centre": "sports"}, {"centre"}),
        ({"title": "", "centre": "nope"}, {"title", "centre"}),
    ],
)
def test_wish_create_refuses_bad_input_and_changes_nothing(world, fields, bad):
    before = _snapshot()
    with pytest.raises(InvalidInput) as caught:
        services.wish_create(actor=world.worker, palace=world.palace_a, **fields)
    assert set(caught.value.fields) == bad
    assert _snapshot() == before


@pytest.mark.parametrize("status", [Palace.Status.PLANNED, Palace.Status.CLOSED])
def test_wish_create_for_an_unlisted_palace_is_not_found(world, status):
    hidden = PalaceFactory(region=world.city1, level="county", status=status)
    with pytest.raises(NotFound):
        services.wish_create(actor=world.worker, palace=hidden, title="瑜伽")
    assert not Wish.objects.exists()


def test_wish_create_needs_a_signed_in_user(world):
    with pytest.raises(NotFound):
        services.wish_create(actor=AnonymousUser(), palace=world.palace_a, title="瑜伽")
    assert not Wish.objects.exists()


def test_wish_create_is_rate_limited_per_person(world, settings):
    settings.VOICE_WISH_RATE = (3, 3600)
    for n in range(3):
        services.wish_create(actor=world.worker, palace=world.palace_a, title=f"课程{n}")

    with pytest.raises(RateLimited) as caught:
        services.wish_create(actor=world.worker, palace=world.palace_b, title="再来一个")

    assert caught.value.status == 429
    assert Wish.objects.count() == 3
    # Someone else still may.
    services.wish_create(actor=world.worker2, palace=world.palace_a, title="别人的愿望")


def test_bad_input_does_not_use_up_the_allowance(world, settings):
    settings.VOICE_WISH_RATE = (1, 3600)
    for _ in range(3):
        with pytest.raises(InvalidInput):
            services.wish_create(actor=world.worker, palace=world.palace_a, title="")
    services.wish_create(actor=world.worker, palace=world.palace_a, title="瑜伽")


# --- Votes ----------------------------------------------------------------------------------------


def test_a_vote_counts_once_however_often_it_is_given(world):
    row = wish(world.palace_a, world.worker)

    services.wish_vote(actor=world.worker2, wish=row)
    again = services.wish_vote(actor=world.worker2, wish=row)

    assert again.vote_count == 2
    assert WishVote.objects.filter(wish=row).count() == 2
    row.refresh_from_db()
    assert row.vote_count == 2


def test_the_authors_second_vote_is_not_counted(world):
    row = services.wish_create(actor=world.worker, palace=world.palace_a, title="瑜伽")
    assert services.wish_vote(actor=world.worker, wish=row).vote_count == 1


def test_a_vote_can_be_withdrawn_also_by_the_author(world):
    row = wish(world.palace_a, world.worker)
    services.wish_vote(actor=world.worker2, wish=row)

    assert services.wish_unvote(actor=world.worker2, wish=row).vote_count == 1
    assert services.wish_unvote(actor=world.worker, wish=row).vote_count == 0
    # Without a vote, withdrawing does nothing.
    assert services.wish_unvote(actor=world.worker, wish=row).vote_count == 0
    assert not WishVote.objects.filter(wish=row).exists()


def test_a_planned_wish_still_takes_votes(world):
    row = wish(world.palace_a, world.worker, status=Status.PLANNED)
    assert services.wish_vote(actor=world.worker2, wish=row).vote_count == 2


@pytest.mark.parametrize("status", [Status.DONE, Status.DECLINED])
def test_an_answered_wish_takes_no_votes_and_keeps_them(world, status):
    row = wish(world.palace_a, world.worker, status=status)
    before = _snapshot()

    for call in (services.wish_vote, services.wish_unvote):
        actor = world.worker2 if call is services.wish_vote else world.worker
        with pytest.raises(RuleViolation) as caught:
            call(actor=actor, wish=row)
        assert caught.value.code == "wish_closed"
    assert _snapshot() == before


def test_voting_for_a_wish_of_an_unlisted_palace_is_not_found(world):
    row = wish(world.palace_a, world.worker)
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.CLOSED)
    with pytest.raises(NotFound):
        services.wish_vote(actor=world.worker2, wish=row)


def test_the_database_keeps_one_vote_per_person(world):
    row = wish(world.palace_a, world.worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        WishVote.objects.create(wish=row, user=world.worker)


def _race(calls, *, attempts=50):
    """Run `calls` at once from threads with a database connection each; returns the errors."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            # The in-memory SQLite test database answers "table is locked" to a concurrent
            # writer instead of making it wait: retry as a web worker's request would be.
            for _ in range(attempts):
                try:
                    call()
                    return
                except OperationalError:
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
def test_one_person_voting_many_times_at_once_counts_once(world):
    row = wish(world.palace_a, world.worker)

    errors = _race([lambda: services.wish_vote(actor=world.worker2, wish=row)] * 8)

    assert errors == []
    row.refresh_from_db()
    assert WishVote.objects.filter(wish=row, user=world.worker2).count() == 1
    assert row.vote_count == WishVote.objects.filter(wish=row).count() == 2


@pytest.mark.django_db(transaction=True)
def test_many_people_voting_and_withdrawing_at_once_keep_the_count_exact(world):
    row = wish(world.palace_a, world.worker)
    voters = [UserFactory() for _ in range(8)]
    for voter in voters[:4]:
        services.wish_vote(actor=voter, wish=row)

    calls = [lambda v=v: services.wish_vote(actor=v, wish=row) for v in voters[4:]]
    calls += [lambda v=v: services.wish_unvote(actor=v, wish=row) for v in voters[:4]]
    errors = _race(calls)

    assert errors == []
    row.refresh_from_db()
    assert row.vote_count == WishVote.objects.filter(wish=row).count() == 5


# --- The palace's answer --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "province_officer"])
def test_staff_of_the_palace_answer_a_wish(world, who):
    row = wish(world.palace_a, world.worker)
    actor = getattr(world, who)

    services.wish_answer(actor=actor, wish=row, status="planned", answer=" 九月开班，每周三晚 ")

    row.refresh_from_db()
    assert (row.status, row.answer, row.answered_by) == ("planned", "九月开班，每周三晚", actor)
    assert row.answered_at is not None


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker", "worker2"])
def test_others_cannot_answer_and_get_not_found(world, who):
    row = wish(world.palace_a, world.worker)
    before = _snapshot()
    with pytest.raises(NotFound):
        services.wish_answer(actor=getattr(world, who), wish=row, status="declined", answer="不办")
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("status", "answer", "bad"),
    [
        ("declined", "", {"answer"}),
        ("declined", "   ", {"answer"}),
        ("planned", "", {"answer"}),
        ("done", "", {"answer"}),
        ("open", "重新打开", {"status"}),
        ("maybe", "x", {"status"}),
        ("planned", "x" * 1001, {"answer"}),
    ],
)
def test_an_answer_needs_its_words_and_bad_ones_change_nothing(world, status, answer, bad):
    row = wish(world.palace_a, world.worker)
    before = _snapshot()
    with pytest.raises(InvalidInput) as caught:
        services.wish_answer(actor=world.staff_a, wish=row, status=status, answer=answer)
    assert set(caught.value.fields) == bad
    assert _snapshot() == before


def test_an_answer_may_be_given_again(world):
    row = wish(world.palace_a, world.worker)
    services.wish_answer(actor=world.staff_a, wish=row, status="planned", answer="下学期")
    services.wish_answer(actor=world.manager_a, wish=row, status="done", answer="已开班：书法2班")

    row.refresh_from_db()
    assert (row.status, row.answer, row.answered_by) == ("done", "已开班：书法2班", world.manager_a)


def test_the_worker_who_asked_hears_each_answer(world):
    from bookings.models import Notification

    row = wish(world.palace_a, world.worker)
    services.wish_answer(actor=world.staff_a, wish=row, status="planned", answer="下学期开班")
    services.wish_answer(actor=world.staff_a, wish=row, status="done", answer="已开班：书法2班")

    sms = Notification.objects.filter(user=world.worker, kind="wish_answered", channel="sms").order_by("pk")
    assert [("下学期开班" in n.body, "书法2班" in n.body) for n in sms] == [(True, False), (False, True)]
    assert not Notification.objects.exclude(user=world.worker).filter(kind="wish_answered").exists()


def test_the_database_wants_a_reason_for_a_declined_wish(world):
    row = wish(world.palace_a, world.worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wish.objects.filter(pk=row.pk).update(status="declined", answer="", answered_at=timezone.now())


# --- Building a survey ----------------------------------------------------------------------------


def test_staff_create_a_draft(world):
    row = services.survey_create(
        actor=world.staff_a, palace=world.palace_a, title=" 秋季课程需求 ", intro="请填写"
    )
    assert (row.status, row.title, row.created_by, row.palace) == (
        "draft",
        "秋季课程需求",
        world.staff_a,
        world.palace_a,
    )


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_others_cannot_create_a_survey(world, who):
    with pytest.raises(NotFound):
        services.survey_create(actor=getattr(world, who), palace=world.palace_a, title="x")
    assert not Survey.objects.exists()


def test_survey_dates_must_make_sense(world):
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as caught:
        services.survey_create(
            actor=world.staff_a,
            palace=world.palace_a,
            title="x",
            opens_on=today + timedelta(days=5),
            closes_on=today,
        )
    assert set(caught.value.fields) == {"closes_on"}
    with pytest.raises(InvalidInput) as caught:
        services.survey_create(
            actor=world.staff_a, palace=world.palace_a, title="", closes_on=today - timedelta(days=1)
        )
    assert set(caught.value.fields) == {"title", "closes_on"}
    assert not Survey.objects.exists()


def test_questions_are_added_at_the_end_with_their_choices(world):
    row = survey(world.palace_a, status="draft", questions=[])
    first = services.question_add(
        actor=world.staff_a, survey=row, text="哪个课程？", kind="single", choices=["书法", " ", "瑜伽 "]
    )
    second = services.question_add(actor=world.staff_a, survey=row, text="建议", kind="text", required=False)

    assert (first.position, second.position, second.required) == (0, 1, False)
    assert list(first.choices.values_list("text", flat=True)) == ["书法", "瑜伽"]


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"text": "", "kind": "single"}, {"text"}),
        ({"text": "x" * 301, "kind": "single"}, {"text"}),
        ({"text": "q", "kind": "ranking"}, {"kind"}),
        ({"text": "q", "kind": "text", "choices": ["a"]}, {"choices"}),
        ({"text": "q", "kind": "single", "choices": ["a", "a"]}, {"choices"}),
        ({"text": "q", "kind": "multiple", "choices": ["x" * 201]}, {"choices"}),
        ({"text": "q", "kind": "single", "choices": [str(i) for i in range(21)]}, {"choices"}),
    ],
)
def test_a_bad_question_is_refused_and_nothing_changes(world, fields, bad):
    row = survey(world.palace_a, status="draft")
    before = _snapshot()
    with pytest.raises(InvalidInput) as caught:
        services.question_add(actor=world.staff_a, survey=row, **fields)
    assert set(caught.value.fields) == bad
    assert _snapshot() == before


def test_questions_and_choices_move_and_close_up_when_removed(world):
    row = survey(world.palace_a, status="draft")
    q1, q2, q3 = questions(row)

    services.question_move(actor=world.staff_a, question=q3, direction="up")
    assert [q.pk for q in questions(row)] == [q1.pk, q3.pk, q2.pk]
    services.question_move(actor=world.staff_a, question=q1, direction="up")  # already first
    assert [q.pk for q in questions(row)] == [q1.pk, q3.pk, q2.pk]

    services.question_remove(actor=world.staff_a, question=q3)
    assert [(q.pk, q.position) for q in questions(row)] == [(q1.pk, 0), (q2.pk, 1)]

    photo = choice(q1, "摄影")
    services.choice_move(actor=world.staff_a, choice=photo, direction="up")
    assert list(q1.choices.order_by("position").values_list("text", flat=True)) == ["书法", "摄影", "瑜伽"]
    services.choice_remove(actor=world.staff_a, choice=choice(q1, "书法"))
    assert list(q1.choices.order_by("position").values_list("text", "position")) == [("摄影", 0), ("瑜伽", 1)]
    added = services.choice_add(actor=world.staff_a, question=q1, text="舞蹈")
    assert (added.text, added.position) == ("舞蹈", 2)


def test_choices_are_refused_where_they_make_no_sense(world):
    row = survey(world.palace_a, status="draft")
    q1, _q2, q3 = questions(row)
    before = _snapshot()
    for question, text in ((q3, "选项"), (q1, "书法"), (q1, "  ")):
        with pytest.raises(InvalidInput):
            services.choice_add(actor=world.staff_a, question=question, text=text)
    with pytest.raises(InvalidInput):
        services.question_move(actor=world.staff_a, question=q1, direction="sideways")
    assert _snapshot() == before


def test_a_question_may_be_reworded_before_any_answer(world):
    row = survey(world.palace_a, status="published")
    q1 = questions(row)[0]
    services.question_update(actor=world.staff_a, question=q1, text="最想学什么？", required=False)
    q1.refresh_from_db()
    assert (q1.text, q1.required) == ("最想学什么？", False)


def _builder_calls(world, row):
    q1, _q2, q3 = questions(row)
    return [
        lambda: services.question_add(actor=world.staff_a, survey=row, text="新问题", kind="text"),
        lambda: services.question_update(actor=world.staff_a, question=q1, text="改", required=True),
        lambda: services.question_remove(actor=world.staff_a, question=q3),
        lambda: services.question_move(actor=world.staff_a, question=q3, direction="up"),
        lambda: services.choice_add(actor=world.staff_a, question=q1, text="舞蹈"),
        lambda: services.choice_remove(actor=world.staff_a, choice=choice(q1, "书法")),
        lambda: services.choice_move(actor=world.staff_a, choice=choice(q1, "摄影"), direction="up"),
    ]


def test_no_question_changes_after_the_first_response(world):
    row = survey(world.palace_a)
    q1 = questions(row)[0]
    answer_directly(row, member(world.worker), {q1: [choice(q1, "书法")]})
    before = _snapshot()

    for call in _builder_calls(world, row):
        with pytest.raises(RuleViolation) as caught:
            call()
        assert caught.value.code == "survey_has_responses"
        assert "after the first response" in str(caught.value.message)
    assert _snapshot() == before
    # The title and dates still may change.
    services.survey_update(actor=world.staff_a, survey=row, title="改个标题")


def test_a_closed_survey_changes_no_more(world):
    row = survey(world.palace_a, status="closed")
    before = _snapshot()
    for call in [
        *_builder_calls(world, row),
        lambda: services.survey_update(actor=world.staff_a, survey=row, title="x"),
    ]:
        with pytest.raises(RuleViolation) as caught:
            call()
        assert caught.value.code == "survey_closed"
    assert _snapshot() == before


def test_staff_of_another_palace_cannot_build_it(world):
    row = survey(world.palace_a, status="draft")
    intruder = world.staff_b
    q1, _q2, _q3 = questions(row)
    before = _snapshot()
    calls = [
        lambda: services.survey_update(actor=intruder, survey=row, title="x"),
        lambda: services.question_add(actor=intruder, survey=row, text="x", kind="text"),
        lambda: services.question_remove(actor=intruder, question=q1),
        lambda: services.question_move(actor=intruder, question=q1, direction="down"),
        lambda: services.choice_add(actor=intruder, question=q1, text="x"),
        lambda: services.choice_remove(actor=intruder, choice=choice(q1, "书法")),
        lambda: services.survey_publish(actor=intruder, survey=row),
        lambda: services.survey_close(actor=intruder, survey=row),
        lambda: services.survey_delete(actor=intruder, survey=row),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert _snapshot() == before


# --- Publishing -----------------------------------------------------------------------------------


def test_publish_and_close(world):
    row = survey(world.palace_a, status="draft")
    services.survey_publish(actor=world.staff_a, survey=row)
    row.refresh_from_db()
    assert row.status == "published"
    assert row.published_at is not None
    assert row.is_open

    services.survey_close(actor=world.staff_a, survey=row)
    row.refresh_from_db()
    assert row.status == "closed"
    assert row.closed_at is not None
    assert not row.is_open


@pytest.mark.parametrize(
    "questions_",
    [[], [("single", "只有一个选项", ["书法"])], [("multiple", "没有选项", [])]],
)
def test_an_incomplete_survey_is_not_published(world, questions_):
    row = survey(world.palace_a, status="draft", questions=questions_)
    with pytest.raises(RuleViolation) as caught:
        services.survey_publish(actor=world.staff_a, survey=row)
    assert caught.value.code == "survey_incomplete"
    row.refresh_from_db()
    assert row.status == "draft"


def test_publish_close_and_delete_only_from_their_states(world):
    published = survey(world.palace_a)
    draft = survey(world.palace_a, status="draft")
    with pytest.raises(RuleViolation) as caught:
        services.survey_publish(actor=world.staff_a, survey=published)
    assert caught.value.code == "survey_not_draft"
    with pytest.raises(RuleViolation) as caught:
        services.survey_close(actor=world.staff_a, survey=draft)
    assert caught.value.code == "survey_not_published"
    with pytest.raises(RuleViolation) as caught:
        services.survey_delete(actor=world.staff_a, survey=published)
    assert caught.value.code == "survey_not_draft"

    services.survey_delete(actor=world.staff_a, survey=draft)
    assert not Survey.objects.filter(pk=draft.pk).exists()


# --- Answering ------------------------------------------------------------------------------------


def _answers(row, *, single="书法", multiple=("周六",), text="希望周末开课"):
    q1, q2, q3 = questions(row)
    return {
        q1.pk: choice(q1, single).pk if single else None,
        q2.pk: [choice(q2, t).pk for t in multiple],
        q3.pk: text,
    }


def test_a_member_answers_once(world):
    row = survey(world.palace_a)
    worker = member(world.worker)

    response = services.survey_respond(
        actor=worker, survey=row, answers=_answers(row, multiple=("周六", "周日"))
    )

    row.refresh_from_db()
    assert row.response_count == 1
    assert response.answers.count() == 4  # one single, two multiple, one text
    with pytest.raises(RuleViolation) as caught:
        services.survey_respond(actor=worker, survey=row, answers=_answers(row))
    assert caught.value.code == "already_responded"
    row.refresh_from_db()
    assert row.response_count == 1


def test_an_optional_question_may_be_skipped(world):
    row = survey(world.palace_a)
    SurveyQuestion.objects.filter(survey=row, kind="text").update(required=False)
    services.survey_respond(actor=member(world.worker), survey=row, answers=_answers(row, text="  "))
    assert SurveyAnswer.objects.filter(choice__isnull=True).count() == 0


def test_a_non_member_cannot_answer(world):
    row = survey(world.palace_a)
    with pytest.raises(RuleViolation) as caught:
        services.survey_respond(actor=world.worker, survey=row, answers=_answers(row))
    assert caught.value.code == "members_only"
    assert not SurveyResponse.objects.exists()


def test_only_an_open_survey_takes_answers(world):
    today = timezone.localdate()
    worker = member(world.worker)
    closed = survey(world.palace_a, status="closed")
    later = survey(world.palace_a, opens_on=today + timedelta(days=1))
    over = survey(world.palace_a, opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=1))
    for row in (closed, later, over):
        with pytest.raises(RuleViolation) as caught:
            services.survey_respond(actor=worker, survey=row, answers=_answers(row))
        assert caught.value.code == "survey_not_open"
    draft = survey(world.palace_a, status="draft")
    with pytest.raises(NotFound):
        services.survey_respond(actor=worker, survey=draft, answers=_answers(draft))
    assert not SurveyResponse.objects.exists()
    # Open on its last day.
    last_day = survey(world.palace_a, closes_on=today)
    services.survey_respond(actor=worker, survey=last_day, answers=_answers(last_day))


def test_answers_are_checked_against_the_questions_and_bad_ones_change_nothing(world):
    row = survey(world.palace_a)
    other = survey(world.palace_a, title="另一个")
    q1, q2, q3 = questions(row)
    o1 = questions(other)[0]
    worker = member(world.worker)
    good = _answers(row)
    cases = [
        ({**good, q1.pk: None}, {f"q{q1.pk}"}),  # required, missing
        ({**good, q1.pk: [choice(q1, "书法").pk, choice(q1, "瑜伽").pk]}, {f"q{q1.pk}"}),  # single: one only
        ({**good, q1.pk: choice(o1, "书法").pk}, {f"q{q1.pk}"}),  # a choice of another question
        ({**good, q2.pk: []}, {f"q{q2.pk}"}),
        ({**good, q2.pk: [choice(q2, "周六").pk] * 2}, {f"q{q2.pk}"}),
        ({**good, q2.pk: ["abc"]}, {f"q{q2.pk}"}),
        ({**good, q2.pk: [True]}, {f"q{q2.pk}"}),
        ({**good, q3.pk: ""}, {f"q{q3.pk}"}),
        ({**good, q3.pk: "x" * 2001}, {f"q{q3.pk}"}),
        ({**good, q3.pk: 12}, {f"q{q3.pk}"}),
        ({**good, o1.pk: choice(o1, "书法").pk}, {"non_field_errors"}),
        ({**good, "nonsense": 1}, {"non_field_errors"}),
        ({}, {f"q{q1.pk}", f"q{q2.pk}", f"q{q3.pk}"}),
    ]
    before = _snapshot()
    for answers, bad in cases:
        with pytest.raises(InvalidInput) as caught:
            services.survey_respond(actor=worker, survey=row, answers=answers)
        assert set(caught.value.fields) == bad, answers
    with pytest.raises(InvalidInput):
        services.survey_respond(actor=worker, survey=row, answers=[1, 2])
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_one_member_answering_many_times_at_once_is_recorded_once(world):
    row = survey(world.palace_a)
    worker = member(world.worker)
    answers = _answers(row)
    outcomes = []

    def respond():
        try:
            services.survey_respond(actor=worker, survey=row, answers=answers)
            outcomes.append("ok")
        except RuleViolation as error:
            outcomes.append(error.code)

    errors = _race([respond] * 6)

    assert errors == []
    assert sorted(outcomes) == ["already_responded"] * 5 + ["ok"]
    row.refresh_from_db()
    assert row.response_count == SurveyResponse.objects.filter(survey=row).count() == 1


# --- The course a wish became ---------------------------------------------------------------------


def test_a_done_wish_links_the_course_it_became(world):
    course = make_course(world, title="周末亲子书法班")
    row = wish(world.palace_a, world.worker)

    services.wish_answer(actor=world.staff_a, wish=row, status="done", course=course)

    row.refresh_from_db()
    assert (row.status, row.course, row.answer) == ("done", course, "")
    # Planned again: the link goes (only a done wish has one).
    services.wish_answer(actor=world.staff_a, wish=row, status="planned", answer="再开一期", course=course)
    row.refresh_from_db()
    assert row.course is None


def test_a_course_of_another_palace_cannot_be_linked(world):
    other = make_course(world, make_term(world, world.palace_b))
    row = wish(world.palace_a, world.worker)
    with pytest.raises(InvalidInput) as caught:
        services.wish_answer(actor=world.staff_a, wish=row, status="done", answer="已开班", course=other)
    assert set(caught.value.fields) == {"course"}
    row.refresh_from_db()
    assert (row.status, row.course) == ("open", None)


def test_the_database_links_a_course_only_to_a_done_wish(world):
    course = make_course(world)
    row = wish(world.palace_a, world.worker, status="planned")
    with pytest.raises(IntegrityError), transaction.atomic():
        Wish.objects.filter(pk=row.pk).update(course=course)
