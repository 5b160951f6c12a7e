"""Storing a new report in as few round trips as PostgreSQL allows, all or nothing.

One statement (data-modifying CTEs) takes the year's next reference number, inserts the report with it and its
first history event, and, for a request with an `Idempotency-Key`, the key row first. It writes only if the
reference data the process holds in memory is still current (core/refdata.py): `WHERE version = %s`, and it
returns the version it saw, so a stale process writes nothing, reloads and files again. A report without photos
or a compliment to pass on is that statement alone, in autocommit its own transaction: one round trip, no BEGIN or
COMMIT. Its acknowledgement goes in the same statement: rendered before the report has a reference, with a
stand-in that the statement replaces by the reference (_drafts_before_numbering says when that is exact; when it
is not, the e-mail takes the two-round-trip way below). It is queued for sending after the statement, committed.

A report with photos (or whose e-mail needs its real reference to render) is two round trips in one transaction,
sent through a psycopg pipeline: BEGIN and the statement (whose answer gives the reference the photos' paths and
the e-mail's text need), then the photo rows, the outbox row and COMMIT together. The reference counter row stays
locked from the first round trip to COMMIT, so references stay gapless and a rolled-back filing gives its number
back; the outbox row is written with the report, and the e-mail is queued for sending only after COMMIT
(outbox.enqueue), as transaction.on_commit does elsewhere. Photo files are written before their rows and removed
on any failure.

Inside a caller's transaction (a test, an import, the Open311 view's own atomic block) the same statements run
in a savepoint and e-mails are queued with transaction.on_commit: only the round trips differ. A compliment passed
on at once goes through report_transition (ORM, the one choke point for a status) in that form too: it is rare.

The cells triggers on reports_report (stats, migration stats/0001) fire for this INSERT as for any other; no
Django signal is connected to Report, ReportEvent, ReportPhoto or OutgoingEmail, so none is missed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.utils import timezone
from psycopg import pq

from geo_meldpunt.core.prepared import prepared_cursor
from geo_meldpunt.core.refdata import VERSION_SQL
from geo_meldpunt.notifications import dispatch
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.notifications.outbox import enqueue

from ..models import Report, ReportEvent, ReportPhoto
from ..photos import PreparedPhoto


@dataclass
class Filing:
    """A report to store: `report` and `event` complete but for the report's id and reference."""

    report: Report
    event: ReportEvent
    # The reference-data version the caller's caches stand for; None writes whatever the version is.
    version: int | None
    photos: Sequence[PreparedPhoto] = ()
    idempotency_key: str | None = None
    fingerprint: str = ""
    # A compliment passed on at once: called with the stored report inside the transaction, returns it changed.
    pass_on: Callable[[Report], Report] | None = None


@dataclass
class Stored:
    """What the write did. `report` is None when nothing was written: the version was stale (`version` is the one
    the statement saw) or the idempotency key was taken."""

    version: int
    report: Report | None = None
    emails: list[OutgoingEmail] = field(default_factory=list)
    email_ids: list[int] | None = None  # the outbox rows the statement inserted, when it did


def report_store(filing: Filing) -> Stored:
    """Write the report, its event, photos and acknowledgement; see the module docstring for how."""
    top_level = not connection.in_atomic_block and filing.pass_on is None
    mails = dispatch.report_created_mails(filing.report)
    one_statement = top_level and not filing.photos
    sql, params, drafts = create_statement(filing, with_mail=one_statement and mails)
    if one_statement and (not mails or drafts is not None):
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            stored = _stored(filing, cursor.fetchone())
        if stored.report is not None and drafts is not None:
            stored.emails = _drafts_numbered(drafts, stored)
            for email in stored.emails:
                enqueue(email.pk)  # the statement was its own transaction: committed
        return stored
    if top_level:
        return _store_pipelined(filing, sql, params)
    return _store_in_transaction(filing, sql, params)


# The reference in an acknowledgement rendered before the report has one: the statement puts the real reference in
# the stand-in's place with replace(). Rendered twice, with two stand-ins that differ in every digit, and used only
# when the two texts differ by the stand-in alone: a template that does more with the reference than show it (a
# filter that slices or counts it), or a reporter who typed the stand-in, goes the two-round-trip way, where the
# e-mail is rendered with the real reference.
STAND_IN_DIGITS = ("418736", "963281")
SUBJECT_ROOM = 280  # a subject is cut at 300 characters (rendering._one_line): only well below that


@dataclass
class Drafts:
    emails: list[OutgoingEmail]
    stand_in: str


