"""Forms of the worker-voice pages. They parse input; the rules live in `activities.voice.services`,
whose errors the views put back on the fields (`add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.voice.models import (
    CHOICE_TEXT_MAX,
    QUESTION_TEXT_MAX,
    SURVEY_INTRO_MAX,
    SURVEY_TITLE_MAX,
    TEXT_ANSWER_MAX,
    WISH_ANSWER_MAX,
    WISH_DESCRIPTION_MAX,
    WISH_TITLE_MAX,
    QuestionKind,
    Survey,
    WishStatus,
)
from palace_portal.service_forms import ServiceErrorsMixin
from venues.kinds import Centre

# --- Wishes ---------------------------------------------------------------------------------------


class WishForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("What would you like the palace to offer?"),
        max_length=WISH_TITLE_MAX,
        help_text=_("A class or an activity, in a few words: e.g. a weekday-evening yoga class."),
    )
    description = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=WISH_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who it is for, which days and times suit, beginners or advanced…"),
    )
    centre = forms.ChoiceField(
        label=_("Centre (optional)"), required=False, choices=[("", _("Not sure")), *Centre.choices]
    )

    def __init__(self, *args, palaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if palaces is not None:
            # Proposing from the province-wide list: the worker picks the palace.
            self.fields = {
                "palace": forms.ModelChoiceField(
                    label=_("Palace"),
                    queryset=palaces.select_related("region").order_by("region__code", "name"),
                    empty_label=_("Choose a palace"),
                ),
                **self.fields,
            }


class WishFilterForm(forms.Form):
    ORDERS = [("votes", _("Most votes")), ("new", _("Newest"))]

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *WishStatus.choices]
    )
    centre = forms.ChoiceField(
        label=_("Centre"), required=False, choices=[("", _("All centres")), *Centre.choices]
    )
    order = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERS)

    def __init__(self, *args, palaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if palaces is not None:
            self.fields = {
                "palace": forms.ModelChoiceField(
                    label=_("Palace"),
                    required=False,
                    queryset=palaces.order_by("region__code", "name"),
                    empty_label=_("All palaces"),
                ),
                **self.fields,
            }

    def values(self) -> dict:
        """The valid filters (invalid ones are shown with their error and ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "palace": data.get("palace"),
            "status": data.get("status") or "",
            "centre": data.get("centre") or "",
            "order": data.get("order") or "votes",
        }

    def params(self) -> dict:
        values = self.values()
        params = {k: v for k, v in values.items() if v and k != "palace"}
        if values["palace"] is not None:
            params["palace"] = values["palace"].pk
        if params.get("order") == "votes":
            del params["order"]
        return params


class WishAnswerForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (WishStatus.PLANNED, _("Planned: we will offer it")),
            (WishStatus.DONE, _("Done: it is on offer now")),
            (WishStatus.DECLINED, _("Declined: we cannot offer it")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("What you tell the workers"),
        required=False,
        max_length=WISH_ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Planned: what and when. Done: where to find it. Declined: the reason (required)."),
    )

    course = forms.ModelChoiceField(
        label=_("The course it became (for done)"),
        required=False,
        queryset=None,
        empty_label=_("No course"),
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].label_from_instance = lambda c: f"{c} · {c.term.name}"


# --- Surveys: building ----------------------------------------------------------------------------


class SurveyForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "intro", "opens_on", "closes_on"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3, "maxlength": SURVEY_INTRO_MAX}),
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "intro": _("Why you ask and what happens with the answers (shown above the questions)."),
            "opens_on": _("Empty: open as soon as it is published."),
            "closes_on": _("Last day for answers. Empty: open until you close it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].max_length = SURVEY_TITLE_MAX

    def _post_clean(self):
        # No model validation here: the service validates and saves.
        pass


class QuestionForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Question"), max_length=QUESTION_TEXT_MAX)
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line (not for free text). You can add more later."),
    )

    def choice_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class QuestionEditForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Question"), max_length=QUESTION_TEXT_MAX)
    required = forms.BooleanField(label=_("An answer is required"), required=False)


class ChoiceForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Another answer to choose from"), max_length=CHOICE_TEXT_MAX)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


# --- Surveys: answering ---------------------------------------------------------------------------


class ResponseForm(ServiceErrorsMixin, forms.Form):
    """One field per question, named `q<id>`. Nothing is required here: the service says which
    answers are missing, so the page and the API refuse the same things with the same words."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            choices = [(c.pk, c.text) for c in question.choices.all()]
            if question.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, required=False, widget=forms.RadioSelect, empty_value=None
                )
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.CharField(
                    required=False, max_length=TEXT_ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 3})
                )
            field.label = question.text
            field.question = question
            self.fields[name] = field

    def answers(self) -> dict[int, object]:
        """{question id: choice id, [choice ids] or text} for the service."""
        data = self.cleaned_data
        return {q.pk: data.get(f"q{q.pk}") for q in self.questions}

    def rows(self):
        """(question number, question, bound field) for the template."""
        return [(n, q, self[f"q{q.pk}"]) for n, q in enumerate(self.questions, start=1)]
