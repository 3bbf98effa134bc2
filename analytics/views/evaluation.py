"""Evaluation pages (S2.4): dashboards, reviews, reports, diagnosis and actions.

Thin doors: selectors give the figures, services write; this module turns
figures into plotly figure dicts (drawn by static/js/app.js from JSON in the
page, no inline script) and into CSV and XLSX downloads of every chart.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from campaigns.planning.models import CampaignStatus
from campaigns.planning.selectors import campaigns_visible_to
from platforms.models import Platform, PlatformAccount
from teams.doors import StyledForm, apply_validation_error, get_or_404
from teams.models import Membership
from teams.selectors import user_can

from ..models import FindingKind
from ..selectors import dashboards
from ..selectors.dashboards import (
    BREAKDOWN_METRICS,
    CampaignDashboard,
    Filters,
    is_rate_like,
    metric_format,
    metric_name,
)
from ..selectors.kpis import PACING_BANDS, PACING_LABELS, KPIStatus, kpis_of_campaign
from ..services import diagnosis, optimisation, reviews

PACING_HEX = {"ahead": "#198754", "on_track": "#0d6efd", "behind": "#fd7e14", "at_risk": "#dc3545"}
CHARTS = ("kpis", "trend", "platforms", "accounts", "funnel", "content")
FORMATS = ("csv", "xlsx")
TREND_DEFAULTS = ("exposure", "clicks", "conversions", "orders", "revenue", "click_rate",
                  "conversion_rate", "aov", "followers_gained", "cost_per_conversion")


# --- figures --------------------------------------------------------------------------------


def _config(filename: str) -> dict:
    # The toolbar's language comes from static/js/app.js and the vendored zh-CN
    # locale; its camera button downloads the chart as PNG.
    return {
        "displaylogo": False, "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


def _layout(**extra) -> dict:
    layout = {
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40}, "height": 320,
        "font": {"family": "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
    }
    layout.update(extra)
    return layout


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def gauge_figure(status: KPIStatus, filename: str) -> dict:
    """A KPI's progress (actual ÷ target, %) on a gauge with today's straight-line mark."""
    progress = float(status.progress or 0) * 100
    expected = 100.0
    if status.expected is not None and status.target and not is_rate_like(status.metric):
        expected = float(status.expected / status.target) * 100
    top = max(100.0, progress * 1.1, expected)
    return {
        "data": [{
            "type": "indicator", "mode": "gauge+number", "value": round(progress, 1),
            "number": {"suffix": "%", "valueformat": ".1f"},
            "gauge": {
                "axis": {"range": [0, top]},
                "bar": {"color": PACING_HEX.get(status.pacing or "", "#6c757d")},
                "threshold": {"line": {"color": "#212529", "width": 3}, "value": expected},
            },
        }],
        "layout": _layout(height=190, margin={"l": 25, "r": 25, "t": 10, "b": 5}),
        "config": _config(filename),
    }


def trend_figure(dashboard: CampaignDashboard, metric: str, filename: str) -> dict:
    """The metric per day, its running total and the target's straight line (or target rate)."""
    series = dashboard.series(metric)
    days = [d.isoformat() for d, _v in series]
    name = metric_name(metric)
    # The KPI on this metric, the campaign-wide one before a per-platform one.
    candidates = sorted(
        (s for s in dashboard.statuses if s.metric == metric), key=lambda s: s.platform is not None
    )
    status = candidates[0] if candidates else None
    data = []
    if is_rate_like(metric):
        data.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": days,
                     "y": [_f(v) for _d, v in series]})
        if status is not None:
            data.append({"type": "scatter", "mode": "lines", "name": _("Target"),
                         "x": [days[0], days[-1]], "y": [float(status.target)] * 2,
                         "line": {"dash": "dash", "color": "#dc3545"}})
        yaxis = {"title": {"text": name},
                 "tickformat": ".1%" if metric != "cost_per_conversion" else ",.2f"}
        return {"data": data, "layout": _layout(yaxis=yaxis), "config": _config(filename)}
    data.append({"type": "bar", "name": _("Per day"), "x": days,
                 "y": [_f(v) for _d, v in series], "marker": {"color": "#9ec5fe"}})
    running, cumulative = Decimal(0), []
    for _d, value in series:
        running += value or 0
        cumulative.append(float(running))
    if status is not None and status.window_start == dashboard.start:
        # Only when the chart starts where the KPI's window does: the running
        # total then meets the target's straight line.
        data.append({
            "type": "scatter", "mode": "lines", "name": _("Target line"),
            "x": [status.window_start.isoformat(), status.window_end.isoformat()],
            "y": [float(status.target) / status.total_days, float(status.target)],
            "yaxis": "y2", "line": {"dash": "dash", "color": "#dc3545"},
        })
    data.append({"type": "scatter", "mode": "lines", "name": _("Running total"), "x": days,
                 "y": cumulative, "yaxis": "y2", "line": {"color": "#0d6efd", "width": 3}})
    layout = _layout(
        yaxis={"title": {"text": _("Per day")}},
        yaxis2={"title": {"text": _("Running total")}, "overlaying": "y", "side": "right",
                "rangemode": "tozero"},
        barmode="overlay",
    )
    return {"data": data, "layout": layout, "config": _config(filename)}


