"""Account pages: sign-in/out (Django's views), sign-up and password reset by SMS code, profile.

Views parse with a form, call one service, and show the service's message when it says no.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from palace_portal import ratelimit
from palace_portal.errors import PortalError

from . import services
from .forms import LoginForm, PasswordResetForm, ProfileForm, SendCodeForm, SignupForm
from .models import OneTimeCode, mask_phone

Purpose = OneTimeCode.Purpose
# Service field names that the pages' forms call differently.
FIELD_ALIASES = {"password": "password1"}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _show_error(form, exc: PortalError, aliases: dict[str, str] = FIELD_ALIASES) -> None:
    """Put a service's refusal on the form: on the fields it names, else at the top."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for name, errors in exc.fields.items():
        target = aliases.get(name, name)
        for error in errors:
            form.add_error(target if target in form.fields else None, str(error))


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _send_code(request: HttpRequest, purpose: str) -> dict:
    """Run the "send code" button for `purpose`; the context of the code-status fragment."""
    form = SendCodeForm(request.POST)
    status: dict = {"code_errors": [], "code_sent": False}
    if not form.is_valid():
        status["code_errors"] = form.errors.get("phone", [])
        return status
    phone = form.cleaned_data["phone"]
    try:
        services.otp_send(phone=phone, purpose=purpose, client_ip=ratelimit.client_ip(request))
    except PortalError as exc:
        status["code_errors"] = [str(exc.message)]
        return status
    minutes = int(settings.OTP_TTL.total_seconds() // 60)
    masked = mask_phone(phone)
    if purpose == Purpose.PASSWORD_RESET:
        # Same words whether or not the number is registered.
        text = _("If %(phone)s is registered, a code is on its way. It is valid for %(minutes)d minutes.")
    else:
        text = _("A code is on its way to %(phone)s. It is valid for %(minutes)d minutes.")
    status["code_sent"] = True
    status["code_message"] = text % {"phone": masked, "minutes": minutes}
    return status


def _kept_initial(form_class, data) -> dict:
    return {name: data.get(name, "") for name in form_class.kept_fields}


@require_POST
def send_code(request: HttpRequest, purpose: str) -> HttpResponse:
    """The "send code" button with htmx: answers the status fragment (200, so htmx swaps it)."""
    if not request.htmx:
        # Without JavaScript the button posts the whole page's form to the page itself.
        return redirect("users:signup" if purpose == Purpose.SIGNUP else "users:password_reset")
    return render(request, "users/_code_status.html", _send_code(request, purpose))


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("users:profile")
    context: dict = {"code_errors": [], "code_sent": False}
    if request.method == "POST" and "send_code" in request.POST:
        context.update(_send_code(request, Purpose.SIGNUP))
        form = SignupForm(initial=_kept_initial(SignupForm, request.POST))
    elif request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_signup(
                    phone=data["phone"],
                    code=data["code"],
                    password=data["password1"],
                    real_name=data["real_name"],
                    membership_number=data["membership_number"],
                    workplace=data["workplace"],
                )
            except PortalError as exc:
                _show_error(form, exc)
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(request, _("Welcome! Your account is ready."))
                # Signed up on the way to something (a course, a booking): go on there. Otherwise
                # a first-timer lands on their next steps, not on a home page that names none.
                return redirect(_safe_next(request) or "users:welcome")
    else:
        form = SignupForm()
    context.update(
        form=form,
        send_code_url=reverse("users:signup_send_code"),
        next=_safe_next(request) or "",
    )
    return render(request, "users/signup.html", context)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    context: dict = {"code_errors": [], "code_sent": False}
    if request.method == "POST" and "send_code" in request.POST:
        context.update(_send_code(request, Purpose.PASSWORD_RESET))
        form = PasswordResetForm(initial=_kept_initial(PasswordResetForm, request.POST))
    elif request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_password_reset(
                    phone=data["phone"], code=data["code"], new_password=data["password1"]
                )
            except PortalError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("Your password has been changed. Sign in with the new one."))
                return redirect("users:login")
    else:
        form = PasswordResetForm()
    context.update(form=form, send_code_url=reverse("users:password_reset_send_code"))
    return render(request, "users/password_reset.html", context)


class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (old password checked by its form); the change itself is the service's."""

    template_name = "users/password_change.html"
    success_url = reverse_lazy("users:profile")

    def form_valid(self, form):
        try:
            services.user_password_change(
                user=self.request.user, new_password=form.cleaned_data["new_password1"]
            )
        except PortalError as exc:
            _show_error(form, exc, aliases={"password": "new_password2"})
            return self.form_invalid(form)
        # Stay signed in here; every other session of this user ends with the old password.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


@login_required
@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    """Where a new account lands after sign-up: what a worker can do next, each one tap away."""
    return render(request, "users/welcome.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm.for_user(user, data=request.POST)
        if form.is_valid():
            try:
                services.user_profile_update(user=user, **form.cleaned_data)
                services.user_language_remember(user=user, language=request.LANGUAGE_CODE)
            except PortalError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("users:profile")
    else:
        form = ProfileForm.for_user(user)
    return render(request, "users/profile.html", {"form": form, "profile_user": user})


def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch (`set_language`: CSRF, the `next` check, the cookie), and for a
    signed-in person the choice kept on their account at once, so that what the portal sends them
    from now on (notifications) is in the language they just chose, not the one of their last
    sign-in. The cookie tells whether Django accepted the language: it sets none otherwise (nor on
    a GET, which only redirects)."""
    response = set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and chosen.value and request.user.is_authenticated:
        services.user_language_remember(user=request.user, language=chosen.value)
    return response
