"""The legal-help world: palace A's lawyer on the legal-service duty, and helpers."""

from __future__ import annotations

import pytest

from activities.legal import services
from tests.factories import StaffAssignmentFactory, UserFactory
from venues.models import StaffAssignment


@pytest.fixture
def lawyer(world):
    """Palace A's staff member holding the legal-service duty (staff_a and manager_a do not)."""
    user = UserFactory(phone="13900000009", real_name="王律师")
    StaffAssignmentFactory(
        user=user, role=StaffAssignment.Role.PALACE_STAFF, palace=world.palace_a, legal_service=True
    )
    return user


def open_case(world, user=None, **fields):
    values = {"kind": "wages", "description": "公司拖欠工资三个月", "employer": "某物流公司"} | fields
    return services.case_create(actor=user or world.worker, palace=world.palace_a, **values)