def breakdown_figure(groups: list, metric: str, filename: str) -> dict:
    labels = [g.label for g in groups]
    values = [_f(g.value(metric)) for g in groups]
    return {
        "data": [{"type": "bar", "x": values, "y": labels, "orientation": "h",
                  "name": metric_name(metric), "marker": {"color": "#6f42c1"},
                  "text": [metric_format(metric, v) for v in values], "textposition": "auto"}],
        "layout": _layout(height=max(180, 60 + 40 * len(groups)),
                          margin={"l": 160, "r": 20, "t": 20, "b": 30},
                          yaxis={"automargin": True},
                          xaxis={"tickformat": ".1%"} if is_rate_like(metric) else {}),
        "config": _config(filename),
    }


def funnel_figure(steps: list[dict], filename: str) -> dict:
    shown = [s for s in steps if s["value"] is not None]
    return {
        "data": [{
            "type": "funnel", "y": [s["label"] for s in shown],
            "x": [float(s["value"]) for s in shown],
            "text": [
                metric_format("clicks", s["value"]) + (
                    f" ({float(s['rate']) * 100:.2f}%)" if s["rate"] is not None else ""
                ) for s in shown
            ],
            "textinfo": "text", "marker": {"color": ["#0d6efd", "#6610f2", "#d63384", "#fd7e14"]},
        }],
        "layout": _layout(margin={"l": 90, "r": 20, "t": 20, "b": 20}),
        "config": _config(filename),
    }


def portfolio_figure(rows: list, filename: str) -> dict:
    shown = [r for r in rows if r.progress is not None]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "y": [r.campaign.name for r in shown],
            "x": [float(r.progress) for r in shown],
            "marker": {"color": [PACING_HEX.get(r.pacing or "", "#6c757d") for r in shown]},
            "text": [f"{float(r.progress) * 100:.0f}%" for r in shown], "textposition": "auto",
        }],
        "layout": _layout(height=max(180, 60 + 32 * len(shown)),
                          margin={"l": 200, "r": 20, "t": 20, "b": 30},
                          xaxis={"tickformat": ".0%", "range": [0, 1.05]},
                          yaxis={"automargin": True, "autorange": "reversed"}),
        "config": _config(filename),
    }


# --- tables (CSV / XLSX) ------------------------------------------------------------------


def _kpi_table(statuses: list[KPIStatus]) -> tuple[list, list]:
    headers = [_("KPI"), _("Platform"), _("Actual"), _("Target"), _("Progress"),
               _("Expected today"), _("Forecast"), _("Pacing"), pgettext("date range", "From"), pgettext("date range", "To")]
    rows = [[
        metric_name(s.metric), s.platform or "", _f(s.actual), _f(s.target), _f(s.progress),
        _f(s.expected), _f(s.forecast), s.pacing_label, s.window_start, s.window_end,
    ] for s in statuses]
    return headers, rows


