"""The moves of an incident (S3.2.3).

Open → in progress → resolved → closed, with shortcuts for incidents settled
at once. A resolved incident may be taken up again while it is not closed;
closed is final (a recurrence is a new incident with its own checklist).
Every move needs ``incident.manage`` in the incident's team; no job moves
incidents (spike detection only opens them and adds to their timeline).
Closing needs the checklist done or a written reason (checked by
``services.incident_set_status``, which audits the reason).
"""

from teams.transitions import Move, StateMachine

from .models import IncidentStatus

_MANAGE = "incident.manage"

INCIDENT_MACHINE = StateMachine(
    name="incident",
    states=IncidentStatus,
    moves=[
        Move(IncidentStatus.OPEN, IncidentStatus.IN_PROGRESS, _MANAGE),
        Move(IncidentStatus.OPEN, IncidentStatus.RESOLVED, _MANAGE),
        Move(IncidentStatus.OPEN, IncidentStatus.CLOSED, _MANAGE),
        Move(IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED, _MANAGE),
        Move(IncidentStatus.IN_PROGRESS, IncidentStatus.CLOSED, _MANAGE),
        Move(IncidentStatus.RESOLVED, IncidentStatus.IN_PROGRESS, _MANAGE),
        Move(IncidentStatus.RESOLVED, IncidentStatus.CLOSED, _MANAGE),
    ],
)
