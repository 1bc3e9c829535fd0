"""Helpers for the alliance's tests: members, an open hosting call, an application."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance import services
from tests.factories import VenueFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def join(world, *palaces, on=date(2022, 12, 20)):
    return [services.membership_join(actor=world.province_officer, palace=p, joined_on=on) for p in palaces]


def open_call(world, **values):
    """An open call: events in the spring after next, applications close a month from now."""
    today = timezone.localdate()
    values.setdefault("title", "全省职工篮球友谊赛")
    values.setdefault("event_kind", "competition")
    values.setdefault("starts_on", today + timedelta(days=60))
    values.setdefault("ends_on", today + timedelta(days=120))
    values.setdefault("deadline", datetime.combine(today + timedelta(days=30), datetime.min.time(), SHANGHAI))
    values.setdefault("budget", "100000")
    values.setdefault("eligibility", {"levels": ["city", "county"], "in_service": True, "member": True})
    values.setdefault("criteria", [{"name": "活动方案", "max": 40}, {"name": "场地条件", "max": 30}])
    call = services.call_save(actor=world.province_officer, **values)
    return services.call_open(actor=world.province_officer, call=call)


def court(palace, name="篮球馆"):
    from venues.models import Venue

    return Venue.objects.filter(palace=palace, name=name).first() or VenueFactory(
        palace=palace, name=name, kind="basketball"
    )


def apply(world, call, palace=None, actor=None, **values):
    palace = palace or world.palace_a
    actor = actor or (world.staff_a if palace == world.palace_a else world.staff_b)
    values.setdefault("plan", "三天赛程，16支队伍")
    values.setdefault("support", "志愿者30人，医疗点一处")
    values.setdefault("venue", court(palace))
    values.setdefault("capacity", 300)
    values.setdefault("requested_subsidy", "40000")
    values.setdefault("event_date", call.starts_on + timedelta(days=10))
    return services.application_submit(actor=actor, call=call, palace=palace, **values)


def after_deadline(call):
    return call.deadline + timedelta(hours=1)
