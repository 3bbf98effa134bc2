"""Write side of compliance: rule sets, stored checks, overrides, filings (S3.1.1, S3.2.2)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from platforms.models import Platform
from teams.models import Team
from teams.selectors import teams_where, user_can, user_can_anywhere
from teams.services import audit_record
from teams.uploads import upload_validate

from . import checker, platform_names
from .checker import shipped
from .models import (
    ContentCheck,
    FilingDocument,
    FindingOverride,
    PromotionFiling,
    Rule,
    RuleSet,
    Severity,
    Term,
    TermKind,
)

DEFAULT_RULES_FILE = shipped.DEFAULT_RULES_FILE
MAX_TEXT_LENGTH = 50_000
OVERRIDE_REASON_MIN_LENGTH = 10


# --- rule sets ----------------------------------------------------------------------

def default_rules_data(path: Path = DEFAULT_RULES_FILE) -> list[dict[str, Any]]:
    """The rule catalogue shipped in ``compliance/advertising/rules/default.toml``."""
    return shipped.load_rows(path)


def _create_rule(ruleset: RuleSet, data: dict[str, Any], platforms: dict[str, Platform]) -> Rule:
    rule = Rule.objects.create(
        ruleset=ruleset, code=data["code"], category=data["category"],
        severity=data["severity"], detector=data.get("detector", ""),
        basis_zh=data["basis_zh"], basis_en=data["basis_en"],
        message_zh=data["message_zh"], message_en=data["message_en"],
        unless_pattern=data.get("unless", ""), params=data.get("params", {}),
    )
    scoped = [platforms[c] for c in data.get("platforms", []) if c in platforms]
    if scoped:
        rule.platforms.set(scoped)
    Term.objects.bulk_create(
        Term(rule=rule, text=text, kind=kind, note=note)
        for (text, kind), note in shipped.rule_terms(data).items()
    )
    return rule


def ruleset_ensure_default(*, name: str = "default") -> RuleSet:
    """Load the shipped rule catalogue into the database; idempotent.

    Creates the rule set and any rule of the data file it does not have yet;
    never touches rules that exist (admins own them once loaded).
    """
    data = default_rules_data()
    with transaction.atomic():
        ruleset, created = RuleSet.objects.get_or_create(name=name)
        have = set(ruleset.rules.values_list("code", flat=True))
        missing = [row for row in data if row["code"] not in have]
        if missing:
            platforms = {p.code: p for p in Platform.objects.all()}
            for row in missing:
                _create_rule(ruleset, row, platforms)
            if not created:
                RuleSet.objects.filter(pk=ruleset.pk).update(
                    version=F("version") + 1, updated_at=timezone.now()
                )
                ruleset.refresh_from_db()
    if missing:
        checker.invalidate()
    return ruleset


def ruleset_reload_default(*, actor: User | None, name: str = "default") -> dict[str, int]:
    """Reset the shipped rules' words, patterns, exemptions, ``unless`` and params to the data file.

    An explicit admin action (``manage.py reload_content_rules``) for rule sets loaded
    before the data file changed: admin-added words of those rules are removed too,
    while enabled/severity/platform choices are kept. A new version, audited.
    """
    _require_rule_admin(actor)
    data = {row["code"]: row for row in default_rules_data()}
    counts = {"added": 0, "removed": 0}
    with transaction.atomic():
        ruleset = ruleset_ensure_default(name=name)
        for rule in Rule.objects.select_for_update().filter(ruleset=ruleset, code__in=data):
            row = data[rule.code]
            wanted = shipped.rule_terms(row)
            have = {(t.text, t.kind): t for t in rule.terms.all()}
            stale = [t.pk for key, t in have.items() if key not in wanted]
            counts["removed"] += len(stale)
            Term.objects.filter(pk__in=stale).delete()
            new = [
                Term(rule=rule, text=text, kind=kind, note=note)
                for (text, kind), note in wanted.items() if (text, kind) not in have
            ]
            counts["added"] += len(new)
            Term.objects.bulk_create(new)
            Term.objects.filter(rule=rule, enabled=False, text__in=[k[0] for k in wanted]).update(
                enabled=True
            )
            rule.unless_pattern = row.get("unless", "")
            rule.params = row.get("params", {})
            rule.detector = row.get("detector", "")
            rule.save(update_fields=["unless_pattern", "params", "detector"])
        ruleset_bump_version(
            actor=actor, ruleset=ruleset,
            summary=f"reload default rules: +{counts['added']} -{counts['removed']}",
        )
    return counts


def _require_rule_admin(actor: User | None) -> None:
    if actor is None:
        return  # system loads (migrate, demo, bench)
    if not (actor.is_superuser or user_can_anywhere(actor, "compliance.manage_rules")):
        raise PermissionDenied(_("Only managers and administrators may edit content rules."))


def ruleset_bump_version(
    *, actor: User | None, ruleset: RuleSet, summary: str = ""
) -> RuleSet:
    """Record that the rules changed: a new version, audited; checks after it record it."""
    with transaction.atomic():
        RuleSet.objects.filter(pk=ruleset.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        ruleset.refresh_from_db()
        audit_record(
            actor=actor, action="compliance.ruleset_edit", target=ruleset,
            summary=gettext_noop("Content rules changed; now version %(version)s"),
            data={"version": ruleset.version, "change": summary},
        )
    checker.invalidate()
    return ruleset


def rule_word_lists(rule: Rule | None) -> set[str]:
    """Names of the word lists a rule holds (what its patterns may write as ``{name}``)."""
    if rule is None or rule.pk is None:
        return set()
    names = set()
    for text in Term.objects.filter(rule=rule, kind=TermKind.LEXICON).values_list("text", flat=True):
        parsed = checker.engine.parse_lexicon(text)
        if parsed is not None:
            names.add(parsed[0])
    return names


def term_problem(*, rule: Rule | None, text: str, kind: str) -> str | None:
    """Why a term cannot be saved on ``rule``, in the user's language, or None when it can.

    Patterns must compile with the rule's word lists filled in, word-list entries
    read ``name: word``, part-of-speech terms ``anchor : tags``. Admin forms and
    ``term_add`` both ask this, so a broken term is refused, never skipped later.
    """
    problem = checker.engine.term_error(text, kind, rule_word_lists(rule))
    if problem is None:
        return None
    reason, detail = problem
    if reason == "lexicon_syntax":
        return _("Write a word list entry as “name: word” (the name in lower-case letters).")
    if reason == "pos_syntax":
        return _(
            "Write “word : tags”, the tags being jieba part-of-speech tags such as a, v or n."
        )
    if reason == "unknown_list":
        return _("This rule has no word list named “%(name)s”.") % {"name": detail}
    return _("Not a valid regular expression: %(error)s") % {"error": detail}


def term_add(
    *, actor: User | None, rule: Rule, text: str, kind: str = TermKind.WORD,
    note: str = "",
) -> Term:
    """Add a word (or pattern, or exemption) to a rule; bumps the rule set version."""
    _require_rule_admin(actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Enter the word or pattern.")})
    if kind not in TermKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    problem = term_problem(rule=rule, text=text, kind=kind)
    if problem is not None:
        raise ValidationError({"text": problem})
    with transaction.atomic():
        term, _created = Term.objects.update_or_create(
            rule=rule, text=text, kind=kind, defaults={"note": note, "enabled": True}
        )
        ruleset_bump_version(actor=actor, ruleset=rule.ruleset, summary=f"+{rule.code} {text}")
    return term


def rule_update(*, actor: User | None, rule: Rule, **changes: Any) -> Rule:
    """Change a rule (enable/disable, severity, messages, scope ...); bumps the version."""
    _require_rule_admin(actor)
    platforms = changes.pop("platforms", None)
    allowed = {f.name for f in Rule._meta.get_fields() if isinstance(f, models.Field)} - {"id", "ruleset"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})
    if changes.get("unless_pattern"):
        error = checker.engine.regex_error(changes["unless_pattern"])
        if error is not None:
            raise ValidationError(
                {"unless_pattern": _("Not a valid regular expression: %(error)s") % {"error": error}}
            )
    with transaction.atomic():
        for name, value in changes.items():
            setattr(rule, name, value)
        rule.full_clean()
        rule.save()
        if platforms is not None:
            rule.platforms.set(platforms)
        ruleset_bump_version(actor=actor, ruleset=rule.ruleset, summary=f"{rule.code} {sorted(changes)}")
    return rule


# --- checks -------------------------------------------------------------------------

def platform_resolve(value: str) -> Platform | None:
    """The catalogue platform ``value`` names: a code, a Chinese or English name, or a
    common alias (wechat, 微信, 公众号 → WeChat Official Account; B站; 天猫 …).

    Case, full-width forms, spaces and dots do not matter; None when nothing matches.
    """
    key = platform_names.name_key(value or "")
    if not key:
        return None
    platforms = list(Platform.objects.all())
    for platform in platforms:
        if key in (
            platform_names.name_key(platform.code), platform_names.name_key(platform.name_zh),
            platform_names.name_key(platform.name_en),
        ):
            return platform
    code = platform_names.alias_code(value)
    return next((p for p in platforms if p.code == code), None)


def platform_understood(platform: Platform | None) -> dict[str, str] | None:
    """How the doors say which platform they checked for: code and name in the reader's language."""
    if platform is None:
        return None
    return {"code": platform.code, "name": platform.name}