def _group_table(groups: list, first: str) -> tuple[list, list]:
    metrics = (*BREAKDOWN_METRICS, "click_rate", "conversion_rate", "cost_per_conversion")
    headers = [first, *[metric_name(m) for m in metrics]]
    rows = [[g.label, *[_f(g.value(m)) for m in metrics]] for g in groups]
    return headers, rows


def chart_table(
    chart: str, dashboard: CampaignDashboard, metric: str, content: list[dict] | None = None
) -> tuple[str, list, list]:
    """The numbers behind one chart: (title, headers, rows)."""
    if chart == "kpis":
        return (_("KPI progress"), *_kpi_table(dashboard.statuses))
    if chart == "trend":
        return (metric_name(metric), [_("Date"), metric_name(metric)],
                [[d, _f(v)] for d, v in dashboard.series(metric)])
    if chart == "platforms":
        return (_("By platform"), *_group_table(dashboard.platforms, _("Platform")))
    if chart == "accounts":
        return (_("By account"), *_group_table(dashboard.accounts, _("Account")))
    if chart == "funnel":
        return (_("Funnel"), [_("Step"), _("Value"), _("Rate from the step before")],
                [[s["label"], _f(s["value"]), _f(s["rate"])] for s in dashboard.funnel])
    if chart == "content":
        return (_("Top content"),
                [_("Content"), _("Exposure"), _("Clicks"), _("Conversions"), _("Click rate"),
                 _("Conversion rate")],
                [[c["title"], _f(c["exposure"]), _f(c["clicks"]), _f(c["conversions"]),
                  _f(c["ctr"]), _f(c["conversion_rate"])] for c in content or []])
    raise Http404


