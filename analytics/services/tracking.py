"""First-party tracking links (S2.3.3 (2)): short links with UTM parameters, clicks, conversions.

A tracking link belongs to a campaign, an account (the channel) and optionally
a content item. Its public click endpoint counts the click as an hourly
``clicks`` point (source ``tracking``) and redirects to the target with the
link's UTM parameters; nothing about the visitor is stored — no IP address, no
user agent, no cookie — so a click is not personal data.

A shop or landing page reports a conversion server to server: ``POST
/t/<code>/conversion`` with a JSON body ``{"order_id": "…", "revenue": "199.00",
"timestamp": <unix seconds>}`` and the header ``X-Signature: <hex HMAC-SHA256 of
the raw body with the campaign's tracking secret>``. A body signed more than
five minutes from now is refused (a captured call cannot be replayed later);
within that window a repeated order id is recorded once (``Conversion`` is
unique per link and order). A conversion adds 1 to ``conversions``, its
revenue to ``revenue`` and, when it has revenue, 1 to ``orders`` — points of
the link's campaign, account and content at the hour it happened.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import string
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from platforms.crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from platforms.metrics import Metric
from teams.selectors import user_can
from teams.services import audit_record

from ..models import Conversion, MetricSource, TrackingLink, TrackingSecret
from .store import PointError, PointIn, point_value, points_increment

CODE_ALPHABET = string.ascii_lowercase + string.digits
CODE_LENGTH = 8
# How far a conversion's timestamp may be from the server's clock.
CONVERSION_MAX_SKEW = datetime.timedelta(minutes=5)
MAX_ORDER_ID = 120


def _require(actor: User | None, team_id: int) -> None:
    if actor is not None and not user_can(actor, team_id, "metrics.import"):
        raise PermissionDenied(_("You may not set up tracking for this team."))


def tracking_link_create(
    *,
    actor: User | None,
    campaign,
    account,
    target_url: str,
    content_item=None,
    utm_source: str = "",
    utm_medium: str = "",
    utm_campaign: str = "",
    utm_content: str = "",
) -> TrackingLink:
    """A new short link of ``campaign`` for ``account`` (and ``content_item``) to ``target_url``.

    The account and content must be the campaign's team's and campaign's; the
    target an http(s) URL. UTM parameters left empty get defaults: the
    platform's code, ``social``, ``campaign-<id>`` and ``content-<id>``.
    """
    _require(actor, campaign.team_id)
    errors: dict[str, str] = {}
    if account is None or account.team_id != campaign.team_id:
        errors["account"] = _("Choose one of the campaign team's accounts.")
    if content_item is not None and content_item.campaign_id != campaign.pk:
        errors["content_item"] = _("Choose content of this campaign.")
    try:
        URLValidator(schemes=["http", "https"])(target_url)
    except ValidationError:
        errors["target_url"] = _("Enter an http or https address.")
    if errors:
        raise ValidationError(errors)
    defaults = {
        "utm_source": utm_source.strip() or account.platform.code,
        "utm_medium": utm_medium.strip() or "social",
        "utm_campaign": utm_campaign.strip() or slugify(campaign.name) or f"campaign-{campaign.pk}",
        "utm_content": utm_content.strip() or (f"content-{content_item.pk}" if content_item else ""),
    }
    for attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                link = TrackingLink.objects.create(
                    team_id=campaign.team_id, campaign=campaign, account=account,
                    content_item=content_item, code=code, target_url=target_url,
                    created_by=actor if actor is not None and actor.is_authenticated else None,
                    **{key: value[:100] for key, value in defaults.items()},
                )
                audit_record(
                    actor=actor, action="tracking_link.create", target=link,
                    summary=gettext_noop("Created tracking link %(code)s"), data={"code": code},
                )
                return link
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def tracking_secret_rotate(*, actor: User | None, campaign) -> str:
    """A new signing secret for the campaign's conversion calls; returned once, stored encrypted.

    The previous secret stops working at once.
    """
    _require(actor, campaign.team_id)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        TrackingSecret.objects.update_or_create(
            campaign=campaign,
            defaults={"secret_ciphertext": encrypt_credentials({"secret": secret})},
        )
        audit_record(
            actor=actor, action="tracking_secret.rotate", target=campaign, team=campaign.team,
            summary=gettext_noop("Issued a new tracking secret"),
        )
    return secret


def tracking_redirect_url(link: TrackingLink) -> str:
    """The link's target with its UTM parameters (they replace any of the same name)."""
    parts = urlsplit(link.target_url)
    utm = {
        "utm_source": link.utm_source, "utm_medium": link.utm_medium,
        "utm_campaign": link.utm_campaign, "utm_content": link.utm_content,
    }
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    query += [(k, v) for k, v in utm.items() if v]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _point(link: TrackingLink, metric: str, value: Decimal, at: datetime.datetime) -> PointIn:
    local = timezone.localtime(at, link.team.zone)
    return PointIn(
        campaign_id=link.campaign_id, account_id=link.account_id, date=local.date(),
        metric=metric, value=value, content_item_id=link.content_item_id, hour=local.hour,
    )


