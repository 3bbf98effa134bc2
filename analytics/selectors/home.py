"""KPI progress of campaigns for the home dashboard's "my campaigns" panel.

Campaign planning shows the panel but may not import analytics (a higher
floor), where KPI progress is measured from the metric store; analytics
registers this reading with the panel registry when it starts
(``teams.panels.register_campaign_progress``, from ``AnalyticsConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from teams.panels import Progress

from .kpis import (
    PACING_COLOURS,
    PACING_LABELS,
    kpi_statuses,
    kpis_of_campaigns,
    worst_pacing,
)


def campaign_kpi_progress(campaign_ids: Iterable[int]) -> dict[int, Progress]:
    """Per campaign: the weighted share of target its KPIs reached (each capped at 100 %), its
    most worrying pacing. Two queries (KPIs, rollups) whatever the number of campaigns."""
    by_campaign: dict[int, list] = {}
    for status in kpi_statuses(kpis_of_campaigns(campaign_ids)):
        by_campaign.setdefault(status.kpi.goal.campaign_id, []).append(status)
    progress = {}
    for campaign_id, statuses in by_campaign.items():
        # Weighted and capped as on the KPI dashboard, so both pages say the same figure.
        shares = [
            (min(s.progress, Decimal(1)), s.kpi.weight if s.kpi else 1)
            for s in statuses if s.progress is not None
        ]
        weight = sum(w for _share, w in shares)
        if not shares or not weight:
            continue
        pacing = worst_pacing(statuses)
        mean = sum(share * w for share, w in shares) / weight
        progress[campaign_id] = Progress(
            percent=int((mean * 100).to_integral_value()),
            label=str(PACING_LABELS[pacing]) if pacing else "",
            tone=PACING_COLOURS.get(pacing or "", "primary"),
        )
    return progress
