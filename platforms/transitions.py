"""The verification status of a platform account: its moves and who may make them.

Editors (``platform_account.edit``) submit an account to the platform's review
and resubmit it after a rejection or a lapse; team leads
(``platform_account.verify``) record the platform's verdict. The daily expiry
job (no actor) may only mark a verified account whose qualification lapsed as
expired. Every other change — a rejected account straight back to verified, an
expired one to rejected, a verified one back to unverified — is refused.
"""

from teams.transitions import Move, StateMachine

from .models import VerificationStatus as S

EDIT = "platform_account.edit"
VERIFY = "platform_account.verify"

verification_machine = StateMachine(
    name="platform account verification",
    states=S,
    error_field="verification_status",
    moves=[
        # Submitted to the platform's review.
        Move(S.UNVERIFIED, S.PENDING, EDIT),
        Move(S.REJECTED, S.PENDING, EDIT),
        Move(S.EXPIRED, S.PENDING, EDIT),
        # The platform's verdict.
        Move(S.PENDING, S.VERIFIED, VERIFY),
        Move(S.PENDING, S.REJECTED, VERIFY),
        # An account the platform certified before it was registered here.
        Move(S.UNVERIFIED, S.VERIFIED, VERIFY),
        # A renewed certification recorded with its new dates, before or after it lapsed.
        Move(S.VERIFIED, S.VERIFIED, VERIFY),
        Move(S.EXPIRED, S.VERIFIED, VERIFY),
        # The platform withdrew the certification.
        Move(S.VERIFIED, S.REJECTED, VERIFY),
        # A document or the certification lapsed: the daily job, or a lead who learns of it.
        Move(S.VERIFIED, S.EXPIRED, VERIFY, automatic=True),
    ],
)
