"""Helpers of the ingest tests: points written through the store, as every door writes them."""

import datetime
from decimal import Decimal

from analytics.services.store import PointIn, points_upsert

# A fixed day in the past, so dates never depend on when the suite runs.
DAY = datetime.date(2026, 3, 10)


def point(campaign, account, metric, value, *, day=DAY, **fields) -> PointIn:
    return PointIn(
        campaign_id=campaign.pk, account_id=account.pk, date=day, metric=metric,
        value=Decimal(str(value)), **fields,
    )


def store(*points: PointIn, source: str = "import"):
    """Write ``points`` through the store (never rollups by hand)."""
    return points_upsert(points=list(points), source=source)
