"""A survey's results and their export (xlsx, csv). Palaces the user may read."""

from __future__ import annotations

import csv
from io import BytesIO

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activities.voice import selectors
from activities.voice.models import Survey
from palace_portal.db_router import replica_reads
from palace_portal.spreadsheets import formula_safe
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from ._common import _head

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


def _as_text(sheet) -> None:
    """The last row's strings shown as typed, never run as formulas: workers write free text."""
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.value = formula_safe(cell.value)
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
    _as_text(summary)
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
@replica_reads
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
        writer.writerow(["" if value is None else formula_safe(value) for value in row])
    return response
