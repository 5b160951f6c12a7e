"""The workflow of a report as plain data: which status may follow which, and what each step needs.

No ORM here. `services.report_transition` is the only code that changes a status; it reads these tables,
and `staff.roles` reads them to tell who may take a step. The tests walk every flow from `nieuw` to check
that no status is unreachable.

Two flows:

- the normal flow, for meldingen, klachten and suggesties (a suggestion gets an answer like the others);
- the compliment flow: a compliment is passed on to the department concerned and closed.

Decisions, so nobody has to guess them from the table:

- Niet ontvankelijk (spam, outside the city's remit) is for the meldpunt coordinator only. A department that
  thinks a report is not its own asks for a reassignment; and a complaint about a department must not be
  declared inadmissible by that same department (the decree wants complaint handling independent of the
  services concerned). The coordinator can reopen it if that was a mistake.
- Reopening a closed (or inadmissible) report is for the coordinator only; the department may reopen its own
  answer (beantwoord -> heropend) when it turns out wrong, before the report is closed.
- Leaving `nieuw` for any other status acknowledges the report: the reporter hears something either way.
- `samengevoegd` only through `report_merge`, which knows the surviving report; it is final.
- Forwarded (doorverwezen) reports wait for the external body: the city's answer clock does not flag them,
  and they come back (in behandeling) or are answered or closed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Kind, Status

Flow = Mapping[str, frozenset[str]]

NORMAL_FLOW: Flow = {
    Status.NIEUW: frozenset(
        {
            Status.ONTVANGEN,
            Status.IN_BEHANDELING,
            Status.WACHT_OP_MELDER,
            Status.DOORVERWEZEN,
            Status.BEANTWOORD,
            Status.SAMENGEVOEGD,
            Status.NIET_ONTVANKELIJK,
        }
    ),
    Status.ONTVANGEN: frozenset(
        {
            Status.IN_BEHANDELING,
            Status.WACHT_OP_MELDER,
            Status.DOORVERWEZEN,
            Status.BEANTWOORD,
            Status.SAMENGEVOEGD,
            Status.NIET_ONTVANKELIJK,
        }
    ),
    Status.IN_BEHANDELING: frozenset(
        {
            Status.WACHT_OP_MELDER,
            Status.DOORVERWEZEN,
            Status.BEANTWOORD,
            Status.SAMENGEVOEGD,
            Status.NIET_ONTVANKELIJK,
        }
    ),
    Status.WACHT_OP_MELDER: frozenset(
        {Status.IN_BEHANDELING, Status.BEANTWOORD, Status.SAMENGEVOEGD, Status.NIET_ONTVANKELIJK}
    ),
    Status.DOORVERWEZEN: frozenset({Status.IN_BEHANDELING, Status.BEANTWOORD, Status.AFGESLOTEN}),
    Status.BEANTWOORD: frozenset({Status.AFGESLOTEN, Status.HEROPEND}),
    Status.AFGESLOTEN: frozenset({Status.HEROPEND}),
    Status.HEROPEND: frozenset({Status.IN_BEHANDELING, Status.WACHT_OP_MELDER, Status.DOORVERWEZEN, Status.BEANTWOORD}),
    Status.NIET_ONTVANKELIJK: frozenset({Status.HEROPEND}),
    Status.SAMENGEVOEGD: frozenset(),
}

COMPLIMENT_FLOW: Flow = {
    Status.NIEUW: frozenset({Status.DOORGEGEVEN, Status.NIET_ONTVANKELIJK}),
    Status.DOORGEGEVEN: frozenset({Status.AFGESLOTEN}),
    Status.AFGESLOTEN: frozenset(),
    Status.NIET_ONTVANKELIJK: frozenset(),
}

# Steps only the meldpunt coordinator (or an administrator) may take: (from, to); None stands for any status.
COORDINATOR_ONLY: frozenset[tuple[str | None, str]] = frozenset(
    {
        (None, Status.NIET_ONTVANKELIJK),
        (Status.AFGESLOTEN, Status.HEROPEND),
        (Status.NIET_ONTVANKELIJK, Status.HEROPEND),
    }
)

# Statuses that need a text, and what the text is. Each text is shown to the reporter (public history).
NOTE_REQUIRED: Mapping[str, Promise] = {
    Status.NIET_ONTVANKELIJK: _("Give the reason why the report is not admissible."),
    Status.BEANTWOORD: _("Write the answer for the reporter."),
    Status.WACHT_OP_MELDER: _("Write what you need from the reporter."),
    Status.HEROPEND: _("Give the reason for reopening the report."),
}
# Statuses whose text the reporter sees. A note given with any other step is kept as an internal note.
PUBLIC_NOTE = frozenset({*NOTE_REQUIRED, Status.DOORVERWEZEN, Status.DOORGEGEVEN, Status.SAMENGEVOEGD})
# Forwarding names the external body that takes over.
EXTERNAL_DEPARTMENT_REQUIRED = frozenset({Status.DOORVERWEZEN})
# Entering this status stops the answer clock; leaving it moves the answer deadline by the time it stood still.
PAUSED = Status.WACHT_OP_MELDER
# Entering one of these ends the file (closed_at); reopening clears it.
CLOSING = frozenset({Status.AFGESLOTEN, Status.NIET_ONTVANKELIJK, Status.SAMENGEVOEGD})
# Only report_merge may take a report here (it sets the surviving report first).
MERGE_ONLY = frozenset({Status.SAMENGEVOEGD})


def flow_for(kind: str) -> Flow:
    return COMPLIMENT_FLOW if kind == Kind.COMPLIMENT else NORMAL_FLOW


def is_allowed(kind: str, from_status: str, to_status: str) -> bool:
    return to_status in flow_for(kind).get(from_status, frozenset())


def next_statuses(kind: str, from_status: str) -> frozenset[str]:
    return flow_for(kind).get(from_status, frozenset())


def is_coordinator_only(from_status: str, to_status: str) -> bool:
    return (None, to_status) in COORDINATOR_ONLY or (from_status, to_status) in COORDINATOR_ONLY


def is_terminal(kind: str, status: str) -> bool:
    return not flow_for(kind).get(status)


def reachable(flow: Flow, start: str = Status.NIEUW) -> set[str]:
    """Statuses reachable from `start`: the tests require every status of a flow to be among them."""
    seen = {start}
    todo = deque([start])
    while todo:
        for nxt in flow.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
