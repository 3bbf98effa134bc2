"""KPI results from the metric store (S2.4.1): ``KPI.achieved`` follows the data.

A KPI's result is recorded through the planning service, so the audit trail
and the rate checks stay where the plan lives; the system records it (no
acting user) at each review, which is how the SMART check's "best earlier
result" of later plans gets its data.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from campaigns.planning.models import Campaign
from campaigns.planning.services import kpi_record_achieved

from ..selectors.kpis import PLACES, KPIStatus, kpi_statuses, kpis_of_campaigns

logger = logging.getLogger(__name__)


def kpis_record_achieved(
    *, campaign: Campaign, today: datetime.date | None = None
) -> list[KPIStatus]:
    """Record each KPI's measured value as its ``achieved``; KPIs without data keep theirs.

    Returns the statuses the values came from. Recording the same value again
    changes nothing.
    """
    statuses = kpi_statuses(kpis_of_campaigns([campaign.pk]), today=today)
    for status in statuses:
        kpi = status.kpi
        if status.actual is None:
            continue
        # KPI values keep four places, as the plan's fields do.
        value = status.actual.quantize(PLACES)
        if kpi.is_rate:
            value = min(value, Decimal(1))
        if kpi.achieved == value:
            continue
        kpi_record_achieved(actor=None, kpi=kpi, achieved=value)
    return statuses