def tracking_click_record(*, link: TrackingLink, at: datetime.datetime | None = None) -> None:
    """Count one click on ``link`` in the hour it happened (the team's time zone)."""
    points_increment(
        points=[_point(link, Metric.CLICKS, Decimal(1), at or timezone.now())],
        source=MetricSource.TRACKING,
    )


def _campaign_secret(link: TrackingLink) -> str:
    ciphertext = (
        TrackingSecret.objects.filter(campaign_id=link.campaign_id)
        .values_list("secret_ciphertext", flat=True).first()
    )
    if not ciphertext:
        return ""
    try:
        return str(decrypt_credentials(ciphertext).get("secret", ""))
    except CredentialsError:
        return ""


def _signature_matches(secret: str, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = signature.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(expected, given)


def tracking_conversion_record(
    *, link: TrackingLink, body: bytes, signature: str, now: datetime.datetime | None = None
) -> tuple[Conversion, bool]:
    """Record a signed conversion on ``link``; (conversion, True) when new, (existing, False)
    for an order already recorded.

    Raises ``PermissionDenied`` for a missing or wrong signature, a campaign
    without a secret, or a timestamp more than five minutes off;
    ``ValidationError`` for a body that is not the documented JSON.
    """
    secret = _campaign_secret(link)
    if not secret or not signature or not _signature_matches(secret, body, signature):
        raise PermissionDenied(_("The signature does not match."))
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError({"body": _("Send a JSON object.")}) from exc
    if not isinstance(payload, dict):
        raise ValidationError({"body": _("Send a JSON object.")})
    errors: dict[str, str] = {}
    order_id = payload.get("order_id")
    if not isinstance(order_id, str | int) or isinstance(order_id, bool) or not str(order_id).strip():
        errors["order_id"] = _("Give the order id.")
    elif len(str(order_id)) > MAX_ORDER_ID:
        errors["order_id"] = _("The order id is too long.")
    try:
        revenue = point_value(payload.get("revenue", 0) if payload.get("revenue") is not None else 0)
    except PointError:
        errors["revenue"] = _("Give the revenue as a number of at least 0.")
        revenue = Decimal(0)
    stamp = payload.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        errors["timestamp"] = _("Give the time as Unix seconds.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    # A stamp that is not a number was refused with the other errors above.
    assert isinstance(stamp, int | float)
    try:
        occurred = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValidationError({"timestamp": _("Give the time as Unix seconds.")}) from exc
    if abs(occurred - now) > CONVERSION_MAX_SKEW:
        raise PermissionDenied(_("The timestamp is more than five minutes off."))
    revenue = revenue.quantize(Decimal("0.01"))
    order_id = str(order_id).strip()
    with transaction.atomic():
        try:
            with transaction.atomic():
                conversion = Conversion.objects.create(
                    link=link, order_id=order_id, revenue=revenue, occurred_at=occurred
                )
        except IntegrityError:
            return Conversion.objects.get(link=link, order_id=order_id), False
        points = [_point(link, Metric.CONVERSIONS, Decimal(1), occurred)]
        if revenue > 0:
            points += [
                _point(link, Metric.REVENUE, revenue, occurred),
                _point(link, Metric.ORDERS, Decimal(1), occurred),
            ]
        points_increment(points=points, source=MetricSource.TRACKING)
    return conversion, True