def check_input_clean(
    *, text: Any, platform: Any = None
) -> tuple[str, Platform | None]:
    """Validate checker input the same way for API, UI and command line.

    Raises ValidationError with field errors: empty or over-long text, or a
    platform that is not in the catalogue by code, name or alias (the message
    lists the known codes).
    """
    errors: dict[str, str] = {}
    if not isinstance(text, str) or not text.strip():
        errors["text"] = _("Enter the text to check.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("The text is too long: at most %(max)s characters.") % {
            "max": f"{MAX_TEXT_LENGTH:,}"
        }
    platform_obj = None
    if isinstance(platform, Platform):
        platform_obj = platform
    elif platform not in (None, "") and not (isinstance(platform, str) and not platform.strip()):
        platform_obj = platform_resolve(platform) if isinstance(platform, str) else None
        if platform_obj is None:
            known = ", ".join(Platform.objects.order_by("sort_order", "code").values_list("code", flat=True))
            errors["platform"] = _("Unknown platform “%(code)s”. Known platforms: %(known)s.") % {
                "code": platform, "known": known,
            }
    if errors:
        raise ValidationError(errors)
    return text, platform_obj


_PAID_TRUE = frozenset({"true", "1"})
_PAID_FALSE = frozenset({"false", "0", ""})