def _drafts_before_numbering(report: Report) -> Drafts | None:
    prefix = f"{settings.MELDPUNT_REFERENCE_PREFIX}-{timezone.localdate().year}-"
    first, second = (prefix + digits for digits in STAND_IN_DIGITS)
    renderings = []
    for stand_in in (first, second):
        report.reference = stand_in
        renderings.append(dispatch.report_created_drafts(report=report))
    report.reference = ""
    drafts, others = renderings
    if len(drafts) != 1:
        return None
    for draft, other in zip(drafts, others, strict=True):
        if len(draft.subject) > SUBJECT_ROOM:
            return None
        for text, other_text in ((draft.subject, other.subject), (draft.body, other.body)):
            if text.replace(first, second) != other_text:
                return None
    return Drafts(emails=drafts, stand_in=first)


def _drafts_numbered(drafts: Drafts, stored: Stored) -> list[OutgoingEmail]:
    """The drafts as the statement stored them: with the report's id and reference, and their own ids."""
    report = stored.report
    assert report is not None and stored.email_ids is not None
    for draft in drafts.emails:
        draft.subject = draft.subject.replace(drafts.stand_in, report.reference)
        draft.body = draft.body.replace(drafts.stand_in, report.reference)
        draft.dedupe_key = _dedupe_prefix(draft) + str(report.pk)
        draft.report = report
    _ids_set(drafts.emails, [(pk,) for pk in stored.email_ids])
    return drafts.emails


def _dedupe_prefix(draft: OutgoingEmail) -> str:
    """ "acknowledgement:" of "acknowledgement:None": the dedupe key of a created report's e-mail ends in its id."""
    return draft.dedupe_key.rpartition(":")[0] + ":"


def _store_in_transaction(filing: Filing, sql: str, params: list) -> Stored:
    photos: list[ReportPhoto] = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            stored = _stored(filing, cursor.fetchone())
            if stored.report is None:
                return stored
            photos = _photo_rows(stored.report, filing.photos)
            if photos:
                cursor.execute(*_insert_sql(photos))  # saves the files first (FileField.pre_save)
            if filing.pass_on is not None:
                stored.report = filing.pass_on(stored.report)
            stored.emails = dispatch.report_created_drafts(report=stored.report)
            if stored.emails:
                cursor.execute(*_insert_sql(stored.emails, returning=True))
                _ids_set(stored.emails, cursor.fetchall())
                for email in stored.emails:
                    transaction.on_commit(partial(enqueue, email.pk))
    except BaseException:
        _files_remove(photos)
        raise
    return stored


def _store_pipelined(filing: Filing, sql: str, params: list) -> Stored:
    """Two round trips: [BEGIN, the statement], then [photo rows, outbox row, COMMIT]."""
    connection.ensure_connection()
    pg = connection.connection
    photos: list[ReportPhoto] = []
    mail_cursor = None
    try:
        with connection.wrap_database_errors, pg.pipeline(), connection.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(sql, params)
            stored = _stored(filing, cursor.fetchone())  # the fetch sends the pipeline: round trip one
            if stored.report is None:
                cursor.execute("ROLLBACK")  # nothing was written; ends the transaction
                return stored
            photos = _photo_rows(stored.report, filing.photos)
            if photos:
                cursor.execute(*_insert_sql(photos))
            stored.emails = dispatch.report_created_drafts(report=stored.report)
            if stored.emails:
                mail_cursor = connection.cursor()
                mail_cursor.execute(*_insert_sql(stored.emails, returning=True))
            cursor.execute("COMMIT")
        # Leaving the pipeline synced it: round trip two, COMMIT included.
        if mail_cursor is not None:
            with connection.wrap_database_errors:
                _ids_set(stored.emails, mail_cursor.fetchall())
            mail_cursor.close()
    except BaseException:
        if pg.info.transaction_status != pq.TransactionStatus.IDLE:
            # A connection too broken to roll back is closed by Django at the request's end; the first error counts.
            with contextlib.suppress(DatabaseError), connection.wrap_database_errors:
                pg.rollback()
        _files_remove(photos)
        raise
    for email in stored.emails:
        enqueue(email.pk)
    return stored


def _stored(filing: Filing, row: tuple) -> Stored:
    version, report_id, reference, email_ids = row
    if report_id is None:
        return Stored(version=version)
    report = filing.report
    report.pk, report.reference = report_id, reference
    report._state.adding, report._state.db = False, connection.alias
    return Stored(version=version, report=report, email_ids=email_ids)


def _photo_rows(report: Report, photos: Sequence[PreparedPhoto]) -> list[ReportPhoto]:
    return [ReportPhoto(report=report, image=photo.content, size=photo.size) for photo in photos]


def _files_remove(photos: Sequence[ReportPhoto]) -> None:
    """Remove the files of photos already written to storage: a refused or failed report leaves none behind."""
    for photo in photos:
        image = photo.image
        if image.name and getattr(image, "_committed", False) and image.storage.exists(image.name):
            image.delete(save=False)


