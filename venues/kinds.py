"""The four centres (四个中心) and the curated venue kinds of each (DOMAIN.md).

A kind belongs to exactly one centre and suggests a booking mode and a capacity; staff may change
both per venue. The database checks that a venue's kind belongs to its centre.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Centre(models.TextChoices):
    CULTURE = "culture", _("Culture centre")
    EDUCATION = "education", _("Education centre")
    HEALTH = "health", _("Health centre")
    SERVICE = "service", _("Service centre")


class BookingMode(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Booked whole")
    SHARED = "shared", _("Places per slot")
    APPOINTMENT = "appointment", _("Appointment")
    REQUEST = "request", _("Request for approval")


@dataclass(frozen=True)
class Kind:
    code: str
    centre: str
    label: str
    booking_mode: str
    capacity: int


_C, _E, _H, _S = Centre.CULTURE, Centre.EDUCATION, Centre.HEALTH, Centre.SERVICE
_X, _SH, _A, _R = BookingMode.EXCLUSIVE, BookingMode.SHARED, BookingMode.APPOINTMENT, BookingMode.REQUEST

KINDS: tuple[Kind, ...] = (
    Kind("theatre", _C, _("Theatre / cinema"), _R, 600),
    Kind("folk_stage", _C, _("Folk stage"), _R, 200),
    Kind("karaoke", _C, _("Karaoke room"), _X, 12),
    Kind("chess_cards", _C, _("Chess and cards room"), _SH, 40),
    Kind("dance_hall", _C, _("Dance hall"), _SH, 80),
    Kind("leisure_square", _C, _("Leisure square"), _R, 500),
    Kind("art_gallery", _C, _("Art gallery"), _SH, 100),
    Kind("exhibition_hall", _C, _("Labour-movement history exhibition hall"), _SH, 60),
    Kind("library", _E, _("Workers' library"), _SH, 60),
    Kind("e_reading", _E, _("E-reading room"), _SH, 30),
    Kind("multi_function_hall", _E, _("Multi-function hall"), _R, 200),
    Kind("skill_training", _E, _("Skill-training room"), _X, 40),
    Kind("classroom", _E, _("Workers' classroom"), _X, 50),
    Kind("basketball", _H, _("Basketball court"), _X, 20),
    Kind("badminton", _H, _("Badminton court"), _X, 4),
    Kind("table_tennis", _H, _("Table tennis"), _X, 4),
    Kind("air_volleyball", _H, _("Air volleyball court"), _X, 12),
    Kind("billiards", _H, _("Billiards"), _X, 4),
    Kind("yoga", _H, _("Yoga room"), _SH, 25),
    Kind("gym", _H, _("Gym"), _SH, 40),
    Kind("dance_rehearsal", _H, _("Dance rehearsal hall"), _X, 40),
    Kind("swimming_pool", _H, _("Swimming pool"), _SH, 80),
    Kind("football", _H, _("Football pitch"), _X, 22),
    Kind("aid_window", _S, _("Union aid window"), _A, 1),
    Kind("relief_window", _S, _("Relief window"), _A, 1),
    Kind("consultation_window", _S, _("Consultation window"), _A, 1),
    Kind("employment_window", _S, _("Employment service window"), _A, 1),
    Kind("legal_aid_window", _S, _("Rights and legal aid window"), _A, 1),
    Kind("mutual_insurance_window", _S, _("Mutual insurance window"), _A, 1),
    Kind("mediation_room", _S, _("Labour-dispute mediation room"), _A, 1),
)

KINDS_BY_CODE: dict[str, Kind] = {k.code: k for k in KINDS}
KIND_CHOICES = [(k.code, k.label) for k in KINDS]


def kinds_of(centre: str) -> list[Kind]:
    return [k for k in KINDS if k.centre == centre]


def kind_centre_condition() -> models.Q:
    """The check constraint: a venue's kind is one of its centre's kinds."""
    condition = models.Q()
    for centre in Centre.values:
        condition |= models.Q(centre=centre, kind__in=[k.code for k in kinds_of(centre)])
    return condition