def _cell(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def table_response(filename: str, title: str, headers: list, rows: list, fmt: str) -> HttpResponse:
    """A table as a CSV (UTF-8 with BOM, so spreadsheet programs read Chinese) or XLSX file."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in headers])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes([(title, headers, rows)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def xlsx_bytes(sheets: list[tuple[str, list, list]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_cell(v) if not isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- forms ------------------------------------------------------------------------------------


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(StyledForm):
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                                widget=_DateInput())
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False,
                              widget=_DateInput())
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        platforms = Platform.objects.filter(is_active=True).order_by("sort_order", "code")
        self.fields["platform"].choices = [("", _("All platforms"))] + [
            (p.code, p.name) for p in platforms
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end must not be before the start."))
        return data

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            # Invalid filters show their errors; the page shows the campaign's own window.
            data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
            return Filters(platform=data.get("platform") or "")
        data = self.cleaned_data
        return Filters(start=data.get("date_from"), end=data.get("date_to"),
                       platform=data.get("platform") or "")


class PortfolioFilterForm(DashboardFilterForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Active and closed"))] + list(
            CampaignStatus.choices
        )


class CampaignFilterForm(DashboardFilterForm):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), required=False)

    def __init__(self, *args, metrics: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m, metric_name(m)) for m in metrics]


class ActionForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("What will be changed"), max_length=200)
    expected_effect = forms.CharField(label=gettext_lazy("Expected effect on the KPI"),
                                      max_length=300)
    kpi = forms.TypedChoiceField(label=gettext_lazy("KPI"), required=False, coerce=int,
                                 empty_value=None)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int)
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=_DateInput())
    window_days = forms.IntegerField(label=gettext_lazy("Measure over (days)"), initial=7,
                                     min_value=1, max_value=optimisation.MAX_WINDOW_DAYS)
    finding = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     widget=forms.HiddenInput)

    def __init__(self, *args, campaign, statuses, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [("", "—")] + [
            (s.id, metric_name(s.metric)) for s in statuses
        ]
        members = Membership.objects.filter(team_id=campaign.team_id).select_related("user")
        self.fields["owner"].choices = sorted(
            {(m.user_id, m.user.get_username()) for m in members}, key=lambda c: c[1]
        )
        self.fields["finding"].choices = [("", "")] + [(f.pk, str(f.pk)) for f in findings]


class SummaryForm(StyledForm):
    summary = forms.CharField(
        label=gettext_lazy("Phase summary"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=reviews.SUMMARY_MAX_LENGTH,
    )


# --- pages -------------------------------------------------------------------------------------


def _campaign(request, pk: int):
    return get_or_404(lambda: campaigns_visible_to(request.user).get(pk=pk))


def portfolio(request):
    form = PortfolioFilterForm(request.GET or None)
    filters = form.filters()
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    data = dashboards.portfolio(request.user, filters, status=status, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "analytics/evaluation/portfolio.html", {
        "form": form, "portfolio": data, "rows": data.rows, "query": query.urlencode(),
        "figure": portfolio_figure(data.rows, "portfolio") if data.rows else None,
        "bands": _bands(),
        "downloads": _links("analytics:portfolio_export", (), query.urlencode()),
    })


def portfolio_export(request, fmt: str):
    form = PortfolioFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    data = dashboards.portfolio(request.user, form.filters(), status=status,
                                page=request.GET.get("page"))
    headers = [_("Campaign"), _("Status"), _("Progress"), _("Pacing"), _("Spend"), _("Budget"),
               _("Alerts")]
    rows = [[
        r.campaign.name, r.campaign.get_status_display(), _f(r.progress),
        str(PACING_LABELS[r.pacing]) if r.pacing else "", _f(r.spend), _f(r.campaign.budget),
        "; ".join(r.alerts),
    ] for r in data.rows]
    return table_response("portfolio", _("Portfolio"), headers, rows, fmt)


def _links(name: str, args: tuple, query: str) -> dict[str, str]:
    suffix = f"?{query}" if query else ""
    return {fmt: reverse(name, args=(*args, fmt)) + suffix for fmt in FORMATS}


def _bands() -> list[tuple[str, str]]:
    bands = [(str(PACING_LABELS[p]), f"≥ {float(b) * 100:.0f}%") for b, p in PACING_BANDS]
    bands.append((str(PACING_LABELS["at_risk"]), f"< {float(PACING_BANDS[-1][0]) * 100:.0f}%"))
    return bands


def _campaign_context(request, pk: int):
    campaign = _campaign(request, pk)
    # Read once: the trend's metric choices and the dashboard's KPIs.
    kpis = kpis_of_campaign(campaign)
    metrics = list(dict.fromkeys([*(kpi.metric for kpi in kpis), *TREND_DEFAULTS]))
    form = CampaignFilterForm(request.GET or None, metrics=metrics)
    filters = form.filters()
    metric = request.GET.get("metric") if request.GET.get("metric") in metrics else metrics[0]
    dashboard = dashboards.campaign_dashboard(campaign, filters, kpis=kpis)
    return campaign, form, dashboard, metric


def campaign_dashboard(request, pk: int):
    campaign, form, dashboard, metric = _campaign_context(request, pk)
    content = dashboards.top_content(campaign, dashboard.filters) if dashboard.has_data else []
    for item in content:
        item["display"] = {
            "exposure": metric_format("clicks", item["exposure"]),
            "clicks": metric_format("clicks", item["clicks"]),
            "conversions": metric_format("clicks", item["conversions"]),
            "ctr": metric_format("click_rate", item["ctr"]),
        }
    gauges = [
        {"status": s, "figure": gauge_figure(s, f"kpi-{s.id}"), "figure_id": f"gauge-{s.id}",
         "data_id": f"gauge-{s.id}-data",
         "actual": metric_format(s.metric, s.actual), "target": metric_format(s.metric, s.target),
         "expected": metric_format(s.metric, s.expected),
         "forecast": metric_format(s.metric, s.forecast), "name": metric_name(s.metric)}
        for s in dashboard.statuses
    ]
    funnel = [
        {**step, "display": metric_format("clicks", step["value"]),
         "rate_display": metric_format("click_rate", step["rate"])}
        for step in dashboard.funnel
    ]
    query = request.GET.urlencode()
    downloads = {
        chart: _links("analytics:campaign_export", (campaign.pk, chart), query) for chart in CHARTS
    }
    return render(request, "analytics/evaluation/campaign.html", {
        "downloads": downloads,
        "campaign": campaign, "form": form, "dashboard": dashboard, "metric": metric,
        "metric_label": metric_name(metric), "gauges": gauges, "funnel": funnel,
        "content": content, "query": query, "bands": _bands(),
        "figures": {
            "trend": trend_figure(dashboard, metric, "trend"),
            "platforms": breakdown_figure(dashboard.platforms, metric, "platforms"),
            "accounts": breakdown_figure(dashboard.accounts, metric, "accounts"),
            "funnel": funnel_figure(dashboard.funnel, "funnel"),
        } if dashboard.has_data else {},
        "reallocation": dashboards.budget_reallocation(dashboard),
    })


def campaign_export(request, pk: int, chart: str, fmt: str):
    if chart not in CHARTS or fmt not in FORMATS:
        raise Http404
    campaign, _form, dashboard, metric = _campaign_context(request, pk)
    content = dashboards.top_content(campaign, dashboard.filters) if chart == "content" else None
    title, headers, rows = chart_table(chart, dashboard, metric, content)
    return table_response(f"campaign-{campaign.pk}-{chart}", title, headers, rows, fmt)


def campaign_diagnosis(request, pk: int):
    campaign = _campaign(request, pk)
    dashboard = dashboards.campaign_dashboard(campaign)
    findings = dashboards.findings_of(campaign)
    can_plan = user_can(request.user, campaign.team_id, "evaluation.edit") or user_can(
        request.user, campaign.team_id, "campaign.edit"
    )
    form = None
    if can_plan:
        form = ActionForm(
            request.POST or None, campaign=campaign, statuses=dashboard.statuses,
            findings=findings, initial={
                "due_date": timezone.localdate() + datetime.timedelta(days=7),
                "owner": campaign.owner_id, "window_days": 7,
                "finding": request.GET.get("finding"),
                "kpi": dashboard.statuses[0].id if dashboard.statuses else None,
            },
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may not plan optimisation actions for this campaign."))
        if form.is_valid():
            data = form.cleaned_data
            kpis = {s.id: s.kpi for s in dashboard.statuses}
            try:
                optimisation.action_create(
                    actor=request.user, campaign=campaign, title=data["title"],
                    expected_effect=data["expected_effect"],
                    owner=get_user_model().objects.filter(pk=data["owner"]).first(),
                    due_date=data["due_date"], kpi=kpis.get(data["kpi"]),
                    finding=next((f for f in findings if f.pk == data["finding"]), None),
                    window_days=data["window_days"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Action planned and handed to its owner as a task."))
                return redirect("analytics:diagnosis", pk=campaign.pk)
    actions = dashboards.actions_of(campaign)
    return render(request, "analytics/evaluation/diagnosis.html", {
        "campaign": campaign, "findings": [_finding_view(f) for f in findings],
        "actions": [_action_view(a) for a in actions], "form": form,
        "can_run": user_can(request.user, campaign.team_id, "evaluation.edit"),
        "reallocation": dashboards.budget_reallocation(dashboard),
        "statuses": dashboard.statuses,
    })


def _finding_view(finding) -> dict:
    evidence = finding.evidence or {}
    lines = []
    if finding.kind in (FindingKind.LOW_IMPRESSIONS, FindingKind.LOW_CTR,
                        FindingKind.LOW_CONVERSION):
        stage = evidence.get("stage", "")
        metric = {"exposure_per_day": "exposure"}.get(stage, stage)
        suffix = _(" per day") if stage == "exposure_per_day" else ""
        for key, label in (("value", _("This week")), ("own_history", _("Earlier in this campaign")),
                           ("team_history", _("Team's earlier campaigns")), ("plan", _("Plan"))):
            if evidence.get(key) is not None:
                lines.append(f"{label}: {metric_format(metric, evidence[key])}{suffix}")
        numbers = evidence.get("numbers") or {}
        lines.append(_("Exposure %(exposure)s → clicks %(clicks)s → conversions %(conversions)s") % {
            k: metric_format("clicks", numbers.get(k)) for k in ("exposure", "clicks", "conversions")
        })
    elif finding.kind == FindingKind.WEAK_PLATFORM:
        metric = evidence.get("metric", "conversion_rate")
        lines.append(_("%(platform)s: %(value)s against the campaign's %(average)s") % {
            "platform": evidence.get("label") or finding.platform_code,
            "value": metric_format(metric, evidence.get("value")),
            "average": metric_format(metric, evidence.get("campaign_average")),
        })
    elif finding.kind == FindingKind.NEGATIVE_SENTIMENT:
        lines.append(_("Negative share %(share)s (%(negative)s of %(total)s), the week before %(before)s") % {
            "share": metric_format("click_rate", evidence.get("share")),
            "negative": evidence.get("negative"), "total": evidence.get("total"),
            "before": metric_format("click_rate", evidence.get("share_before")),
        })
    ratio = evidence.get("ratio")
    return {
        "finding": finding, "lines": lines,
        "cause": diagnosis.CAUSES.get(finding.kind, ""),
        "suggestion": diagnosis.SUGGESTIONS.get(finding.kind, ""),
        "ratio": f"{ratio * 100:.0f}%" if isinstance(ratio, int | float) else "",
    }


def _action_view(action) -> dict:
    change = None
    if action.value_before and action.value_after is not None:
        change = (action.value_after - action.value_before) / action.value_before
    metric = action.kpi.metric if action.kpi_id else "clicks"
    return {
        "action": action,
        "before": metric_format(metric, action.value_before),
        "after": metric_format(metric, action.value_after),
        "change": f"{float(change) * 100:+.1f}%" if change is not None else "",
        "kpi_name": metric_name(action.kpi.metric) if action.kpi_id else "",
    }


@require_POST
def diagnosis_run(request, pk: int):
    campaign = _campaign(request, pk)
    if not user_can(request.user, campaign.team_id, "evaluation.edit"):
        raise PermissionDenied(_("You may not run the diagnosis of this campaign."))
    findings = diagnosis.campaign_diagnose(campaign=campaign)
    optimisation.actions_follow_up(campaign=campaign)
    messages.success(request, _("Diagnosis done: %(n)s finding(s).") % {"n": len(findings)})
    return redirect("analytics:diagnosis", pk=campaign.pk)


@require_POST
def action_done(request, pk: int):
    action = get_or_404(dashboards.action_get, request.user, pk)
    try:
        optimisation.action_complete(actor=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Action done; the KPI before it has been measured."))
    return redirect("analytics:diagnosis", pk=action.campaign_id)


def findings(request):
    """Diagnosis findings of every visible campaign, newest week first."""
    page = Paginator(dashboards.findings_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "analytics/evaluation/findings.html", {
        "page": page, "findings": [_finding_view(f) for f in page.object_list],
    })


def actions(request):
    """Optimisation actions of every visible campaign; ``?mine=1`` for the user's own."""
    mine = request.GET.get("mine") == "1"
    page = Paginator(
        dashboards.actions_visible_to(request.user, owner=request.user if mine else None), 25
    ).get_page(request.GET.get("page"))
    return render(request, "analytics/evaluation/actions.html", {
        "page": page, "actions": [_action_view(a) for a in page.object_list], "mine": mine,
    })


def evaluations(request):
    reports = Paginator(dashboards.reports_visible_to(request.user), 20).get_page(
        request.GET.get("page")
    )
    phase_reviews = dashboards.reviews_visible_to(request.user)[:20]
    return render(request, "analytics/evaluation/evaluations.html", {
        "reports": reports, "reviews": phase_reviews,
    })


def _report_context(report) -> dict:
    data = report.data or {}
    platform_labels, account_labels = _report_labels(data)
    totals, previous = data.get("totals", {}), data.get("previous", {})
    metrics = (*BREAKDOWN_METRICS, *reviews.RATE_METRICS)
    summary = []
    for metric in (*reviews.REPORT_METRICS, *reviews.RATE_METRICS):
        now, before = totals.get(metric), previous.get(metric)
        change = (now - before) / before if now is not None and before else None
        summary.append({
            "name": metric_name(metric), "now": metric_format(metric, now),
            "before": metric_format(metric, before),
            "change": f"{change * 100:+.1f}%" if change is not None else "",
        })
    trend = data.get("trend", {})
    figure = {
        "data": [
            {"type": "scatter", "mode": "lines+markers", "name": metric_name(m),
             "x": trend.get("days", []), "y": values}
            for m, values in (trend.get("series") or {}).items() if any(values)
        ],
        "layout": _layout(yaxis={"type": "log", "title": {"text": _("Per day")}}),
        "config": _config(f"report-{report.pk}"),
    }
    gaps = [{
        "name": metric_name(g["metric"]), "actual": metric_format(g["metric"], g["actual"]),
        "target": metric_format(g["metric"], g["target"]),
        "expected": metric_format(g["metric"], g["expected"]),
        "gap": metric_format(g["metric"], g["gap"]),
        "pacing": str(PACING_LABELS[g["pacing"]]) if g.get("pacing") else "",
        "pacing_code": g.get("pacing") or "",
    } for g in data.get("gaps", [])]
    return {
        "report": report, "campaign": report.campaign, "summary": summary, "gaps": gaps,
        "figure": figure,
        "platforms": _rows(data.get("platforms", []), metrics, platform_labels),
        "accounts": _rows(data.get("accounts", []), metrics, account_labels),
        "audience": _rows((data.get("audience") or {}).get("accounts", []),
                          (*reviews.AUDIENCE_METRICS, "conversions"), account_labels),
        "audience_headers": [metric_name(m) for m in (*reviews.AUDIENCE_METRICS, "conversions")],
        "headers": [metric_name(m) for m in metrics],
        "target": (data.get("audience") or {}).get("target", {}),
        "funnel": [{
            "label": str(dict(dashboards.FUNNEL_STEPS).get(s["step"], s["step"])),
            "value": metric_format("clicks", s["value"]),
            "rate": metric_format("click_rate", s["rate"]) if s["rate"] is not None else "",
        } for s in data.get("funnel", [])],
    }


def _rows(rows: list[dict], metrics, labels: dict[str, str] | None = None) -> list[dict]:
    labels = labels or {}
    return [{"label": labels.get(str(r.get("key")), r.get("label", "")),
             "values": [metric_format(m, r.get(m)) for m in metrics]} for r in rows]


def _report_labels(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Platform and account names in the reader's language (the report stored its writer's)."""
    codes = [r.get("key") for r in data.get("platforms", [])]
    ids = [int(r["key"]) for r in data.get("accounts", []) if str(r.get("key", "")).isdigit()]
    platforms = {p.code: p.name for p in Platform.objects.filter(code__in=codes)}
    accounts = {
        str(a.pk): f"{a.platform.name} · {a.handle}"
        for a in PlatformAccount.objects.filter(pk__in=ids).select_related("platform")
    }
    return platforms, accounts


def report_detail(request, pk: int):
    report = get_or_404(dashboards.report_get, request.user, pk)
    return render(request, "analytics/evaluation/report.html", _report_context(report))


def report_print(request, pk: int):
    report = get_or_404(dashboards.report_get, request.user, pk)
    return render(request, "analytics/evaluation/report_print.html", _report_context(report))


def report_xlsx(request, pk: int):
    report = get_or_404(dashboards.report_get, request.user, pk)
    data = report.data or {}
    metrics = (*BREAKDOWN_METRICS, *reviews.RATE_METRICS)
    names = [metric_name(m) for m in metrics]
    trend = data.get("trend", {})
    series = trend.get("series") or {}
    sheets = [
        (_("Summary"), [_("Metric"), _("This week"), _("Week before")],
         [[metric_name(m), (data.get("totals") or {}).get(m), (data.get("previous") or {}).get(m)]
          for m in (*reviews.REPORT_METRICS, *reviews.RATE_METRICS)]),
        (_("Trend"), [_("Date"), *[metric_name(m) for m in series]],
         [[day, *[series[m][i] for m in series]] for i, day in enumerate(trend.get("days", []))]),
        (_("By platform"), [_("Platform"), *names],
         [[r.get("label"), *[r.get(m) for m in metrics]] for r in data.get("platforms", [])]),
        (_("By account"), [_("Account"), *names],
         [[r.get("label"), *[r.get(m) for m in metrics]] for r in data.get("accounts", [])]),
        (_("Gaps"), [_("KPI"), _("Actual"), _("Target"), _("Expected today"), _("Gap"),
                     _("Pacing")],
         [[metric_name(g["metric"]), g["actual"], g["target"], g["expected"], g["gap"],
           str(PACING_LABELS[g["pacing"]]) if g.get("pacing") else ""]
          for g in data.get("gaps", [])]),
    ]
    response = HttpResponse(
        xlsx_bytes(sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"evaluation-{report.campaign_id}-{report.period_start.isoformat()}.xlsx"
    )
    return response


def review_detail(request, pk: int):
    review = get_or_404(dashboards.review_get, request.user, pk)
    campaign = review.campaign
    may_write = request.user.pk == campaign.owner_id or user_can(
        request.user, campaign.team_id, "campaign.edit"
    ) or user_can(request.user, campaign.team_id, "evaluation.edit")
    form = SummaryForm(request.POST or None, initial={"summary": review.summary})
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("You may not write this review's summary."))
        if form.is_valid():
            try:
                reviews.phase_review_summarise(
                    actor=request.user, review=review, summary=form.cleaned_data["summary"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Phase summary saved."))
                return redirect("analytics:phase_review", pk=review.pk)
    changes = (review.changes or [{}])[0] if review.changes else {}
    snapshot = [{
        "name": metric_name(row["metric"]), "actual": metric_format(row["metric"], row["actual"]),
        "target": metric_format(row["metric"], row["target"]),
        "expected": metric_format(row["metric"], row["expected"]),
        "gap": metric_format(row["metric"], row.get("gap")),
        "progress": f"{row['progress'] * 100:.0f}%" if row.get("progress") is not None else "—",
        "pacing": str(PACING_LABELS[row["pacing"]]) if row.get("pacing") else "",
        "pacing_code": row.get("pacing") or "",
    } for row in review.kpi_snapshot or []]
    change_rows = [{
        "name": metric_name(c["metric"]),
        "before": metric_format(c["metric"], c.get("actual_before")),
        "now": metric_format(c["metric"], c.get("actual_now")),
        "delta": metric_format(c["metric"], c.get("delta")) if c.get("delta") is not None else "",
        "pacing_before": str(PACING_LABELS[c["pacing_before"]]) if c.get("pacing_before") else "",
        "pacing_now": str(PACING_LABELS[c["pacing_now"]]) if c.get("pacing_now") else "",
        "target_changed": c.get("target_before") is not None
        and c.get("target_before") != c.get("target_now"),
        "new": c.get("new"), "removed": c.get("removed"),
    } for c in changes.get("kpis", [])]
    return render(request, "analytics/evaluation/review.html", {
        "review": review, "campaign": campaign, "form": form if may_write else None,
        "snapshot": snapshot, "changes": change_rows, "since": changes.get("since"),
        "findings_count": changes.get("findings", 0),
        "actions_done": changes.get("actions_done", 0),
    })


urlpatterns = [
    path("", portfolio, name="portfolio"),
    path("findings/", findings, name="findings"),
    path("actions/", actions, name="actions"),
    path("portfolio.<str:fmt>", portfolio_export, name="portfolio_export"),
    path("campaigns/<int:pk>/", campaign_dashboard, name="campaign_dashboard"),
    path("campaigns/<int:pk>/export/<str:chart>.<str:fmt>", campaign_export,
         name="campaign_export"),
    path("campaigns/<int:pk>/diagnosis/", campaign_diagnosis, name="diagnosis"),
    path("campaigns/<int:pk>/diagnosis/run/", diagnosis_run, name="diagnosis_run"),
    path("actions/<int:pk>/done/", action_done, name="action_done"),
    path("evaluations/", evaluations, name="evaluations"),
    path("evaluations/<int:pk>/", report_detail, name="evaluation_report"),
    path("evaluations/<int:pk>/print/", report_print, name="evaluation_print"),
    path("evaluations/<int:pk>.xlsx", report_xlsx, name="evaluation_xlsx"),
    path("reviews/<int:pk>/", review_detail, name="phase_review"),
]
