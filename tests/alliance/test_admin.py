"""The alliance's back-office pages: provincial staff read them; nobody edits rows there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = ["membership", "rotationterm", "campaign", "hostingcall", "hostingapplication", "subsidy"]


@pytest.mark.parametrize("model", MODELS)
def test_province_officer_reads_but_does_not_add(client, world, model):
    client.force_login(world.province_officer)
    assert client.get(reverse(f"admin:alliance_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:alliance_{model}_add")).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_palace_staff_do_not_see_the_alliance_back_office(client, world, model):
    client.force_login(world.staff_a)
    assert client.get(reverse(f"admin:alliance_{model}_changelist")).status_code == 403
