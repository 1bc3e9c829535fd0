"""Celery queues (settings.CELERY_TASK_ROUTES, docs/scaling.md): notifications and aggregation each
have a queue of their own, and every queue a task can land in is consumed wherever workers run."""

import re

import pytest
import yaml
from django.conf import settings

from palace_portal.celery import app

EXPECTED = {
    "bookings.tasks.deliver_notification": "notifications",
    "bookings.tasks.deliver_notifications": "notifications",
    "bookings.tasks.sweep_notifications": "notifications",
    "bookings.tasks.send_reminders": "notifications",
    "performance.tasks.aggregate_month": "aggregation",
    "performance.tasks.aggregate_month_ended": "aggregation",
    "performance.tasks.aggregate_recent_months": "aggregation",
    "performance.tasks.rollups_rebuild": "aggregation",
    "performance.tasks.dashboards_warm": "aggregation",
    "bookings.tasks.expire_offers": "celery",
    "bookings.tasks.mark_no_shows": "celery",
    "activities.tasks.draw_due_lotteries": "celery",
    "palace_portal.users.tasks.purge_expired_codes": "celery",
    "palace_portal.users.tasks.clear_expired_sessions": "celery",
    "palace_portal.ping": "celery",
}


@pytest.fixture(autouse=True, scope="module")
def _tasks_registered():
    app.loader.import_default_modules()  # what a worker does at start: every tasks module


def queue_of(name: str) -> str:
    """The queue Celery's own router picks when the task is sent (what apply_async publishes to)."""
    return app.amqp.router.route({}, name)["queue"].name


def project_tasks() -> set[str]:
    return {name for name in app.tasks if not name.startswith("celery.")}


@pytest.mark.parametrize(("task", "queue"), sorted(EXPECTED.items()))
def test_each_task_is_sent_to_its_queue(task, queue):
    assert task in app.tasks
    assert queue_of(task) == queue


def test_every_task_of_the_project_is_in_the_table_above():
    # A new task must say where it goes (the default queue is a choice too).
    assert project_tasks() - EXPECTED.keys() == set()


def test_scheduled_tasks_go_to_their_queues():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert queue_of(entry["task"]) == EXPECTED[entry["task"]]


def test_a_task_sent_through_a_broker_is_published_to_its_queue(monkeypatch):
    published = []
    monkeypatch.setattr(
        app.amqp,
        "send_task_message",
        lambda producer, name, message, **options: published.append((name, options["queue"].name)),
    )
    from bookings.outbox import deliver_notification
    from performance.tasks import aggregate_month

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        deliver_notification.apply_async(args=[1])
        aggregate_month.apply_async(args=["2024-03"])
    finally:
        app.conf.task_always_eager = eager
    assert published == [
        ("bookings.tasks.deliver_notification", "notifications"),
        ("performance.tasks.aggregate_month", "aggregation"),
    ]


def test_the_ci_worker_and_the_compose_workers_consume_every_queue():
    queues = set(EXPECTED.values())
    assert set(settings.PORTAL_CELERY_QUEUES) == queues
    ci = (settings.BASE_DIR / ".ci" / "run").read_text(encoding="utf-8")
    start_worker = ci[ci.index("start_worker() {") :]
    ci_queues = re.search(r"--queues\s+(\S+)", start_worker).group(1).split(",")
    assert set(ci_queues) == queues
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    consumed = set()
    for service in compose["services"].values():
        if service.get("command") == ["worker"]:
            consumed |= set(service["environment"]["CELERY_QUEUES"].split(","))
    assert consumed == queues
    entrypoint = (settings.BASE_DIR / "docker" / "entrypoint.sh").read_text(encoding="utf-8")
    assert "${CELERY_QUEUES:-" + ",".join(settings.PORTAL_CELERY_QUEUES) + "}" in entrypoint
