"""百度统计 trend exports as the tool writes them: GB18030, title lines, 合计 row, rates."""

from decimal import Decimal

import pytest

from analytics.models import ImportStatus, MetricPoint
from analytics.selectors.metrics import campaign_metric_series, campaign_metric_total
from tests.analytics.ingest.files import csv_bytes
from tests.analytics.ingest.fixtures.generate import BAIDU_ROWS

from .presets_support import fixture_bytes, rollups, run, website_account

pytestmark = pytest.mark.django_db
FILE = "baidu_tongji_trend.csv"


def import_baidu(campaign, user, data: bytes | None = None, **options):
    site = website_account(campaign.team)
    batch = run(campaign, user, data or fixture_bytes(FILE), FILE, preset="baidu_tongji",
                account=site, **options)
    return batch, site


def test_the_gb18030_export_becomes_one_day_per_row_and_the_total_row_is_not_a_day(
    campaign, users
):
    batch, site = import_baidu(campaign, users["analyst"])

    assert (batch.status, batch.rows_invalid) == (ImportStatus.DONE, 0)
    assert rollups(campaign) == {
        ("2026-03-01", "page_views"): "12345", ("2026-03-01", "visitors"): "3456",
        ("2026-03-01", "sessions"): "4000", ("2026-03-01", "bounced_sessions"): "1824",
        ("2026-03-01", "session_seconds"): "620000", ("2026-03-01", "conversions"): "12",
        ("2026-03-02", "page_views"): "11020", ("2026-03-02", "visitors"): "3100",
        ("2026-03-02", "sessions"): "3800", ("2026-03-02", "bounced_sessions"): "1805",
        ("2026-03-02", "session_seconds"): "494000", ("2026-03-02", "conversions"): "9",
        ("2026-03-04", "page_views"): "9876", ("2026-03-04", "visitors"): "2800",
        ("2026-03-04", "sessions"): "3500", ("2026-03-04", "bounced_sessions"): "1750",
        ("2026-03-04", "session_seconds"): "413000", ("2026-03-04", "conversions"): "7",
        ("2026-03-05", "page_views"): "10002", ("2026-03-05", "visitors"): "2950",
        ("2026-03-05", "sessions"): "3600", ("2026-03-05", "bounced_sessions"): "1737",
        ("2026-03-05", "session_seconds"): "435600", ("2026-03-05", "conversions"): "0",
    }
    assert set(MetricPoint.objects.values_list("account_id", "source")) == {(site.pk, "import")}


def test_the_import_says_which_daily_rates_it_kept_as_given_and_what_it_left_out(
    campaign, users
):
    batch, _site = import_baidu(campaign, users["analyst"])

    assert batch.errors == [
        "“跳出率” kept as given on rows 6–7, 9–10: stored as Bounced sessions = 跳出率 × 访问次数, "
        "so those days read back as the file gives them",
        "“平均访问时长” kept as given on rows 6–7, 9–10: stored as Total session duration = "
        "平均访问时长 × 访问次数, so those days read back as the file gives them",
        "Columns not imported (no catalogue metric measures them): “IP数”",
    ]


def test_bounce_rate_and_average_duration_are_ratios_of_summed_parts_not_averages(
    campaign, users
):
    import_baidu(campaign, users["analyst"])

    # 7116 bounced of 14900 sessions; the mean of the daily rates would be 0.478375.
    assert campaign_metric_total(campaign, "bounce_rate") == Decimal("0.477584")
    # 1962600 s over 14900 sessions; the mean of the daily averages would be 131 s.
    assert campaign_metric_total(campaign, "avg_session_seconds") == Decimal("131.718121")
    assert campaign_metric_series(campaign, "bounce_rate", platform="website") == [
        (day, Decimal(rate)) for day, rate in (
            (_day(1), "0.456"), (_day(2), "0.475"), (_day(4), "0.5"), (_day(5), "0.4825"),
        )
    ]


def _day(n: int):
    import datetime

    return datetime.date(2026, 3, n)


def test_bad_rows_are_numbered_as_the_spreadsheet_shows_them_counting_the_title_lines(
    campaign, users
):
    rows = [list(row) for row in BAIDU_ROWS]
    rows[6][0] = "2026/02/30"  # row 7
    rows[8][1] = "很多"  # row 9
    rows[9][5] = "148.25"  # row 10: a rate over 100% without its sign

    batch, _site = import_baidu(campaign, users["analyst"], csv_bytes(rows, encoding="gb18030"))

    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [
        "row 7: bad date “2026/02/30”",
        "row 9: non-numeric value “很多” in column 浏览量(PV)",
        "row 10: rate “148.25” in column 跳出率 is over 100%: write it as 148.25%",
    ]
    assert MetricPoint.objects.count() == 0


def test_skip_invalid_imports_the_other_days(campaign, users):
    rows = [list(row) for row in BAIDU_ROWS]
    rows[6][0] = "2026/02/30"

    batch, _site = import_baidu(
        campaign, users["analyst"], csv_bytes(rows, encoding="gb18030"), skip_invalid=True,
    )

    assert batch.status == ImportStatus.DONE
    assert batch.errors[0] == "row 7: bad date “2026/02/30”"
    assert sorted({day for day, _metric in rollups(campaign)}) == [
        "2026-03-01", "2026-03-04", "2026-03-05",
    ]


def test_without_its_sessions_column_a_daily_rate_is_named_and_left_out(campaign, users):
    # 百度统计's default metrics: no 访问次数, so rates have no parts to add up.
    rows = [
        ["趋势分析"],
        ["日期", "浏览量(PV)", "访客数(UV)", "跳出率", "平均访问时长"],
        ["2026/03/01", "12,345", "3,456", "45.60%", "00:02:35"],
        ["2026/03/02", "11,020", "3,100", "47.50%", "--"],
        ["合计", "23,365", "6,556", "46.51%", "00:02:22"],
    ]

    batch, _site = import_baidu(campaign, users["analyst"], csv_bytes(rows, encoding="gb18030"))

    assert batch.status == ImportStatus.DONE
    assert batch.errors == [
        "“跳出率” not imported on rows 3–4: a daily rate adds up with other days only "
        "through its parts, and those rows lack “访问次数”",
        "“平均访问时长” not imported on row 3: a daily rate adds up with other days only "
        "through its parts, and that row lacks “访问次数”",
    ]
    assert sorted({metric for _day, metric in rollups(campaign)}) == ["page_views", "visitors"]
    assert campaign_metric_total(campaign, "bounce_rate") is None


def test_re_importing_the_same_export_changes_nothing(campaign, users):
    first, site = import_baidu(campaign, users["analyst"])
    before = list(MetricPoint.objects.order_by("pk").values_list("pk", "value", "updated_at"))

    again = run(campaign, users["analyst"], fixture_bytes(FILE), FILE, preset="baidu_tongji",
                account=site)

    assert first.points_added == 24
    assert (again.points_added, again.points_updated, again.points_unchanged) == (0, 0, 24)
    assert list(MetricPoint.objects.order_by("pk").values_list("pk", "value", "updated_at")) == (
        before
    )
