"""Reading the old register: a CSV file or an Excel workbook (.xlsx), into a header and rows of cells.

Cells stay as the file holds them: text from a CSV file; text, numbers or dates from a workbook (openpyxl, read
only). rows.py reads the values; the rejects file writes the rows back as they came.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from geo_meldpunt.core.errors import ApplicationError

from .mapping import Mapping

Cell = str | int | float | dt.datetime | dt.date | dt.time | None


class SourceError(ApplicationError):
    pass


@dataclass(frozen=True)
class SourceRow:
    line: int  # as a spreadsheet program numbers it: the header is line 1
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Source:
    headers: list[str]
    rows: list[SourceRow]
    delimiter: str  # the rejects file uses the same


def source_read(path: Path | str, *, mapping: Mapping) -> Source:
    """The header and rows of the file at `path`: .xlsx is read as a workbook, anything else as CSV.

    Rows whose cells are all empty are left out (spreadsheets often end with some).
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _workbook_read(path, sheet=mapping.sheet)
        return _csv_read(path, encoding=mapping.encoding, delimiter=mapping.delimiter)
    except OSError as exc:
        raise SourceError(_("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}) from exc


def _csv_read(path: Path, *, encoding: str, delimiter: str | None) -> Source:
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            _("The file is not in the encoding %(encoding)s: set “encoding” in the mapping (often cp1252).")
            % {"encoding": encoding}
        ) from exc
    if not text.strip():
        raise SourceError(_("The file is empty."))
    if delimiter is None:
        first = text.splitlines()[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
    # The whole text, not its lines: a quoted cell may hold line breaks (a description typed in Excel).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    rows = []
    # Numbered by record, as a spreadsheet program shows them, whatever line breaks the cells hold.
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            rows.append(SourceRow(line=number, cells=dict(zip(headers, values, strict=False))))
    return Source(headers=headers, rows=rows, delimiter=delimiter)


def _workbook_read(path: Path, *, sheet: str | None) -> Source:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:  # a file that is no workbook
        raise SourceError(_("The file is not a readable Excel workbook (.xlsx): %(error)s") % {"error": exc}) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SourceError(
                _("The workbook has no sheet “%(sheet)s”; it has: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        found = worksheet.iter_rows(values_only=True)
        header_row = next(found, None)
        if header_row is None:
            raise SourceError(_("The file is empty."))
        headers = ["" if h is None else str(h).strip() for h in header_row]
        rows = []
        for number, values in enumerate(found, start=2):
            if any(v is not None and str(v).strip() for v in values):
                rows.append(SourceRow(line=number, cells=dict(zip(headers, values, strict=False))))
    finally:
        workbook.close()
    return Source(headers=headers, rows=rows, delimiter=";")


def cell_text(value: Cell) -> str:
    """A cell as text: a whole number without ".0" (a card number typed into a number cell), dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()
