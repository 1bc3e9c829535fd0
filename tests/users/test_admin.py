import pytest
from django.urls import reverse

from palace_portal.users.models import User
from tests.factories import UserFactory

CHANGELIST = reverse("admin:users_user_changelist")


def change_url(user):
    return reverse("admin:users_user_change", args=[user.pk])


@pytest.mark.django_db
def test_province_officer_sees_the_user_list_masked(client, world, django_assert_max_num_queries):
    for index in range(30):
        UserFactory(phone=f"1360000{index:04d}")
    client.force_login(world.province_officer)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "139****0001" in html
    assert "13900000001" not in html
    assert "吴刚" not in html
    assert "吴*" in html


@pytest.mark.django_db
def test_province_officer_finds_a_user_by_exact_number(client, world):
    client.force_login(world.province_officer)
    response = client.get(CHANGELIST, {"q": "13900000001"})
    assert response.context["cl"].result_count == 1
    response = client.get(CHANGELIST, {"q": "139"})
    assert response.context["cl"].result_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff_a", "manager_a", "city_officer"])
def test_palace_and_city_staff_may_not_browse_users(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("admin:index")).status_code == 200  # they may enter the back office
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(world.worker)).status_code == 403
    assert "users/user" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_worker_cannot_enter_the_back_office(client, world):
    client.force_login(world.worker)
    assert client.get(CHANGELIST).status_code == 302


@pytest.mark.django_db
def test_province_officer_edits_a_user_but_not_privileges(client, world):
    client.force_login(world.province_officer)
    response = client.get(change_url(world.worker))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "real_name" in form.fields
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields


@pytest.mark.django_db
def test_province_officer_may_not_change_a_superuser(client, world):
    root = UserFactory(phone="13600000000", is_superuser=True, is_staff=True)
    client.force_login(world.province_officer)
    assert client.get(change_url(root)).status_code == 200  # view only
    response = client.post(reverse("admin:auth_user_password_change", args=[root.pk]), {})
    assert response.status_code == 403


@pytest.mark.django_db
def test_only_superusers_delete_users(client, world):
    client.force_login(world.province_officer)
    assert client.get(reverse("admin:users_user_delete", args=[world.worker.pk])).status_code == 403
    root = UserFactory(phone="13600000000", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("admin:users_user_delete", args=[world.worker.pk])).status_code == 200


@pytest.mark.django_db
def test_superuser_adds_a_user_with_a_phone_number(client, world):
    root = UserFactory(phone="13600000000", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:users_user_add"),
        {
            "phone": "13600000001",
            "real_name": "新用户",
            "usable_password": "true",
            "password1": "Lantern-riddle-2024",
            "password2": "Lantern-riddle-2024",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(phone="13600000001").check_password("Lantern-riddle-2024")
