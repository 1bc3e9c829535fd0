"""The demo's courses and events get the shared demo pictures (`venues.demo.pictures`): one
UPDATE per picture, whatever the number of rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from activities.classes.models import Course
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from venues.demo.builder import DemoContext, Step
from venues.demo.pictures import described, stored_pictures
from venues.kinds import Centre

COURSE_PICTURES = {
    Centre.EDUCATION: "classroom",
    Centre.CULTURE: "theatre",
    Centre.HEALTH: "gym",
    Centre.SERVICE: "service",
}
EVENT_PICTURES = {
    "theatre": (ActivityKind.PERFORMANCE, ActivityKind.WEDDING, ActivityKind.MIXER),
    "court": (ActivityKind.COMPETITION,),
    "library": (ActivityKind.EXHIBITION, ActivityKind.READING_EXCHANGE),
    "classroom": (ActivityKind.LECTURE, ActivityKind.TRAINING, ActivityKind.LIVESTREAM),
    "service": (ActivityKind.JOB_FAIR, ActivityKind.VOLUNTEER_SERVICE),
}


def build_pictures(ctx: DemoContext) -> None:
    names = stored_pictures()
    courses = 0
    for centre, key in COURSE_PICTURES.items():
        courses += Course.objects.filter(centre=centre).update(
            picture=names[key], picture_alt=described("title", key)
        )
    events = 0
    for key, kinds in EVENT_PICTURES.items():
        events += Event.objects.filter(kind__in=kinds).update(
            picture=names[key], picture_alt=described("title", key)
        )
    events += Event.objects.filter(picture="").update(
        picture=names["palace"], picture_alt=described("title", "palace")
    )
    ctx.count(_("courses and events with a picture"), courses + events)


PICTURES_STEP = Step("activity pictures", build_pictures)
