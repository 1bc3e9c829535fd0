"""The demo accounts: one per role, sharing one documented password.

The README lists these; tests read the same constant, so the two cannot drift apart. The numbers
are reserved demo numbers, not anyone's personal data.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palace_portal.users.models import User
from venues.models import Palace, Region, StaffAssignment

from .builder import DemoContext, Step
from .jiangxi import PROVINCE_CODE

DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, printed by seed_demo
DEMO_PALACE_NAME = "南昌市工人文化宫"
DEMO_CITY_CODE = "360100"

Role = StaffAssignment.Role


@dataclass(frozen=True)
class DemoAccount:
    key: str
    phone: str
    real_name: str
    label: str | Promise  # what the account is for, shown in the command's table
    role: str = ""  # the staff assignment's role; empty for workers and the admin
    palace_name: str = ""
    region_code: str = ""
    membership_number: str = ""
    workplace: str = ""
    superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "worker",
        "13800000001",
        "刘洋",
        _("Worker, union member"),
        membership_number="36010020260001",
        workplace="江铃汽车集团有限公司",
    ),
    DemoAccount(
        "worker_non_member",
        "13800000002",
        "陈静",
        _("Worker, not a union member"),
        workplace="南昌顺达物流有限公司",
    ),
    DemoAccount(
        "palace_staff",
        "13800000003",
        "王磊",
        _("Palace staff"),
        role=Role.PALACE_STAFF,
        palace_name=DEMO_PALACE_NAME,
        workplace=DEMO_PALACE_NAME,
    ),
    DemoAccount(
        "palace_manager",
        "13800000004",
        "李婷",
        _("Palace manager"),
        role=Role.PALACE_MANAGER,
        palace_name=DEMO_PALACE_NAME,
        workplace=DEMO_PALACE_NAME,
    ),
    DemoAccount(
        "city_officer",
        "13800000005",
        "张军",
        _("City union staff"),
        role=Role.CITY_OFFICER,
        region_code=DEMO_CITY_CODE,
        workplace="南昌市总工会",
    ),
    DemoAccount(
        "province_officer",
        "13800000006",
        "赵敏",
        _("Provincial union staff"),
        role=Role.PROVINCE_OFFICER,
        region_code=PROVINCE_CODE,
        workplace="江西省总工会",
    ),
    DemoAccount("admin", "13800000007", "系统管理员", _("Administrator (superuser)"), superuser=True),
)
DEMO_PHONES: tuple[str, ...] = tuple(a.phone for a in DEMO_ACCOUNTS)


def write_accounts(
    ctx: DemoContext,
    *,
    palace: Palace,
    city: Region,
    province: Region,
    workplaces: dict[str, str] | None = None,
) -> None:
    """Write the demo accounts, the staff and manager at `palace`, the city officer for `city`,
    the provincial officer for `province` (a profile other than the default passes its own)."""
    # Hashing is deliberately slow: hash the shared password once, reuse it for every account.
    password = make_password(DEMO_PASSWORD)
    workplaces = workplaces or {}
    users = [
        User(
            phone=a.phone,
            real_name=a.real_name,
            password=password,
            membership_number=a.membership_number,
            workplace=workplaces.get(a.key, a.workplace),
            is_staff=a.superuser,
            is_superuser=a.superuser,
        )
        for a in DEMO_ACCOUNTS
    ]
    User.objects.bulk_create(users)
    ctx.users.update({a.key: u for a, u in zip(DEMO_ACCOUNTS, users, strict=True)})
    scopes = {Role.PALACE_STAFF: palace, Role.PALACE_MANAGER: palace, Role.CITY_OFFICER: city}
    assignments = []
    for a in DEMO_ACCOUNTS:
        if not a.role:
            continue
        place = scopes.get(a.role, province)
        ctx.account_scopes[a.key] = place.name
        is_palace = a.role in (Role.PALACE_STAFF, Role.PALACE_MANAGER)
        assignments.append(
            StaffAssignment(
                user=ctx.users[a.key],
                role=a.role,
                palace=place if is_palace else None,
                region=None if is_palace else place,
            )
        )
    StaffAssignment.objects.bulk_create(assignments)
    ctx.count(_("demo accounts"), len(users))
    ctx.count(_("staff assignments"), len(assignments))


def build_accounts(ctx: DemoContext) -> None:
    write_accounts(
        ctx,
        palace=ctx.palace(DEMO_PALACE_NAME),
        city=ctx.regions[DEMO_CITY_CODE],
        province=ctx.regions[PROVINCE_CODE],
    )


def wipe_accounts() -> None:
    User.objects.filter(phone__in=DEMO_PHONES).delete()


def accounts_exist() -> bool:
    return User.objects.filter(phone__in=DEMO_PHONES).exists()


ACCOUNTS_STEP = Step("accounts", build_accounts, wipe=wipe_accounts, has_data=accounts_exist)
