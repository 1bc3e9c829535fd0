"""Worker voice, the palace's pages (mounted at /staff/voice/<palace_id>/): the wish inbox with
the answer form, the survey builder, results and their export.

Reads (inbox, one wish, survey list, results, exports): palaces `access.palaces_visible_to` the
user, so city and provincial officers see them too. Writes (answering, building, publishing,
closing): `access.palaces_managed_by`. Any other palace, and any wish or survey not of the palace
in the URL, answers 404. The services check the same again.
"""

from __future__ import annotations

import csv
from io import BytesIO

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from activities.classes.models import Course
from activities.voice import selectors, services
from activities.voice.forms import (
    ChoiceForm,
    MoveForm,
    QuestionEditForm,
    QuestionForm,
    SurveyForm,
    WishAnswerForm,
    WishFilterForm,
)
from activities.voice.models import Survey, SurveyChoice, SurveyQuestion, Wish
from palace_portal.errors import InvalidInput, PortalError
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

PAGE_SIZE = 30


def _head(request, palace: Palace, tab: str) -> dict:
    return {
        "palace": palace,
        "tab": tab,
        "may_manage": access.may_manage(request.user, palace),
        "open_count": Wish.objects.filter(palace=palace, status=Wish.Status.OPEN).count(),
    }


def _courses(palace: Palace):
    """The palace's courses for the "done" link, latest term first."""
    return (
        Course.objects.filter(palace=palace)
        .select_related("term")
        .order_by("-term__starts_on", "title", "pk")
    )


# --- Wishes ---------------------------------------------------------------------------------------


def _status_tabs(palace: Palace) -> list[dict]:
    counts = selectors.wish_status_counts(palace)
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Wish.Status.choices
    ]
    return [*tabs, {"value": "", "label": _("All"), "count": sum(counts.values())}]


