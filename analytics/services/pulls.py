"""Connector pulls (S2.3.3 (2)): each connected account's metrics, since its last success.

One pull reads an account's points from ``since`` to yesterday through its
connector (which splits the range into the platform's per-call spans itself:
WeChat's datacube serves article summaries one day a call, user summaries
seven) and stores them as ``connector`` points. ``since`` is:

- the day after the last pulled day, less ``REVISE_DAYS - 1`` days: platforms
  revise their recent figures (WeChat serves yesterday only after 08:00 and
  keeps counting an article's reads for days), so the last days are read again
  — harmless, a re-pulled point updates its row;
- on the first pull, the start of the earliest campaign the account serves;
- never earlier than the platform's data window (``Platform.data_retention_days``,
  ``DEFAULT_WINDOW_DAYS`` when unknown): older days are gone on the platform.

Which campaign a pulled point belongs to:

1. a per-post point of a post CampaignOps published (a publication of the
   account with that external id) belongs to that publication's campaign,
   content item and publication, whatever the campaign's status;
2. every other point belongs to the campaign that *targets the account* on the
   point's day: among the team's campaigns that are running or being evaluated
   (late platform data for a campaign's last days arrives while it is
   evaluated) and whose dates contain the day, those with content for the
   account (a content variant or a publication on it) come first, else those
   with a KPI on the account's platform; among several, the latest started
   (then the lowest id). A post published outside CampaignOps keeps its own
   content key (a negative number derived from the post id), so its figures
   add up with the others instead of overwriting them;
3. a day no campaign targets is not stored.

Failures are recorded on the account's pull state and its connection health
(an auth failure flags the account for reconnection); a transient one is
raised again for the task to retry with backoff.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from platforms import services as platform_services
from platforms.connectors import ConnectorError, TransientConnectorError, connector_for
from platforms.models import PlatformAccount

from ..models import AccountPullState, MetricSource
from ..selectors.metrics import PULLING_STATUSES
from .store import STORED_METRICS, PointError, PointStage, UpsertCounts, point_value

logger = logging.getLogger("campaignops.analytics")

REVISE_DAYS = 2
DEFAULT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Claim:
    """A campaign's claim on an account's days."""

    campaign_id: int
    start: datetime.date
    end: datetime.date
    by_content: bool

    def rank(self) -> tuple:
        return (self.by_content, self.start, -self.campaign_id)


def campaign_claims(account: PlatformAccount) -> list[Claim]:
    """The campaigns that may claim the account's days (rule 2), best first."""
    from campaigns.content.models import ContentVariant
    from campaigns.planning.models import KPI, Campaign
    from campaigns.publishing.models import Publication

    statuses = PULLING_STATUSES
    content = Exists(ContentVariant.objects.filter(
        item__campaign_id=OuterRef("pk"), account_id=account.pk
    )) | Exists(Publication.objects.filter(
        item__campaign_id=OuterRef("pk"), account_id=account.pk
    ))
    kpi = Exists(KPI.objects.filter(goal__campaign_id=OuterRef("pk"), platform_id=account.platform_id))
    rows = (
        Campaign.objects.filter(team_id=account.team_id, status__in=statuses)
        .annotate(by_content=content, by_kpi=kpi)
        .filter(Q(by_content=True) | Q(by_kpi=True))
        .values_list("pk", "start_date", "end_date", "by_content")
    )
    claims = [Claim(pk, start, end, bool(by_content)) for pk, start, end, by_content in rows]
    return sorted(claims, key=Claim.rank, reverse=True)


def _claimant(claims: list[Claim], day: datetime.date) -> int | None:
    for claim in claims:
        if claim.start <= day <= claim.end:
            return claim.campaign_id
    return None


def outside_post_key(post_id: str) -> int:
    """The content key of a post not published through CampaignOps: negative, stable."""
    digest = hashlib.sha256(post_id.encode()).digest()
    return -(int.from_bytes(digest[:7], "big") + 1)