def _ids_set(objs: Sequence[Model], rows: Sequence[tuple]) -> None:
    for obj, (pk,) in zip(objs, rows, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def _insert_parts(objs: Sequence[Model], *, leave_out: tuple[str, ...] = ()) -> tuple[str, str, str, list]:
    """(table, columns, VALUES row, params) of Django's own INSERT of one object, as Model.save would send it.

    Django's compiler runs each field's pre_save (auto_now_add times, a FileField writes its file) and its
    database preparation (a geography point, enum values), so the raw statement stores exactly what the ORM would.
    The primary key and the `leave_out` columns are left for the caller to supply.
    """
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in leave_out]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs))
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    head, found, rows = sql.partition(" VALUES ")
    if not found or len(objs) != 1:
        raise ValueError(f"unexpected INSERT from Django: {sql[:200]}")
    table, _space, columns = head.removeprefix("INSERT INTO ").partition(" ")
    return table, columns[1:-1], rows, list(params)


def _insert_sql(objs: Sequence[Model], *, returning: bool = False) -> tuple[str, list]:
    """Django's own INSERT of `objs` (one statement for all), RETURNING their ids when asked."""
    model = type(objs[0])
    query = InsertQuery(model)
    query.insert_values([f for f in model._meta.concrete_fields if not f.primary_key], list(objs))
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [model._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def create_statement(filing: Filing, *, with_mail: bool = False) -> tuple[str, list, Drafts | None]:
    """The one statement that numbers and inserts the report and its first event (and takes the key first).

    Every part reads from the one before it, so when the version is stale, or the key was taken (ON CONFLICT DO
    NOTHING waits for a concurrent filing with the same key to end), no later part has a row to write: nothing
    is inserted and the counter is not touched. The report's id comes from its sequence first so that the key row
    can name it (the foreign key is checked at COMMIT, Django makes them deferrable). `with_mail`: the outbox row
    of the acknowledgement too, rendered with a stand-in for the reference (_drafts_before_numbering) once the
    report's times are set; returned with the statement, or None when it cannot be made that way.
    """
    report_table, report_columns, report_values, report_params = _insert_parts(
        [filing.report], leave_out=("reference",)
    )
    event_table, event_columns, event_values, event_params = _insert_parts([filing.event], leave_out=("report_id",))
    prefix = settings.MELDPUNT_REFERENCE_PREFIX
    year = timezone.localdate().year
    params: list = []
    version_check = ""
    if filing.version is not None:
        version_check, params = " AND version = %s", [filing.version]
    source = "new"
    gate = ""
    if filing.idempotency_key is not None:
        gate = """
        gate AS (
            INSERT INTO reports_idempotencykey (key, fingerprint, report_id, created_at)
            SELECT %s, %s, new.id, %s FROM new
            ON CONFLICT (key) DO NOTHING
            RETURNING report_id AS id
        ),"""
        params += [filing.idempotency_key, filing.fingerprint, timezone.now()]
        source = "gate"
    mails_sql, mails_params, mail_ids = "", [], "NULL::bigint[]"
    drafts = _drafts_before_numbering(filing.report) if with_mail else None
    if drafts is not None:
        [draft] = drafts.emails
        table, columns, values, draft_params = _insert_parts(
            [draft], leave_out=("report_id", "subject", "body", "dedupe_key")
        )
        mails_sql = f""",
        mail AS (
            INSERT INTO {table} ({columns}, "report_id", "subject", "body", "dedupe_key")
            SELECT {values[1:-1]}, report.id, replace(%s, %s, report.reference), replace(%s, %s, report.reference),
                %s || report.id
            FROM report
            RETURNING id
        )"""
        stand_in = drafts.stand_in
        mails_params = [*draft_params, draft.subject, stand_in, draft.body, stand_in, _dedupe_prefix(draft)]
        mail_ids = "(SELECT array_agg(id) FROM mail)"
    sql = f"""
        WITH v AS ({VERSION_SQL}{version_check}),
        new AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('reports_report', 'id')) AS id FROM v),{gate}
        counter AS (
            INSERT INTO reports_referencecounter (prefix, year, last) SELECT %s, %s, 1 FROM {source}
            ON CONFLICT (prefix, year) DO UPDATE SET last = reports_referencecounter.last + 1
            RETURNING last
        ),
        report AS (
            INSERT INTO {report_table} ({report_columns}, "id", "reference")
            SELECT {report_values[1:-1]}, s.id, %s || lpad(c.last::text, greatest(6, length(c.last::text)), '0')
            FROM {source} s, counter c
            RETURNING "id", "reference"
        ),
        event AS (
            INSERT INTO {event_table} ({event_columns}, "report_id") SELECT {event_values[1:-1]}, report.id FROM report
        ){mails_sql}
        SELECT ({VERSION_SQL}), report.id, report.reference, {mail_ids}
        FROM (SELECT 1) AS one LEFT JOIN report ON true
    """  # noqa: S608 - Django's own quoted names and placeholders; every value is a parameter
    params += [prefix, year, *report_params, f"{prefix}-{year}-", *event_params, *mails_params]
    return sql, params, drafts
