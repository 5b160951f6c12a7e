"""How each workflow step looks in the back office: the button's verb and the text it asks for.

The workflow itself (which step may follow which, which need a text) is reports.workflow; this table only words
it for the handler. A step without an entry here is not offered as a button (merging has its own form). The tests
check that every step whose text the workflow requires asks for it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from geo_meldpunt.reports.models import Status


@dataclass(frozen=True)
class Step:
    verb: Promise
    # The text the step takes: "" none (a plain button), "required" or "optional".
    note: str = ""
    note_label: Promise | None = None
    note_hint: Promise | None = None
    # Forwarding names the external body; answering offers the answer templates.
    department: bool = False
    templates: bool = False

    @property
    def note_required(self) -> bool:
        return self.note == "required"

    @property
    def quick(self) -> bool:
        """A one-click step: no text, no choice."""
        return not self.note and not self.department


# In the order the page offers them: the one-click steps first, then the answer, the most common step with a text.
STEPS: dict[str, Step] = {
    Status.ONTVANGEN: Step(verb=_("Acknowledge")),
    Status.IN_BEHANDELING: Step(verb=_("Mark as in progress")),
    Status.AFGESLOTEN: Step(verb=pgettext_lazy("close a report", "Close")),
    Status.BEANTWOORD: Step(
        verb=_("Answer"),
        note="required",
        note_label=_("Answer to the reporter"),
        note_hint=_(
            "The reporter receives the answer by e-mail and on the tracking page, followed by a satisfaction question."
        ),
        templates=True,
    ),
    Status.WACHT_OP_MELDER: Step(
        verb=_("Wait for the reporter"),
        note="required",
        note_label=_("What do you need from the reporter?"),
        note_hint=_("The reporter receives this by e-mail. The deadline pauses until you continue handling."),
    ),
    Status.DOORVERWEZEN: Step(
        verb=_("Forward to an external body"),
        note="optional",
        note_label=_("Message to the reporter (optional)"),
        note_hint=_("The reporter is told which body took the report over, with this message."),
        department=True,
    ),
    Status.DOORGEGEVEN: Step(
        verb=_("Pass on to the department"),
        note="optional",
        note_label=_("Message (optional)"),
        note_hint=_("The department concerned receives the compliment by e-mail."),
    ),
    Status.HEROPEND: Step(
        verb=_("Reopen"),
        note="required",
        note_label=_("Reason for reopening"),
        note_hint=_("The reporter sees this reason on the tracking page."),
    ),
    Status.NIET_ONTVANKELIJK: Step(
        verb=_("Not admissible"),
        note="required",
        note_label=_("Reason why the report is not admissible"),
        note_hint=_("The reporter sees this reason on the tracking page."),
    ),
}
