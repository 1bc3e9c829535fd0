"""Helpers for the innovation tests: a mentor, a studio, a problem of palace A."""

from __future__ import annotations

from activities.innovation import services
from activities.innovation.models import InnovationField, Mentor, Problem, Studio


def studio(w, **overrides) -> Studio:
    values = {
        "name": "张建国劳模创新工作室",
        "kind": "model_worker",
        "leader_title": "全国劳动模范",
        "leader_name": "张建国",
        "enterprise": "淮北矿业集团",
        "field": InnovationField.MINING,
        "founded_year": 2015,
    }
    values.update(overrides)
    return services.studio_save(actor=w.staff_a, palace=w.palace_a, **values)


def mentor(w, *, user=None, palace=None, **overrides) -> Mentor:
    values = {
        "name": "李工",
        "title": "高级技师",
        "field": InnovationField.MACHINERY,
        "availability": "每周二下午",
    }
    values.update(overrides)
    palace = palace or w.palace_a
    actor = w.staff_a if palace == w.palace_a else w.staff_b
    return services.mentor_save(
        actor=actor, palace=palace, account_phone=user.phone if user else "", **values
    )


def problem(w, *, poster=None, palace=None, **overrides) -> Problem:
    values = {
        "title": "数控车床主轴异响",
        "field": InnovationField.MACHINERY,
        "description": "加工时主轴高速运转出现周期性异响，已更换轴承仍未解决。",
    }
    values.update(overrides)
    return services.problem_create(actor=poster or w.worker, palace=palace or w.palace_a, **values)
