"""Fixtures of the activities tests."""

from __future__ import annotations

import pytest

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
