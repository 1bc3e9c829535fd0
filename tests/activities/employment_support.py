"""Helpers for the employment tests: an employer, postings, applications and residencies written
through the services. "Now" is tests.bookings.support.NOW (Monday 2026-11-23 08:00, Shanghai)."""

from __future__ import annotations

from datetime import timedelta

from activities.employment import services
from tests.bookings.support import NOW, TODAY

__all__ = ["NOW", "TODAY", "employer", "posting", "resident"]


def employer(world, palace=None, **values):
    palace = palace or world.palace_a
    actor = world.staff_a if palace == world.palace_a else world.staff_b
    values.setdefault("name", "江铃汽车股份有限公司" if palace == world.palace_a else "武宁县纺织厂")
    values.setdefault("industry", "汽车制造")
    values.setdefault("contact_name", "黄经理")
    values.setdefault("contact_phone", "0791-88886666")
    return services.employer_create(actor=actor, palace=palace, **values)


def posting(world, palace=None, *, publish=True, now=NOW, **values):
    """A full-time posting of palace A (3 openings, 4,500–6,500 yuan, valid for a month), published."""
    palace = palace or world.palace_a
    actor = world.staff_a if palace == world.palace_a else world.staff_b
    if "employer" not in values:
        from activities.employment.models import Employer

        values["employer"] = Employer.objects.filter(palace=palace).first() or employer(world, palace)
    values.setdefault("title", "汽车装配工")
    values.setdefault("kind", "full_time")
    values.setdefault("pay_min", 4500)
    values.setdefault("pay_max", 6500)
    values.setdefault("place", "南昌市青山湖区")
    values.setdefault("requirements", "身体健康，能适应倒班")
    values.setdefault("openings", 3)
    values.setdefault("valid_until", TODAY + timedelta(days=30))
    created = services.posting_create(actor=actor, palace=palace, now=now, **values)
    if publish:
        created = services.posting_publish(actor=actor, posting=created, now=now)
    return created


def resident(world, user=None, *, palace=None, starts=None, days=365):
    palace = palace or world.palace_a
    actor = world.staff_a if palace == world.palace_a else world.staff_b
    application = services.residency_apply(
        user=user or world.worker, palace=palace, project="社区团购小程序", team_size=3, now=NOW
    )
    starts = starts or TODAY
    return services.residency_decide(
        actor=actor,
        residency=application,
        accept=True,
        starts_on=starts,
        ends_on=starts + timedelta(days=days),
        now=NOW,
    )
