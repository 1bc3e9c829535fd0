"""The message a worker gets when the palace answers their wish: a notification kind of the outbox.

Registered from `ActivitiesConfig.ready` with `bookings.notifications.notification_kind_register`,
so the outbox writes and sends it like its own kinds without knowing what a wish is.
`voice_services.wish_answer` writes it: `notify(user=author, kind="wish_answered", extra={"wish": wish})`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings.notifications import extra_required

KIND = "wish_answered"


def wish_answered_render(booking, extra: dict) -> tuple[str, str]:
    """(subject, body) in the active language: the palace's answer, and the course it became."""
    wish = extra_required(extra, "wish", KIND)
    c = {"title": wish.title, "palace": wish.palace.name, "status": wish.get_status_display()}
    body = _("%(palace)s has answered your wish “%(title)s”: %(status)s.") % c
    if wish.answer:
        body += " " + wish.answer
    if wish.course_id:
        body += " " + _("The course it became: %(course)s.") % {"course": wish.course}
    return _("Your wish has an answer: %(title)s") % c, body


def wish_answered_discriminator(booking, extra: dict) -> str:
    # A wish may be answered again (planned, later done): one message per wish and answer.
    wish = extra["wish"]
    return f"w{wish.pk}:{int(wish.answered_at.timestamp() * 1_000_000)}"
