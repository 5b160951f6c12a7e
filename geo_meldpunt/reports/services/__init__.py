"""Writes of reports, by what a handler does. Each service is one transaction: a report is stored whole or not at all.

- create.py: filing a report (validated, routed, acknowledged);
- transition.py: `report_transition`, the only code that changes a status, and internal notes;
- assign.py: routing again after a change of category or place, reassigning by hand;
- once.py: filing at most once per client key (retries from phones that were offline);
- merge.py: following an open report instead of filing a duplicate, merging duplicates;
- confirm.py: staff on the spot add what they saw (a note, photos) to an open report;
- surveys.py: closing a report when its satisfaction question was answered or went unanswered;
- deadlines.py: filling in the deadlines of reports that have none;
- imports.py: bringing in an old case from the register kept before the meldpunt (legacy import), mailing nobody.
Interfaces (api/, maps/, feedback's page and tasks) call these; the feedback and notification services they call
in turn never call back. The names are gathered here so that `services.report_create(...)` reads as before.
"""

from ..regulation import deadlines_config, deadlines_settings
from .assign import report_reassign, report_reroute
from .common import Conflict, Forbidden
from .confirm import report_observation_add
from .create import KINDS_NEEDING_EMAIL, KINDS_NEEDING_LOCATION, report_create, report_validate
from .deadlines import reports_deadlines_fill
from .imports import AlreadyImported, LegacyCase, report_import, report_import_check
from .merge import follower_confirm, report_follow, report_merge
from .once import idempotency_keys_purge, report_create_once
from .surveys import report_close_after_survey, report_survey_answer, reports_close_unanswered_surveys
from .transition import report_answer, report_note_add, report_transition

__all__ = [
    "KINDS_NEEDING_EMAIL",
    "KINDS_NEEDING_LOCATION",
    "AlreadyImported",
    "Conflict",
    "Forbidden",
    "LegacyCase",
    "deadlines_config",
    "deadlines_settings",
    "idempotency_keys_purge",
    "report_answer",
    "report_close_after_survey",
    "report_create",
    "report_create_once",
    "follower_confirm",
    "report_follow",
    "report_import",
    "report_import_check",
    "report_merge",
    "report_note_add",
    "report_observation_add",
    "report_reassign",
    "report_reroute",
    "report_survey_answer",
    "report_transition",
    "report_validate",
    "reports_close_unanswered_surveys",
    "reports_deadlines_fill",
]