def paid_flag_clean(value: Any) -> bool:
    """The ``is_paid_promotion`` flag, parsed the same way for API and command line.

    Accepts JSON booleans, the integers 1/0 and the strings "true"/"false"/"1"/"0"
    (any case); missing or null is false. Anything else is a field error, never
    a truthy guess (the string "false" is false).
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _PAID_TRUE:
            return True
        if lowered in _PAID_FALSE:
            return False
    raise ValidationError(
        {"is_paid_promotion": _("Must be true or false (or \"true\"/\"false\", \"1\"/\"0\").")}
    )


def _only_check_team(actor: User) -> Team:
    """The one team where the actor may run checks; a ``team`` field error otherwise."""
    allowed = teams_where(actor, "compliance.check")
    if len(allowed) == 1:
        return allowed[0]
    if not allowed:
        raise ValidationError({"team": _("You are in no team that may run checks.")})
    raise ValidationError({"team": _("Choose a team.")})


def content_check_run(
    *,
    actor: User,
    team: Team | None = None,
    text: str,
    platform: Platform | str | None = None,
    is_paid_promotion: bool = False,
    filing: PromotionFiling | None = None,
    content: models.Model | None = None,
) -> ContentCheck:
    """Check a text and store the result with the rule-set version it ran (S3.1.1).

    The check belongs to ``team`` when given (the actor must hold
    ``compliance.check`` there), else to the one team where the actor holds it;
    with several such teams (or none) it is a ``team`` field error, never a guess.
    """
    if team is not None and not user_can(actor, team, "compliance.check"):
        raise PermissionDenied(_("You may not run checks for this team."))
    errors: dict[str, list[str]] = {}
    try:
        text, platform_obj = check_input_clean(text=text, platform=platform)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if team is None:
        try:
            team = _only_check_team(actor)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert team is not None  # no team given and none found is a field error above
    if filing is not None and filing.team_id != team.pk:
        raise ValidationError({"filing": _("This filing belongs to another team.")})
    compiled = checker.compiled_rules()
    assert compiled.version is not None  # the active rule set is compiled with its version
    result = checker.check_text(
        text, platform=platform_obj, is_paid_promotion=is_paid_promotion, filing=filing,
        rules=compiled,
    )
    with transaction.atomic():
        check = ContentCheck.objects.create(
            team=team, text=text, platform=platform_obj, is_paid_promotion=is_paid_promotion,
            filing=filing, ruleset_id=compiled.key[0], ruleset_version=compiled.version,
            findings=[f.to_record() for f in result.findings],
            exemptions=[e.to_dict() for e in result.exemptions],
            passed=result.passed, cleared=result.passed,
            content_type=ContentType.objects.get_for_model(content) if content is not None else None,
            content_id=str(content.pk) if content is not None else "",
            created_by=actor,
        )
    return check


def finding_override(
    *, actor: User, check: ContentCheck, finding_index: int, reason: str
) -> FindingOverride:
    """Let one blocking finding pass, with a written reason; audited (S3.1.1).

    The check counts as cleared once every blocking finding is overridden.
    """
    if not user_can(actor, check.team, "compliance.override"):
        raise PermissionDenied(_("Only reviewers, managers and administrators may override findings."))
    reason = (reason or "").strip()
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": _("Write the reason for the override (at least %(n)s characters).")
             % {"n": OVERRIDE_REASON_MIN_LENGTH}}
        )
    findings = check.findings or []
    if not isinstance(finding_index, int) or not 0 <= finding_index < len(findings):
        raise ValidationError({"finding_index": _("No such finding on this check.")})
    finding = findings[finding_index]
    if finding.get("severity") != Severity.BLOCK:
        raise ValidationError({"finding_index": _("Only blocking findings need an override.")})
    with transaction.atomic():
        locked = ContentCheck.objects.select_for_update().get(pk=check.pk)
        if FindingOverride.objects.filter(check_run=locked, finding_index=finding_index).exists():
            raise ValidationError({"finding_index": _("This finding is already overridden.")})
        override = FindingOverride.objects.create(
            check_run=locked, finding_index=finding_index, rule_code=finding.get("rule", ""),
            match=(finding.get("match") or "")[:200], reason=reason, overridden_by=actor,
        )
        overridden = set(locked.overrides.values_list("finding_index", flat=True))
        blocking = {i for i, f in enumerate(findings) if f.get("severity") == Severity.BLOCK}
        locked.cleared = blocking <= overridden
        locked.save(update_fields=["cleared"])
        check.cleared = locked.cleared
        audit_record(
            actor=actor, action="compliance.override", target=locked, team=locked.team,
            reason=reason,
            summary=gettext_noop("Overrode finding %(rule)s (“%(match)s”)"),
            data={"rule": override.rule_code, "match": override.match, "finding_index": finding_index},
        )
    return override


# --- filings (S3.2.2) ---------------------------------------------------------------

_FILING_FIELDS = (
    "platform", "filing_number", "contract_reference", "amount_cny", "starts_on", "ends_on", "notes",
)


def _filing_validate(data: dict[str, Any]) -> None:
    errors = {}
    if not (data.get("filing_number") or "").strip():
        errors["filing_number"] = _("Enter the filing or registration number.")
    amount = data.get("amount_cny")
    if amount is None or Decimal(str(amount)) < 0:
        errors["amount_cny"] = _("Enter an amount of zero or more.")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, datetime.date):
        errors["starts_on"] = _("Enter a start date.")
    if not isinstance(ends, datetime.date):
        errors["ends_on"] = _("Enter an end date.")
    elif isinstance(starts, datetime.date) and ends < starts:
        errors["ends_on"] = _("The end date must not be before the start date.")
    if data.get("platform") is None:
        errors["platform"] = _("Choose a platform.")
    if errors:
        raise ValidationError(errors)


def _filing_number_taken(
    *, team: Team, platform: Platform, number: str, exclude: PromotionFiling | None = None
) -> bool:
    others = PromotionFiling.objects.filter(team=team, platform=platform, filing_number=number)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def filing_create(
    *,
    actor: User,
    team: Team,
    platform: Platform | None = None,
    filing_number: str = "",
    contract_reference: str = "",
    amount_cny: Decimal | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    notes: str = "",
    document: UploadedFile | None = None,
    document_title: str = "",
) -> PromotionFiling:
    """Record a paid-promotion filing for a team, with its first document if given; audited.

    The filing and its document are stored together or not at all.
    """
    if not user_can(actor, team, "filing.edit"):
        raise PermissionDenied(_("You may not edit filings of this team."))
    fields: dict[str, Any] = {
        "platform": platform, "filing_number": filing_number,
        "contract_reference": contract_reference or "", "amount_cny": amount_cny,
        "starts_on": starts_on, "ends_on": ends_on, "notes": notes or "",
    }
    _filing_validate(fields)
    assert platform is not None  # _filing_validate refused a missing platform
    fields["filing_number"] = fields["filing_number"].strip()
    if _filing_number_taken(team=team, platform=platform, number=fields["filing_number"]):
        raise ValidationError({"filing_number": _("This team already has a filing with this number.")})
    with transaction.atomic():
        filing = PromotionFiling.objects.create(team=team, created_by=actor, **fields)
        audit_record(
            actor=actor, action="filing.create", target=filing, team=team,
            summary=gettext_noop("Filing %(number)s recorded"), data={"number": filing.filing_number},
        )
        if document is not None:
            filing_document_add(actor=actor, filing=filing, file=document, title=document_title)
    return filing


def filing_update(
    *, actor: User, filing: PromotionFiling, team: Team | None = None, **changes: Any
) -> PromotionFiling:
    """Change a filing's fields (those not given keep their value); audited.

    A filing stays in its team: naming another team is a ``team`` field error.
    """
    if not user_can(actor, filing.team, "filing.edit"):
        raise PermissionDenied(_("You may not edit filings of this team."))
    if team is not None and team.pk != filing.team_id:
        raise ValidationError({"team": _("A filing cannot move to another team.")})
    unknown = set(changes) - set(_FILING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    fields = {k: changes.get(k, getattr(filing, k)) for k in _FILING_FIELDS}
    fields["contract_reference"] = fields["contract_reference"] or ""
    fields["notes"] = fields["notes"] or ""
    _filing_validate(fields)
    fields["filing_number"] = fields["filing_number"].strip()
    if _filing_number_taken(
        team=filing.team, platform=fields["platform"], number=fields["filing_number"], exclude=filing
    ):
        raise ValidationError({"filing_number": _("This team already has a filing with this number.")})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(filing, name, value)
        filing.save()
        audit_record(
            actor=actor, action="filing.update", target=filing, team=filing.team,
            summary=gettext_noop("Filing %(number)s changed"), data={"number": filing.filing_number},
        )
    return filing


def filing_delete(*, actor: User, filing: PromotionFiling) -> None:
    """Delete a filing; checks that referenced it keep their stored result."""
    if not user_can(actor, filing.team, "filing.edit"):
        raise PermissionDenied(_("You may not edit filings of this team."))
    with transaction.atomic():
        audit_record(
            actor=actor, action="filing.delete", target=None, team=filing.team,
            summary=gettext_noop("Filing %(number)s deleted"), data={"number": filing.filing_number},
        )
        filing.delete()


def filing_document_add(
    *, actor: User, filing: PromotionFiling, file: UploadedFile, title: str = ""
) -> FilingDocument:
    """Attach a document (contract, platform receipt) to a filing; audited.

    The file must be a PDF, JPEG, PNG or WebP by content and within the upload
    cap (``teams.uploads``); it is stored under a name of its own with the type
    found, which is the type it is later downloaded with. A title over its
    column's limit is refused, never cut.
    """
    if not user_can(actor, filing.team, "filing.edit"):
        raise PermissionDenied(_("You may not edit filings of this team."))
    if file is None:
        raise ValidationError({"file": _("Choose a file.")})
    title = (title or "").strip()
    limit = cast(int, FilingDocument._meta.get_field("title").max_length)
    errors: dict[str, str] = {}
    if len(title) > limit:
        errors["title"] = _("Keep this to %(max)s characters (it has %(count)s).") % {
            "max": limit, "count": len(title),
        }
    checked = None
    try:
        checked = upload_validate(file, field="file")
    except ValidationError as exc:
        errors.update({key: value[0] for key, value in exc.message_dict.items()})
    if errors or checked is None:
        raise ValidationError(errors)
    # Without a title the uploader's file name names the document (cut to fit:
    # it is a label the user did not type as one); the stored name is ours.
    title = title or Path(file.name or "").name[:limit]
    file.name = f"filing-{uuid.uuid4().hex[:16]}.{checked.extension}"
    with transaction.atomic():
        document = FilingDocument.objects.create(
            filing=filing, file=file, content_type=checked.content_type, title=title,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor, action="filing.document", target=filing, team=filing.team,
            summary=gettext_noop("Document “%(title)s” added"), data={"title": document.title},
        )
    return document
