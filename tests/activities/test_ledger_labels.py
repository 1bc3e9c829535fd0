"""The ledger page's labels of an activity's kind and centre read the choices' enums (cheaper than
`get_FOO_display`) and must say the same."""

from django.utils import translation

from activities.ledger.models import Activity
from venues.kinds import Centre


def test_kind_and_centre_labels_match_the_display_methods():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for kind in Activity.Kind.values:
                for centre in Centre.values:
                    activity = Activity(kind=kind, centre=centre)
                    assert str(activity.kind_label) == activity.get_kind_display()
                    assert str(activity.centre_label) == activity.get_centre_display()


def test_an_unknown_value_shows_as_itself():
    activity = Activity(kind="retired", centre="elsewhere")
    assert activity.kind_label == "retired"
    assert activity.centre_label == "elsewhere"
