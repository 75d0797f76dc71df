"""The report's files, in the reader's language: an XLSX workbook (openpyxl) and a PNG chart (matplotlib).

The figures come from ``desk.reports.period_report``; this module only lays them out. The chart is drawn
with matplotlib's object API on the Agg canvas (no pyplot, no display, no global state), so it is safe in
the bot's worker threads. Matplotlib ≥ 3.11 shapes Arabic text itself, so office names read correctly.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.i18n import N_, Translator
from desk.reports import OfficeFigures, PeriodReport
from knowledge.loader import Directory

TITLE = N_("Requests per office, {start} – {end}")
GENERATED = N_("Generated on {moment}")
COLUMNS = (
    N_("Office code"),
    N_("Service"),
    N_("Office"),
    N_("Requests received"),
    N_("Requests resolved"),
    N_("Median time to resolution (working days)"),
    N_("Overdue at the end of the period"),
)
NOTES = (
    N_("Received: requests filed during the period. Resolved: requests resolved during the period."),
    N_(
        "Median time to resolution: in working days (weekends and public holidays excluded), from the day a "
        "request was filed to the day it was resolved, over the requests resolved during the period; "
        "0 means the same day."
    ),
    N_(
        "Overdue: requests filed before the end of the period, still open at its end, whose due date "
        "had come."
    ),
    N_("Each request counts in the office that holds it now."),
)
HEADER_ROW = 4  # title, generation time, a blank line, then the table
MEDIAN_FORMAT = "0.0"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(report: PeriodReport, extension: str) -> str:
    """A file name that sorts by period: ``report_2026-11-23_2026-11-29.xlsx``."""
    return f"report_{report.start.isoformat()}_{report.end.isoformat()}.{extension}"


def title(report: PeriodReport, t: Translator) -> str:
    return t(TITLE, start=t.date(report.start), end=t.date(report.end))


def _names(directory: Directory, office_id: str, t: Translator) -> tuple[str, str]:
    """(service, office) names in the reader's language; the bare id for an office not in the directory."""
    if not directory.has_office(office_id):
        return "", office_id
    service, office = directory.service_of(office_id), directory.office(office_id)
    if t.language == "fr":
        return service.name_fr, office.name_fr
    return service.name_ar, office.name_ar


def _row(figures: OfficeFigures, service: str, office: str) -> list[object]:
    return [
        figures.office_id or None,
        service or None,
        office,
        figures.received,
        figures.resolved,
        figures.median_days,
        figures.overdue,
    ]


def workbook_bytes(
    report: PeriodReport, directory: Directory, t: Translator, generated_at: dt.datetime
) -> bytes:
    """The report as an XLSX workbook: one line per office, a total line, and what each figure means."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t(N_("Report"))[:31]
    sheet.sheet_view.rightToLeft = t.language == "ar"
    sheet.append([title(report, t)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([t(GENERATED, moment=t.datetime(generated_at))])
    sheet.append([])
    sheet.append([t(column) for column in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for figures in report.offices:
        sheet.append(_row(figures, *_names(directory, figures.office_id, t)))
    sheet.append(_row(report.total, "", t(N_("Total"))))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    last = sheet.max_row
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=last, min_col=6, max_col=6):
        row[0].number_format = MEDIAN_FORMAT
    sheet.append([])
    for note in NOTES:
        sheet.append([t(note)])
    for index, width in enumerate((18, 34, 46, 12, 12, 20, 20), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last - 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chart_png(report: PeriodReport, directory: Directory, t: Translator) -> bytes:
    """A bar chart of received, resolved and overdue requests, for the offices with any of them."""
    shown = [o for o in report.offices if o.received or o.resolved or o.overdue]
    height = max(3.0, 1.6 + 0.55 * len(shown))
    figure = Figure(figsize=(10, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title(report, t))
    if not shown:
        axes.text(0.5, 0.5, t(N_("No requests in this period.")), ha="center", va="center", fontsize=13)
        axes.set_axis_off()
    else:
        labels = [textwrap.fill(_names(directory, o.office_id, t)[1], 40) for o in shown]
        positions = list(range(len(shown)))
        rtl = t.language == "ar"  # read from the right: names on the right, bars growing leftwards
        bars = (
            (N_("Requests received"), [o.received for o in shown], "#4472C4", -0.27),
            (N_("Requests resolved"), [o.resolved for o in shown], "#70AD47", 0.0),
            (N_("Overdue requests"), [o.overdue for o in shown], "#C00000", 0.27),
        )
        for label, values, color, offset in bars:
            axes.barh([p + offset for p in positions], values, height=0.26, color=color, label=t(label))
            for position, value in zip(positions, values, strict=True):
                if value:  # the figure just past the end of its bar
                    axes.annotate(str(value), (value, position + offset), xytext=(-3 if rtl else 3, 0),
                                  textcoords="offset points", ha="right" if rtl else "left", va="center",
                                  fontsize=8)
        axes.set_yticks(positions, labels, fontsize=9)
        axes.invert_yaxis()  # the directory's order, top to bottom
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlim(0, max(max(o.received, o.resolved, o.overdue) for o in shown) * 1.12 + 0.5)
        axes.grid(axis="x", alpha=0.3)
        handles, names = axes.get_legend_handles_labels()
        if rtl:  # the first series on the right
            handles, names = handles[::-1], names[::-1]
        axes.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, frameon=False)
        if rtl:
            axes.invert_xaxis()
            axes.yaxis.tick_right()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_report(
    report: PeriodReport,
    directory: Directory,
    t: Translator,
    xlsx: Path,
    chart: Path | None = None,
    generated_at: dt.datetime | None = None,
) -> list[Path]:
    """Write the workbook (and the chart when asked); returns the paths written."""
    moment = generated_at or dt.datetime.now(dt.UTC)
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    xlsx.write_bytes(workbook_bytes(report, directory, t, moment))
    written = [xlsx]
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(chart_png(report, directory, t))
        written.append(chart)
    return written
