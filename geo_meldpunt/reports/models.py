import datetime as dt
import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.core.models import TimeStampedModel, TranslatedNameModel

from . import sla
from .choices import (
    ACKNOWLEDGE_CLOCK_STATUSES,
    ANSWER_CLOCK_STATUSES,
    OPEN_STATUSES,
    Channel,
    Kind,
    Status,
)
from .choices import MAP_STATUSES as MAP_STATUSES
from .choices import PUBLIC_CHANNELS as PUBLIC_CHANNELS  # re-exported: the models module names the vocabulary too
from .choices import SOLVED_STATUSES as SOLVED_STATUSES
from .regulation import REGULATION_ROW as REGULATION_ROW  # re-exported with its model
from .regulation import Regulation as Regulation
from .regulation import deadlines_config


class Category(TranslatedNameModel, TimeStampedModel):
    """Two levels: a parent groups children; reports may use either."""

    slug = models.SlugField(unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kinds = ArrayField(
        models.CharField(max_length=20, choices=Kind.choices),
        help_text=_("Kinds of report this category accepts."),
    )
    department = models.ForeignKey(
        "zones.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
        help_text=_("Default department when no routing rule matches."),
    )
    answer_days = models.PositiveIntegerField(_("answer deadline (days)"), default=30)
    working_days = models.BooleanField(_("deadline counts working days"), default=True)
    is_public = models.BooleanField(_("shown on the public map"), default=True)
    photos_public = models.BooleanField(_("photos shown publicly"), default=False)
    duplicate_radius_m = models.PositiveIntegerField(
        _("duplicate radius (m)"), default=50, validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name_nl"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def accepts(self, kind: str) -> bool:
        return kind in self.kinds


class ReferenceCounter(models.Model):
    """Last reference number used per prefix and year; bumped in the creating transaction."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Report(TimeStampedModel):
    reference = models.CharField(max_length=24, unique=True)
    # The case's number in the register kept before the meldpunt (a signal card, a spreadsheet row), for cases
    # brought in by the legacy import; empty for every other report. Unique when given: the import is idempotent
    # by it. db_default as well: the demo generator COPYs rows without naming this column.
    original_reference = models.CharField(_("original reference"), max_length=60, blank=True, default="", db_default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    # Geography: distances and radii are in metres and ST_DWithin uses the GiST index.
    point = models.PointField(geography=True, srid=4326, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    impact = models.PositiveSmallIntegerField(
        _("felt impact"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="nl")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NIEUW, db_index=True)
    # Personal data: never in a public answer.
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    # A compliment may name the staff member it is for (free text, as the reporter knows them); the department
    # it names is the report's department. Not public: a name of a city employee, for that department only.
    # db_default as well: the demo generator COPYs rows without naming this column.
    compliment_staff_member = models.CharField(
        _("staff member complimented"), max_length=200, blank=True, default="", db_default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The third-party application whose API key filed it (channel api, through Open311); null otherwise.
    client_application = models.ForeignKey(
        "clients.ClientApplication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("client application"),
    )
    # A picture the reporter's app holds elsewhere (Open311's media_url): kept as a link, never fetched.
    # db_default as well: the demo generator COPYs rows without naming this column.
    media_url = models.URLField(_("media URL"), max_length=1000, blank=True, default="", db_default="")
    # Routing outcome.
    department = models.ForeignKey("zones.Department", on_delete=models.PROTECT, related_name="reports")
    zone = models.ForeignKey("zones.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    routing_rule = models.ForeignKey(
        "zones.RoutingRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routing_reason = models.CharField(max_length=500)
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token)
    # Workflow: written by the services in services.py only, under the row lock (see report_transition).
    # Deadlines are local dates, the last day allowed. Null on reports made before deadlines were stored.
    acknowledge_due = models.DateField(_("acknowledge by"), null=True, blank=True)
    answer_due = models.DateField(_("answer by"), null=True, blank=True, help_text=_("None for compliments."))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text=_("Time of the last answer."))
    closed_at = models.DateTimeField(null=True, blank=True)
    # The running pause while waiting for the reporter, and the time earlier pauses took off the clock.
    paused_since = models.DateTimeField(null=True, blank=True)
    # db_default as well: the demo generator COPYs rows without naming these columns.
    paused_working_days = models.PositiveIntegerField(default=0, db_default=0)
    paused_days = models.PositiveIntegerField(default=0, db_default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_reports"
    )
    # Bumped by every change through a service: a handler who read version n and acts on it gets a conflict
    # instead of overwriting a colleague's change.
    version = models.PositiveIntegerField(default=1, db_default=1)
    answer = models.TextField(_("last answer"), blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(impact__isnull=True) | models.Q(impact__gte=1, impact__lte=5),
                name="report_impact_1_5",
            ),
            models.UniqueConstraint(
                fields=["original_reference"],
                condition=~models.Q(original_reference=""),
                name="report_original_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status"], name="report_category_status"),
            # Duplicate search: category and place in one GiST (btree_gist), open reports only. At 1M reports
            # the densest spot drops from ~11.6 ms (bitmap-AND of two indexes) to ~0.9 ms (one index scan).
            GistIndex(
                fields=["category", "point"],
                name="report_open_category_point",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The public map's cells (stats.cells.public_map_cells, stats_map_sweep): solved reports by their last
            # change, to find the few that just aged off the map.
            models.Index(
                fields=["updated_at"],
                name="report_solved_updated_at",
                condition=models.Q(status__in=SOLVED_STATUSES),
            ),
            # The public list's order (newest first, keyset pages) over the statuses the public map can show:
            # a page walks it from its cursor and stops after page_size rows, at any depth.
            models.Index(
                fields=["-created_at", "-id"],
                name="report_public_recent",
                condition=models.Q(status__in=MAP_STATUSES, point__isnull=False),
            ),
            # The daily overdue digest and the back office's flags: only reports whose clock runs.
            models.Index(
                fields=["answer_due"],
                name="report_answer_clock_due",
                condition=models.Q(status__in=ANSWER_CLOCK_STATUSES),
            ),
            models.Index(
                fields=["acknowledge_due"],
                name="report_acknowledge_clock_due",
                condition=models.Q(status__in=ACKNOWLEDGE_CLOCK_STATUSES),
            ),
            # The dashboard's open backlog (stats.quality.open_backlog): the open reports per department with every
            # column its figures and filters read, so it is an index-only scan of the ~11% open reports instead of a
            # scan of the whole table (at 1M: 391-495 ms, 98,020 buffers read).
            models.Index(
                fields=["department"],
                include=[
                    "status",
                    "created_at",
                    "acknowledge_due",
                    "answer_due",
                    "kind",
                    "category",
                    "zone",
                    "channel",
                ],
                name="report_open_backlog",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def expected_answer_date(self) -> dt.date | None:
        """When the reporter may expect an answer; compliments get thanks, not an answer.

        The stored deadline (moved by pauses) when there is one. For reports made before it was stored it is
        computed from the regulation in force (one query), as report_create would have.
        """
        if self.kind == Kind.COMPLIMENT:
            return None
        if self.answer_due is not None:
            return self.answer_due
        deadline = sla.answer_deadline(
            kind=self.kind,
            category_days=self.category.answer_days,
            category_working_days=self.category.working_days,
            config=deadlines_config(),
        )
        return sla.due_date(timezone.localtime(self.created_at).date(), deadline)


class ReportEvent(models.Model):
    """Append-only history of a report: rows are added, never changed (see services)."""

    class Type(models.TextChoices):
        CREATED = "created", _("received")
        ROUTED = "routed", _("routed")
        STATUS = "status", _("status changed")
        FOLLOWED = "followed", _("followed")
        NOTE = "note", _("note")
        ANSWER = "answer", _("answered")
        FORWARDED = "forwarded", _("forwarded")
        MERGED = "merged", _("merged")
        REASSIGNED = "reassigned", _("reassigned")
        # Written by the satisfaction survey when a dissatisfied reporter is referred to the ombudsdienst;
        # staff.roles shows such reports to the ombudsdienst.
        OMBUDSMAN = "ombudsman", _("referred to the ombudsman")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    event_type = models.CharField(max_length=20, choices=Type.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "zones.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    # Visible to the reporter on the tracking page.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]


def photo_path(instance: "ReportPhoto", filename: str) -> str:
    return f"reports/{instance.report.created_at:%Y/%m}/{instance.report.reference}/{filename}"


class ReportPhoto(models.Model):
    """A photo as stored: re-encoded, so no EXIF (location, camera serial) survives."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


def follower_token() -> str:
    return secrets.token_urlsafe(24)


class Follower(models.Model):
    """Someone who has the same problem and wants to hear its outcome instead of filing a duplicate.

    A follower gets mail only once `confirmed_at` is set: anyone can type any address, so the address's owner first
    confirms through the link mailed to it (`token`). Addresses the meldpunt already mails, or that an employee
    gives as their own, are confirmed at once (reports.services.merge).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="nl")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=follower_token, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "email"], name="follower_unique_email")]


class AnswerTemplate(TimeStampedModel):
    """A standard answer the back office offers handlers; they adapt it before sending."""

    department = models.ForeignKey(
        "zones.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
        help_text=_("Empty: offered to every department."),
    )
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="nl")
    title = models.CharField(max_length=200)
    body = models.TextField()
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class IdempotencyKey(models.Model):
    """A client's key for one filing: a repeat of the same request answers the report it already made.

    Phones that were offline resend what they queued; a lost answer makes any client retry. The key row is
    inserted in the filing's own transaction, before the report: a concurrent request with the same key waits
    on the unique index until the first commits (then it finds the row) or rolls back (then it files itself).
    Kept REPORTS_IDEMPOTENCY_KEY_DAYS, then removed by a scheduled task.
    """

    key = models.CharField(max_length=100, unique=True)
    # sha256 of the request's fields and photo contents (reports/idempotency.py): "the same body".
    fingerprint = models.CharField(max_length=64)
    report = models.ForeignKey(Report, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
