"""Importing the old register: every row checked, the good ones written (with `commit`), the others in a rejects
file with the reason per row.

Dry by default (STYLE rule 9): a dry run asks `report_import_check` what `report_import` would refuse, so its
"would import" is what a commit imports, and it writes nothing, not even a reference number. With `commit` each
row is its own transaction (`report_import` is atomic): one bad row never leaves half a report, and the
reference counter's row lock is held for one row at a time, not for the whole file, so live reports are not kept
waiting. Rows already imported (by their original reference) are skipped, so a second run imports nothing new
and a file can be run again after its rejects were corrected.
Shared by the management command and the admin's upload page: it takes a path and returns a summary.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError, OutsideTerritory
from geo_meldpunt.reports.models import Report
from geo_meldpunt.reports.services import AlreadyImported, LegacyCase, report_import, report_import_check

from .mapping import Mapping
from .reading import Source, SourceError, SourceRow, cell_text, source_read
from .rows import RowReader, RowRejected

Progress = Callable[[int, int], None]


def _reject_labels() -> dict[str, str]:
    """What the summary calls each reason code; a code not named here is shown as it is."""
    return {
        "missing_reference": _("original reference missing"),
        "duplicate_in_file": _("original reference on more than one line"),
        "missing_description": _("description missing"),
        "missing_date": _("date missing"),
        "bad_date": _("date not understood"),
        "future": _("date in the future"),
        "unknown_kind": _("kind not understood"),
        "unknown_status": _("status not understood"),
        "status_not_allowed": _("status not possible for the kind"),
        "unknown_category": _("unknown category"),
        "kind_not_accepted": _("category does not take the kind"),
        "unknown_department": _("unknown department"),
        "inactive": _("department no longer active"),
        "unknown_language": _("language not understood"),
        "bad_email": _("e-mail address not valid"),
        "bad_coordinates": _("coordinates not understood"),
        "address_not_found": _("address not found"),
        "outside_territory": _("place outside the city"),
        "too_long": _("value too long"),
        "bad_end_date": _("end date not possible"),
    }


@dataclass
class ImportSummary:
    committed: bool
    read: int = 0
    imported: int = 0  # would be imported, in a dry run
    skipped: int = 0  # imported before
    rejected: Counter = field(default_factory=Counter)  # by reason code
    rejects_path: Path | None = None
    delimiter: str = ";"  # the rejects file's, the register's own
    seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        labels = _reject_labels()
        lines = [
            _("Rows read: %(count)d") % {"count": self.read},
            (_("Imported: %(count)d") if self.committed else _("Would import: %(count)d")) % {"count": self.imported},
            _("Skipped, imported before: %(count)d") % {"count": self.skipped},
            _("Rejected: %(count)d") % {"count": self.rejected_total},
        ]
        lines += [
            f"  {labels.get(code, code)}: {count}"
            for code, count in sorted(self.rejected.items(), key=lambda item: (-item[1], item[0]))
        ]
        if self.rejects_path is not None:
            lines.append(_("Rejected rows, with the reason for each: %(path)s") % {"path": self.rejects_path})
        lines.append(
            _("Time: %(seconds).1f s (%(rate).0f rows/s)") % {"seconds": self.seconds, "rate": self.rows_per_second}
        )
        return lines


def rejects_path_for(path: Path | str) -> Path:
    """Where the rejects of `path` go by default: beside it, "cards.xlsx" -> "cards-rejects.csv"."""
    path = Path(path)
    return path.with_name(f"{path.stem}-rejects.csv")


def legacy_reports_import(
    *,
    path: Path | str,
    mapping: Mapping,
    commit: bool = False,
    rejects_path: Path | str | None = None,
    by: Any = None,
    progress: Progress | None = None,
    source_name: str | None = None,
) -> ImportSummary:
    """Import (with `commit`) or check the old register in `path` with `mapping`; write the rejects file.

    Raises SourceError (unreadable file, a mapped column missing) or MappingError before any row is read.
    `by` is the user running the import (named in the reports' history); `progress(done, total)` is called
    after each row. `source_name` is the file's name as the history notes give it (default: the path's name; an
    upload is stored under another).
    """
    started = time.monotonic()
    path = Path(path)
    source = source_read(path, mapping=mapping)
    _columns_check(source, mapping)
    reader = RowReader(mapping)
    repeated = _repeated_references(source, reader)
    summary = ImportSummary(committed=commit, read=len(source.rows), delimiter=source.delimiter)
    rejects: list[tuple[SourceRow, str]] = []
    for done, row in enumerate(source.rows, start=1):
        code, reason = _row_import(
            row, reader=reader, repeated=repeated, commit=commit, by=by, source_name=source_name or path.name
        )
        if code == "imported":
            summary.imported += 1
        elif code == "skipped":
            summary.skipped += 1
        else:
            summary.rejected[code] += 1
            rejects.append((row, reason))
        if progress is not None:
            progress(done, summary.read)
    summary.rejects_path = Path(rejects_path) if rejects_path is not None else rejects_path_for(path)
    _rejects_write(summary.rejects_path, source=source, rejects=rejects)
    summary.seconds = time.monotonic() - started
    return summary


def _row_import(
    row: SourceRow, *, reader: RowReader, repeated: dict[str, list[int]], commit: bool, by: Any, source_name: str
) -> tuple[str, str]:
    """("imported" | "skipped" | a reason code, the reason)."""
    case: LegacyCase | None = None
    try:
        reference = reader.original_reference(row)
        if reference in repeated:
            raise RowRejected(
                "duplicate_in_file",
                _("The original reference “%(reference)s” is on more than one line (%(lines)s): keep one.")
                % {"reference": reference, "lines": ", ".join(str(n) for n in repeated[reference])},
            )
        case = reader.case(row, source_name=source_name)
        if commit:
            report_import(case=case, by=by, deadlines_from_original=reader.mapping.deadlines_from_original)
        else:
            report_import_check(case=case)
    except AlreadyImported:
        return "skipped", ""
    except IntegrityError as exc:
        if case is not None and Report.objects.filter(original_reference=case.original_reference).exists():
            return "skipped", ""  # another import stored it between the check and the insert
        return "invalid", str(exc).strip().splitlines()[0]
    except DataError as exc:  # a value longer than its column, say: this row only
        return "too_long", _("A value does not fit: %(error)s") % {"error": str(exc).strip().splitlines()[0]}
    except RowRejected as exc:
        return exc.code, exc.reason
    except OutsideTerritory:
        place = case.address if case is not None and case.address else ""
        if case is not None and case.point is not None and not place:
            place = f"{case.point.y:.6f}, {case.point.x:.6f}"
        return "outside_territory", _("Place outside the city: %(place)s.") % {"place": place}
    except ApplicationError as exc:
        return exc.code, exc.message
    return "imported", ""


def _columns_check(source: Source, mapping: Mapping) -> None:
    missing = [(name, column) for name, column in mapping.columns.items() if column not in source.headers]
    if missing:
        raise SourceError(
            "\n".join(
                _("The file has no column “%(column)s” (for %(field)s).") % {"column": column, "field": name}
                for name, column in missing
            )
            + "\n"
            + _("Its columns are: %(columns)s.") % {"columns": ", ".join(source.headers)}
        )


def _repeated_references(source: Source, reader: RowReader) -> dict[str, list[int]]:
    """Original references on more than one line, with those lines: which line is right is the clerk's call."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in source.rows:
        reference = reader.original_reference(row)
        if reference:
            lines[reference].append(row.line)
    return {reference: found for reference, found in lines.items() if len(found) > 1}


def _rejects_write(path: Path, *, source: Source, rejects: list[tuple[SourceRow, str]]) -> None:
    """The rejected rows as they came, with the reason and the line: correct them and import this file again
    (with the same mapping; the two added columns are not read). Written on every run, so a rejects file never
    describes an earlier one. utf-8 with a byte-order mark, so that Excel shows accents."""
    reason, line = _("reason"), _("line")
    headers = [h for h in source.headers if h not in (reason, line)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=source.delimiter)
        writer.writerow([*headers, reason, line])
        for row, why in rejects:
            writer.writerow([*(cell_text(row.cells.get(h)) for h in headers), why, row.line])