@staff_page
@require_GET
def inbox(request, palace_id: int):
    """The palace's wishes, open ones first by default, most votes first."""
    palace = palace_or_404(request, palace_id, scope="view")
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Wish.Status.OPEN
    form = WishFilterForm(data)
    values = form.values()
    queryset = selectors.wish_list(
        palaces=Palace.objects.filter(pk=palace.pk),
        status=values["status"],
        centre=values["centre"],
        order=values["order"],
    )
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = form.params()
    params.setdefault("status", "")
    return render(
        request,
        "activities/voice/staff/inbox.html",
        {
            **_head(request, palace, "wishes"),
            "form": form,
            "page_obj": page_obj,
            "query": urlencode(params),
            "tabs": _status_tabs(palace),
            "status": values["status"],
            "order_new": values["order"] == "new",
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def wish_detail(request, palace_id: int, wish_id: int):
    if request.method == "POST":
        palace = palace_or_404(request, palace_id, scope="manage")
    else:
        palace = palace_or_404(request, palace_id, scope="view")
    wish = get_object_or_404(
        Wish.objects.for_palace(palace).select_related("author", "answered_by", "course"),
        pk=wish_id,
    )
    initial = {
        "status": wish.status if wish.status != Wish.Status.OPEN else "",
        "answer": wish.answer,
        "course": wish.course_id,
    }
    form = WishAnswerForm(request.POST or None, initial=initial, courses=_courses(palace))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.wish_answer(
                    actor=request.user,
                    wish=wish,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    course=form.cleaned_data.get("course"),
                )
            except InvalidInput as error:
                form.add_service_errors(error.fields, str(error.message))
            except PortalError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("Answer saved: the workers see it on the wish."))
                return redirect("voice_staff:inbox", palace.pk)
    return render(
        request,
        "activities/voice/staff/wish.html",
        {**_head(request, palace, "wishes"), "wish": wish, "form": form},
        status=status,
    )


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


# --- Results and exports --------------------------------------------------------------------------


def _visible_survey(request, palace_id: int, survey_id: int) -> tuple[Palace, Survey]:
    palace = palace_or_404(request, palace_id, scope="view")
    survey = get_object_or_404(Survey.objects.for_palace(palace).select_related("palace"), pk=survey_id)
    return palace, survey


@staff_page
@require_GET
def survey_results(request, palace_id: int, survey_id: int):
    palace, survey = _visible_survey(request, palace_id, survey_id)
    return render(
        request,
        "activities/voice/staff/results.html",
        {
            **_head(request, palace, "surveys"),
            "survey": survey,
            "results": selectors.survey_results(survey),
            "text_limit": selectors.TEXT_ANSWERS_SHOWN,
        },
    )


def _export_rows(results: selectors.SurveyResults):
    """Rows shared by both exports: one per choice (count, share) and one per free-text answer."""
    for q in results.questions:
        kind = q.question.get_kind_display()
        if q.is_text:
            for text in q.texts:
                yield [q.number, q.question.text, kind, text, None, None, q.answered]
        else:
            for c in q.choices:
                yield [q.number, q.question.text, kind, c.choice.text, c.count, c.percent / 100, q.answered]


# A text a spreadsheet would run as a formula (CSV/formula injection): workers write free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _as_text(sheet) -> None:
    """Store the last row's strings as text, never as formulas (openpyxl reads "=..." as one)."""
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _columns() -> list[str]:
    return [
        _("No."),
        _("Question"),
        _("Kind"),
        _("Answer"),
        _("Count"),
        _("Share of those who answered"),
        _("Answered the question"),
    ]


def _filename(survey: Survey, ext: str) -> str:
    return f"survey-{survey.pk}-results-{timezone.localdate():%Y%m%d}.{ext}"


@staff_page
@require_GET
def export_xlsx(request, palace_id: int, survey_id: int):
    """The results as a workbook: a summary sheet with a bar chart per choice question, and every
    row (choices and free-text answers) on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    palace, survey = _visible_survey(request, palace_id, survey_id)
    results = selectors.survey_results(survey, text_limit=None)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Results")[:31]
    summary.append([survey.title])
    _as_text(summary)
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("Palace"), palace.name])
    summary.append([_("Responses"), results.responses])
    summary.append([_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 12
    summary.column_dimensions["C"].width = 14
    for q in results.questions:
        summary.append([])
        summary.append([f"{q.number}. {q.question.text}", _("Count"), _("Share")])
        _as_text(summary)
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
        if q.is_text:
            summary.append([_("%(count)d written answers (see the next sheet)") % {"count": q.answered}])
            continue
        first = summary.max_row + 1
        for c in q.choices:
            summary.append([c.choice.text, c.count, c.percent / 100])
            _as_text(summary)
            summary.cell(row=summary.max_row, column=3).number_format = "0.0%"
        last = summary.max_row
        if q.choices:
            chart = BarChart()
            chart.type = "bar"
            chart.title = f"{q.number}. {q.question.text}"[:80]
            chart.legend = None
            chart.add_data(Reference(summary, min_col=2, min_row=first, max_row=last), titles_from_data=False)
            chart.set_categories(Reference(summary, min_col=1, min_row=first, max_row=last))
            chart.height = max(4, 1.2 * len(q.choices) + 2)
            summary.add_chart(chart, f"E{first - 1}")
            # Room for the chart before the next question.
            for _row in range(max(0, int(chart.height / 0.5) - len(q.choices))):
                summary.append([])

    rows = workbook.create_sheet(_("All answers")[:31])
    rows.append(_columns())
    for row in _export_rows(results):
        rows.append(row)
        _as_text(rows)
        if row[5] is not None:
            rows.cell(row=rows.max_row, column=6).number_format = "0.0%"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "xlsx")}"'
    return response


@staff_page
@require_GET
def export_csv(request, palace_id: int, survey_id: int):
    _palace, survey = _visible_survey(request, palace_id, survey_id)
    results = selectors.survey_results(survey, text_limit=None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    response.write("\ufeff")  # lets spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(response)
    writer.writerow(_columns())
    for row in _export_rows(results):
        if row[5] is not None:
            row[5] = f"{row[5] * 100:.1f}%"
        writer.writerow(["" if value is None else _csv_safe(value) for value in row])
    return response