def pull_since(
    account: PlatformAccount, state: AccountPullState, claims: list[Claim], today: datetime.date
) -> datetime.date:
    """The first day the next pull reads (see the module docstring)."""
    window = account.platform.data_retention_days or DEFAULT_WINDOW_DAYS
    earliest = today - datetime.timedelta(days=window)
    if state.pulled_through is not None:
        since = state.pulled_through - datetime.timedelta(days=REVISE_DAYS - 1)
    elif claims:
        since = min(claim.start for claim in claims)
    else:
        since = today - datetime.timedelta(days=REVISE_DAYS)
    return min(max(since, earliest), today - datetime.timedelta(days=1))


@dataclass
class PullResult:
    since: datetime.date
    counts: UpsertCounts
    # Points no campaign claims, of metrics the store does not keep, or with unusable values.
    skipped: int = 0


def _record_failure(account: PlatformAccount, state: AccountPullState, error: ConnectorError) -> None:
    state.consecutive_failures += 1
    state.error_kind = error.kind
    state.error_code = str(error.code if error.code is not None else "")[:40]
    state.save(update_fields=["consecutive_failures", "error_kind", "error_code", "last_attempt_at"])
    platform_services.account_record_connector_error(account=account, error=error)


def account_metrics_pull(
    *, account: PlatformAccount, retry_transient: bool = False, today: datetime.date | None = None
) -> PullResult | None:
    """Pull the account's metrics since its last success and store them.

    Returns what was stored, or None when the pull failed (recorded on the
    account's pull state and connection health). A transient failure is raised
    again when ``retry_transient``, for the task to retry later.
    """
    from campaigns.publishing.models import Publication

    today = today or timezone.localdate()
    state, _created = AccountPullState.objects.get_or_create(account=account)
    state.last_attempt_at = timezone.now()
    claims = campaign_claims(account)
    since = pull_since(account, state, claims, today)
    try:
        points = connector_for(account).fetch_metrics(account, since)
    except TransientConnectorError as exc:
        _record_failure(account, state, exc)
        if retry_transient:
            raise
        return None
    except ConnectorError as exc:
        _record_failure(account, state, exc)
        return None
    published = {
        external_id: (pk, item_id, campaign_id)
        for external_id, pk, item_id, campaign_id in Publication.objects.filter(
            account_id=account.pk
        ).exclude(external_id="").values_list("external_id", "pk", "item_id", "item__campaign_id")
    }
    skipped = 0
    with transaction.atomic():
        with PointStage(source=MetricSource.CONNECTOR) as stage:
            for pulled in points:
                post_id = str(pulled.post_id or "")
                item_id = publication_id = content_key = None
                campaign_id: int | None
                if post_id and post_id in published:
                    publication_id, item_id, campaign_id = published[post_id]
                else:
                    campaign_id = _claimant(claims, pulled.date)
                    if post_id:
                        content_key = outside_post_key(post_id)
                hour = pulled.hour if pulled.hour is not None else -1
                if campaign_id is None or pulled.metric not in STORED_METRICS or not -1 <= hour <= 23:
                    skipped += 1
                    continue
                try:
                    value = point_value(pulled.value)
                except PointError:
                    logger.warning(
                        "Pull of account %s: %s on %s has an unusable value %r; skipped",
                        account.pk, pulled.metric, pulled.date, pulled.value,
                    )
                    skipped += 1
                    continue
                stage.add_valid(
                    campaign_id, account.pk, item_id, publication_id, pulled.date, hour,
                    pulled.metric, value, content_key=content_key,
                )
            counts = stage.merge()
        # The connector answered for every day up to yesterday (it serves no later ones).
        state.pulled_through = today - datetime.timedelta(days=1)
        state.last_success_at = timezone.now()
        state.consecutive_failures = 0
        state.error_kind = state.error_code = ""
        state.save()
    platform_services.account_record_sync(account=account)
    logger.info(
        "Pulled account %s since %s: %s added, %s updated, %s unchanged, %s skipped",
        account.pk, since, counts.added, counts.updated, counts.unchanged, skipped,
    )
    return PullResult(since=since, counts=counts, skipped=skipped)
