"""The workspace's home: who leads now and next, today's members, what waits for provincial staff."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from palace_portal.db_router import replica_reads

from .. import selectors
from ..models import HostingApplication, HostingCall
from ._common import head, workspace_page


@workspace_page
@require_GET
@replica_reads
def home(request):
    today = timezone.localdate()
    now = timezone.now()
    submitted = Q(applications__status=HostingApplication.Status.SUBMITTED)
    calls = HostingCall.objects.aggregate(
        open=Count("pk", filter=Q(status=HostingCall.Status.OPEN), distinct=True),
        to_review=Count("applications", filter=submitted & Q(deadline__lte=now)),
    )
    return render(
        request,
        "alliance/manage/home.html",
        head(request, "home")
        | {
            "today": today,
            "rotations": selectors.rotations_now(today),
            "members": selectors.member_count_at(today),
            "open_calls": calls["open"],
            "to_review": calls["to_review"],
        },
    )
