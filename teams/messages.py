"""Messages stored once and read in each reader's language.

Jobs write notifications and agendas for people who read different
languages, so a stored message is an untranslated message id (marked with
``gettext_noop``) plus parameters, like ``AuditEvent.summary``. A parameter
that is itself a label to translate (a status, a phase kind) is stored as
``{"t": msgid}`` or ``{"t": msgid, "c": context}``; ``label_param`` builds it
from a ``TextChoices`` label.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext


def label_param(label: Promise | str, *, context: str = "") -> dict[str, str]:
    """A label (e.g. ``CampaignStatus.RUNNING.label``) as a parameter translated when read.

    A ``pgettext_lazy`` label keeps its context (its lazy arguments are
    ``(context, msgid)``), so "Open" of an incident stays the incident's word.
    """
    args = getattr(label, "_args", ())
    if isinstance(label, Promise) and len(args) == 2 and not context:
        context, msgid = str(args[0]), str(args[1])
    else:
        with translation.override(None):
            msgid = str(label)
    return {"t": msgid, "c": context} if context else {"t": msgid}


def _param(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        msgid = str(value["t"])
        return pgettext(value["c"], msgid) if value.get("c") else gettext(msgid)
    return value


def render_message(msgid: str, params: dict | None = None) -> str:
    """``msgid`` in the active language with its ``%(name)s`` placeholders filled.

    A placeholder the parameters lack leaves the translated text unfilled
    rather than failing: a stored message must always be readable.
    """
    text = gettext(msgid) if msgid else ""
    if not params:
        return text
    try:
        return text % {key: _param(value) for key, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return text
