"""Helpers of the legal-help tests (the `lawyer` fixture is in this folder's conftest)."""

from __future__ import annotations

from activities.legal import services


def open_case(world, user=None, **fields):
    values = {"kind": "wages", "description": "公司拖欠工资三个月", "employer": "某物流公司"} | fields
    return services.case_create(actor=user or world.worker, palace=world.palace_a, **values)
