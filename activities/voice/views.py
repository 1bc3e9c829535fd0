"""Worker voice, the workers' pages (mounted at /voice/): wishes of a palace or of the whole
province, one wish with its vote button, proposing a wish; the surveys open to answer, and the
answer form.

Anyone may read the wishes of a listed palace (authors shown masked); proposing, voting and
answering surveys need an account (surveys: a member's). Every write is a POST with CSRF through
`activities.voice.services`; a refusal comes back as a `PortalError` whose message the page shows, with
nothing changed. The vote button works as a plain form; with htmx it swaps itself in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.voice import selectors, services
from activities.voice.forms import ResponseForm, WishFilterForm, WishForm
from activities.voice.models import Survey, Wish
from palace_portal.errors import InvalidInput, PortalError

PAGE_SIZE = 20


def _public_palace(palace_id: int):
    return get_object_or_404(
        selectors.public_palaces().select_related("region", "region__parent"), pk=palace_id
    )


def _public_wish(request, pk: int) -> Wish:
    try:
        return selectors.wish_for_public(pk, request.user)
    except Wish.DoesNotExist:
        raise Http404 from None


def _public_survey(request, pk: int) -> Survey:
    try:
        return selectors.survey_for_public(pk, request.user)
    except Survey.DoesNotExist:
        raise Http404 from None


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Wishes ---------------------------------------------------------------------------------------


@require_GET
def wish_list(request, palace_id: int | None = None):
    """The wishes of one palace, or of every listed palace (with a palace filter)."""
    palace = _public_palace(palace_id) if palace_id is not None else None
    palaces = selectors.public_palaces()
    form = WishFilterForm(request.GET, palaces=None if palace else palaces)
    values = form.values()
    chosen = palace or values["palace"]
    scope = palaces.filter(pk=chosen.pk) if chosen else palaces
    queryset = selectors.wish_list(
        palaces=scope,
        user=request.user,
        status=values["status"],
        centre=values["centre"],
        order=values["order"],
        mine=request.GET.get("mine") == "1",
    )
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = form.params()
    if request.GET.get("mine") == "1":
        params["mine"] = "1"
    surveys = []
    if palace is not None:
        surveys = list(selectors.surveys_open(palaces=scope, user=request.user)[:5])
    return render(
        request,
        "activities/voice/wish_list.html",
        {
            "palace": palace,
            "form": form,
            "page_obj": page_obj,
            "query": urlencode(params),
            "mine": params.get("mine") == "1",
            "surveys": surveys,
            "show_palace": palace is None,
            "here": request.get_full_path(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wish_new(request, palace_id: int | None = None):
    palace = _public_palace(palace_id) if palace_id is not None else None
    form = WishForm(request.POST or None, palaces=None if palace else selectors.public_palaces())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = services.wish_create(
                actor=request.user,
                palace=palace or data["palace"],
                title=data["title"],
                description=data["description"],
                centre=data["centre"],
            )
        except InvalidInput as error:
            form.add_service_errors(error.fields, str(error.message))
        except PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you! Your wish is published, with your vote."))
            return redirect("voice:wish", wish.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/voice/wish_form.html", {"palace": palace, "form": form}, status=status)


@require_GET
def wish_detail(request, pk: int):
    wish = _public_wish(request, pk)
    return render(
        request,
        "activities/voice/wish_detail.html",
        {"wish": wish, "here": request.get_full_path()},
    )


@login_required
@require_POST
def wish_vote(request, pk: int):
    """Vote (`action=vote`) or withdraw the vote (`action=unvote`); back to where the button was,
    or (htmx) just the button's box again."""
    wish = _public_wish(request, pk)
    action = request.POST.get("action")
    error = ""
    try:
        if action == "unvote":
            wish = services.wish_unvote(actor=request.user, wish=wish)
            wish.voted = False
        elif action == "vote":
            wish = services.wish_vote(actor=request.user, wish=wish)
            wish.voted = True
        else:
            error = _("Choose to vote or to withdraw your vote.")
    except PortalError as exc:
        error = str(exc.message)
        wish = _public_wish(request, pk)
    if request.htmx:
        context = {
            "wish": wish,
            "error": error,
            "next": _next_url(request, ""),
            "large": request.POST.get("large") == "1",
        }
        # 200 even for a refusal: htmx swaps only successful answers, and the box shows the reason.
        return render(request, "activities/voice/_vote.html", context)
    if error:
        messages.error(request, error)
    elif action == "vote":
        messages.success(request, _("Your vote is counted."))
    else:
        messages.success(request, _("Your vote is withdrawn."))
    return redirect(_next_url(request, reverse("voice:wish", args=[wish.pk])))


# --- Surveys --------------------------------------------------------------------------------------


@require_GET
def survey_list(request):
    palaces = selectors.public_palaces()
    palace = None
    if request.GET.get("palace", "").isdigit():
        palace = palaces.filter(pk=int(request.GET["palace"])).first()
    scope = palaces.filter(pk=palace.pk) if palace else palaces
    page_obj = Paginator(selectors.surveys_open(palaces=scope, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/voice/survey_list.html",
        {"palace": palace, "page_obj": page_obj, "query": urlencode({"palace": palace.pk} if palace else {})},
    )


@require_http_methods(["GET", "POST"])
def survey_detail(request, pk: int):
    """The answer form, or why there is none: not signed in, not a member, answered, not open."""
    survey = _public_survey(request, pk)
    user = request.user
    form = ResponseForm(request.POST or None, survey=survey)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('users:login')}?{urlencode({'next': request.path})}")
        if form.is_valid():
            try:
                services.survey_respond(actor=user, survey=survey, answers=form.answers())
            except InvalidInput as error:
                form.add_service_errors(error.fields, str(error.message))
            except PortalError as error:
                messages.error(request, str(error.message))
                return redirect("voice:survey", survey.pk)
            else:
                messages.success(request, _("Thank you! Your answers are recorded."))
                return redirect("voice:survey", survey.pk)
    state = "open"
    if not survey.is_open:
        state = "closed" if survey.status == Survey.Status.CLOSED else "not_open"
    elif survey.responded:
        state = "answered"
    elif not user.is_authenticated:
        state = "sign_in"
    elif not user.is_member:
        state = "members_only"
    return render(
        request,
        "activities/voice/survey_detail.html",
        {"survey": survey, "form": form, "state": state},
        status=400 if request.method == "POST" else 200,
    )
