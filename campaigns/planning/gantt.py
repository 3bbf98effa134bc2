"""The campaign timeline as a plotly figure dict (S2.1.3), drawn in the browser.

No plotly import here: the figure is plain data; static/js/app.js draws it.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Campaign, PhaseKind

DAY_MS = 24 * 60 * 60 * 1000
PHASE_COLOURS = {
    PhaseKind.PRODUCTION: "#0d6efd",
    PhaseKind.PROMOTION: "#198754",
    PhaseKind.EVALUATION: "#fd7e14",
    PhaseKind.CUSTOM: "#6c757d",
}


def gantt_figure(campaign: Campaign, today: datetime.date | None = None) -> dict:
    """Horizontal bars (base = start, x = duration in ms) per phase, milestones as
    diamonds, and a dashed line for today. Uses the campaign's prefetched phases."""
    today = today or timezone.localdate()
    phases = list(campaign.phases.all())
    data: list[dict] = []
    for kind in PhaseKind:
        rows = [p for p in phases if p.kind == kind]
        if not rows:
            continue
        data.append({
            "type": "bar",
            "orientation": "h",
            "name": str(kind.label),
            "y": [p.label for p in rows],
            "base": [p.start_date.isoformat() for p in rows],
            "x": [((p.end_date - p.start_date).days + 1) * DAY_MS for p in rows],
            "marker": {"color": PHASE_COLOURS[kind]},
            "customdata": [[p.start_date.isoformat(), p.end_date.isoformat()] for p in rows],
            "hovertemplate": "%{y}: %{customdata[0]} – %{customdata[1]}<extra></extra>",
        })
    milestones = [(p, m) for p in phases for m in p.milestones.all()]
    if milestones:
        data.append({
            "type": "scatter",
            "mode": "markers",
            "name": _("Milestones"),
            "y": [p.label for p, _m in milestones],
            "x": [m.due_date.isoformat() for _p, m in milestones],
            "text": [m.title for _p, m in milestones],
            "marker": {
                "symbol": "diamond", "size": 12,
                "color": ["#198754" if m.done_at else "#dc3545" for _p, m in milestones],
            },
            "hovertemplate": "%{text}: %{x}<extra></extra>",
        })
    start = campaign.start_date.isoformat()
    # The axis ends after the last day; a date at the calendar's edge must not break the page.
    try:
        end = (campaign.end_date + datetime.timedelta(days=1)).isoformat()
    except OverflowError:
        end = campaign.end_date.isoformat()
    layout = {
        "barmode": "overlay",
        "height": 120 + 40 * max(len(phases), 1),
        # The left margin grows to fit the phase names (automargin) instead of a
        # fixed width that long names overflowed into the bars on a phone.
        "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
        # Numeric dates: Plotly's own month names are English whatever the page language.
        # Few ticks in a smaller font: the dates stay apart on a phone.
        "xaxis": {
            "type": "date", "range": [start, end], "nticks": 4, "automargin": True,
            "tickformat": "%Y-%m-%d", "hoverformat": "%Y-%m-%d", "tickfont": {"size": 10},
        },
        "yaxis": {"autorange": "reversed", "type": "category", "automargin": True},
        "legend": {"orientation": "h", "y": -0.2},
        "shapes": [{
            "type": "line", "xref": "x", "yref": "paper",
            "x0": today.isoformat(), "x1": today.isoformat(), "y0": 0, "y1": 1,
            "line": {"color": "#dc3545", "dash": "dash", "width": 2},
        }],
        "annotations": [{
            "x": today.isoformat(), "xref": "x", "y": 1, "yref": "paper",
            "text": _("Today"), "showarrow": False, "yanchor": "bottom",
        }],
    }
    return {"data": data, "layout": layout}
