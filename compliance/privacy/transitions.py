"""The moves of a data-subject request (PIPL Arts. 44-47, 50).

A request is answered once: completed and refused are final, so a deletion
request's erasure runs exactly once and a refusal cannot be quietly undone.
Every move needs ``privacy.edit`` in the request's team; no job moves requests.
Refusing needs a written reason (checked by ``services.dsr_set_status``).
"""

from teams.transitions import Move, StateMachine

from .models import DSRStatus

_EDIT = "privacy.edit"

DSR_MACHINE = StateMachine(
    name="data-subject request",
    states=DSRStatus,
    moves=[
        Move(DSRStatus.RECEIVED, DSRStatus.IN_PROGRESS, _EDIT),
        Move(DSRStatus.RECEIVED, DSRStatus.COMPLETED, _EDIT),
        Move(DSRStatus.RECEIVED, DSRStatus.REFUSED, _EDIT),
        Move(DSRStatus.IN_PROGRESS, DSRStatus.COMPLETED, _EDIT),
        Move(DSRStatus.IN_PROGRESS, DSRStatus.REFUSED, _EDIT),
    ],
)
