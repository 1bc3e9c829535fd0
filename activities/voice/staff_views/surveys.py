"""The survey list and builder: a survey, its questions and choices, publishing, closing."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.voice import selectors, services
from activities.voice.forms import (
    ChoiceForm,
    MoveForm,
    QuestionEditForm,
    QuestionForm,
    SurveyForm,
)
from activities.voice.models import Survey, SurveyChoice, SurveyQuestion
from palace_portal.errors import InvalidInput, PortalError
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from ._common import PAGE_SIZE, _head

# --- Surveys: list and builder --------------------------------------------------------------------


@staff_page
@require_GET
def survey_list(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    page_obj = Paginator(selectors.surveys_of_palace(palace), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/voice/staff/surveys.html",
        {**_head(request, palace, "surveys"), "page_obj": page_obj},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def survey_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, palace=palace, **form.cleaned_data)
        except InvalidInput as error:
            form.add_service_errors(error.fields, str(error.message))
        else:
            messages.success(request, _("Draft saved. Now add the questions."))
            return redirect("voice_staff:survey", palace.pk, survey.pk)
    return render(
        request,
        "activities/voice/staff/survey_new.html",
        {**_head(request, palace, "surveys"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _managed_survey(request, palace_id: int, survey_id: int) -> tuple[Palace, Survey]:
    palace = palace_or_404(request, palace_id, scope="manage")
    try:
        survey = selectors.survey_with_questions(Survey.objects.for_palace(palace), survey_id)
    except Survey.DoesNotExist:
        raise Http404 from None
    return palace, survey


def _builder(request, palace: Palace, survey: Survey, *, status: int = 200, **forms) -> HttpResponse:
    """The builder page; `forms` replaces a blank form with the bound one that had errors
    (`survey_form`, `question_form`, or `edit_<question id>` / `choice_<question id>`)."""
    questions = []
    for number, question in enumerate(survey.questions.all(), start=1):
        questions.append(
            {
                "number": number,
                "question": question,
                "edit_form": forms.get(f"edit_{question.pk}")
                or QuestionEditForm(
                    initial={"text": question.text, "required": question.required}, prefix=f"q{question.pk}"
                ),
                "choice_form": forms.get(f"choice_{question.pk}") or ChoiceForm(prefix=f"c{question.pk}"),
                "is_first": number == 1,
                "is_last": number == len(survey.questions.all()),
            }
        )
    return render(
        request,
        "activities/voice/staff/survey_builder.html",
        {
            **_head(request, palace, "surveys"),
            "survey": survey,
            "survey_form": forms.get("survey_form") or SurveyForm(instance=survey),
            "question_form": forms.get("question_form") or QuestionForm(),
            "questions": questions,
            "locked": survey.questions_locked,
            "error": forms.get("error", ""),
        },
        status=status,
    )


@staff_page
@require_GET
def survey_builder(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    return _builder(request, palace, survey)


def _after(request, palace: Palace, survey: Survey, call, *, form_key: str = "", form=None, done: str = ""):
    """Run a builder action: back to the builder with a message, or the page again with the error."""
    try:
        call()
    except InvalidInput as error:
        if form is not None:
            form.add_service_errors(error.fields, str(error.message))
            return _builder(request, palace, survey, status=400, **{form_key: form})
        messages.error(request, str(error.message))
    except PortalError as error:
        if form is not None:
            form.add_error(None, str(error.message))
            return _builder(request, palace, survey, status=error.status, **{form_key: form})
        return _builder(request, palace, survey, status=error.status, error=str(error.message))
    else:
        if done:
            messages.success(request, done)
    return redirect("voice_staff:survey", palace.pk, survey.pk)


@staff_page
@require_POST
def survey_edit(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    form = SurveyForm(request.POST, instance=Survey(palace=palace))
    if not form.is_valid():
        return _builder(request, palace, survey, status=400, survey_form=form)
    return _after(
        request,
        palace,
        survey,
        lambda: services.survey_update(actor=request.user, survey=survey, **form.cleaned_data),
        form_key="survey_form",
        form=form,
        done=_("Survey details saved."),
    )


@staff_page
@require_POST
def question_add(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _builder(request, palace, survey, status=400, question_form=form)
    data = form.cleaned_data
    return _after(
        request,
        palace,
        survey,
        lambda: services.question_add(
            actor=request.user,
            survey=survey,
            text=data["text"],
            kind=data["kind"],
            required=data["required"],
            choices=form.choice_lines(),
        ),
        form_key="question_form",
        form=form,
        done=_("Question added."),
    )


def _question(survey: Survey, question_id: int) -> SurveyQuestion:
    return get_object_or_404(
        SurveyQuestion.objects.filter(survey=survey).select_related("survey"), pk=question_id
    )


def _choice(survey: Survey, choice_id: int) -> SurveyChoice:
    return get_object_or_404(
        SurveyChoice.objects.filter(question__survey=survey).select_related("question__survey"), pk=choice_id
    )


@staff_page
@require_POST
def question_edit(request, palace_id: int, survey_id: int, question_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    question = _question(survey, question_id)
    form = QuestionEditForm(request.POST, prefix=f"q{question.pk}")
    key = f"edit_{question.pk}"
    if not form.is_valid():
        return _builder(request, palace, survey, status=400, **{key: form})
    return _after(
        request,
        palace,
        survey,
        lambda: services.question_update(
            actor=request.user,
            question=question,
            text=form.cleaned_data["text"],
            required=form.cleaned_data["required"],
        ),
        form_key=key,
        form=form,
        done=_("Question saved."),
    )


@staff_page
@require_POST
def question_delete(request, palace_id: int, survey_id: int, question_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    question = _question(survey, question_id)
    return _after(
        request,
        palace,
        survey,
        lambda: services.question_remove(actor=request.user, question=question),
        done=_("Question removed."),
    )


@staff_page
@require_POST
def question_move(request, palace_id: int, survey_id: int, question_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    question = _question(survey, question_id)
    form = MoveForm(request.POST)
    direction = form.cleaned_data["direction"] if form.is_valid() else ""
    return _after(
        request,
        palace,
        survey,
        lambda: services.question_move(actor=request.user, question=question, direction=direction),
    )


@staff_page
@require_POST
def choice_add(request, palace_id: int, survey_id: int, question_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    question = _question(survey, question_id)
    form = ChoiceForm(request.POST, prefix=f"c{question.pk}")
    key = f"choice_{question.pk}"
    if not form.is_valid():
        return _builder(request, palace, survey, status=400, **{key: form})
    return _after(
        request,
        palace,
        survey,
        lambda: services.choice_add(actor=request.user, question=question, text=form.cleaned_data["text"]),
        form_key=key,
        form=form,
    )


@staff_page
@require_POST
def choice_delete(request, palace_id: int, survey_id: int, choice_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    choice = _choice(survey, choice_id)
    return _after(request, palace, survey, lambda: services.choice_remove(actor=request.user, choice=choice))


@staff_page
@require_POST
def choice_move(request, palace_id: int, survey_id: int, choice_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    choice = _choice(survey, choice_id)
    form = MoveForm(request.POST)
    direction = form.cleaned_data["direction"] if form.is_valid() else ""
    return _after(
        request,
        palace,
        survey,
        lambda: services.choice_move(actor=request.user, choice=choice, direction=direction),
    )


@staff_page
@require_POST
def survey_publish(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    return _after(
        request,
        palace,
        survey,
        lambda: services.survey_publish(actor=request.user, survey=survey),
        done=_("Published: members can answer now."),
    )


@staff_page
@require_POST
def survey_close(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    return _after(
        request,
        palace,
        survey,
        lambda: services.survey_close(actor=request.user, survey=survey),
        done=_("Closed: no more answers are taken. The results stay."),
    )


@staff_page
@require_POST
def survey_delete(request, palace_id: int, survey_id: int):
    palace, survey = _managed_survey(request, palace_id, survey_id)
    try:
        services.survey_delete(actor=request.user, survey=survey)
    except PortalError as error:
        return _builder(request, palace, survey, status=error.status, error=str(error.message))
    messages.success(request, _("Draft deleted."))
    return redirect("voice_staff:surveys", palace.pk)
