"""Google Analytics 4 CSV downloads: the # comment block, decimals for rates, seconds for
durations, bounced sessions from engaged ones, and the further tables below the first."""

from decimal import Decimal

import pytest

from analytics.models import ImportStatus
from analytics.selectors.metrics import campaign_metric_total
from tests.analytics.ingest.files import csv_bytes

from .presets_support import fixture_bytes, rollups, run, website_account

pytestmark = pytest.mark.django_db
FILE = "ga4_report.csv"


def import_ga4(campaign, user, data: bytes | None = None, **options):
    site = website_account(campaign.team)
    return run(campaign, user, data or fixture_bytes(FILE), FILE, preset="ga4", account=site,
               **options)


def test_the_csv_with_its_comment_block_becomes_daily_points(campaign, users):
    batch = import_ga4(campaign, users["analyst"])

    assert (batch.status, batch.rows_invalid) == (ImportStatus.DONE, 0)
    assert rollups(campaign) == {
        ("2026-03-01", "sessions"): "1200", ("2026-03-01", "bounced_sessions"): "420",
        ("2026-03-01", "visitors"): "950", ("2026-03-01", "page_views"): "3600",
        ("2026-03-01", "session_seconds"): "171000", ("2026-03-01", "conversions"): "30",
        ("2026-03-01", "revenue"): "4599",
        ("2026-03-02", "sessions"): "1000", ("2026-03-02", "bounced_sessions"): "300",
        ("2026-03-02", "visitors"): "820", ("2026-03-02", "page_views"): "2900",
        ("2026-03-02", "session_seconds"): "120000", ("2026-03-02", "conversions"): "25",
        ("2026-03-02", "revenue"): "3890.5",
        ("2026-03-03", "sessions"): "800", ("2026-03-03", "bounced_sessions"): "200",
        ("2026-03-03", "visitors"): "700", ("2026-03-03", "page_views"): "2500",
        ("2026-03-03", "session_seconds"): "78600", ("2026-03-03", "conversions"): "20",
        ("2026-03-03", "revenue"): "0",
    }


def test_only_the_first_table_is_read_and_the_duration_is_kept_as_given(campaign, users):
    batch = import_ga4(campaign, users["analyst"])

    assert batch.errors == [
        "“Average session duration” kept as given on rows 11–13: stored as Total session "
        "duration = Average session duration × Sessions, so those days read back as the "
        "file gives them",
        "Only the file's first table was read: another begins on row 15.",
    ]
    assert batch.rows_done == 5


def test_bounce_rate_comes_from_engaged_sessions_and_is_never_averaged(campaign, users):
    import_ga4(campaign, users["analyst"])

    # 920 bounced of 3000 sessions; the mean of 35%, 30% and 25% would be 30%.
    assert campaign_metric_total(campaign, "bounce_rate") == Decimal("0.306667")
    assert campaign_metric_total(campaign, "avg_session_seconds") == Decimal("123.2")


def test_chinese_column_names_and_active_users_when_total_users_is_absent(campaign, users):
    data = csv_bytes([
        ["# 报告快照"],
        ["日期", "会话数", "活跃用户", "浏览次数", "跳出率", "平均会话时长", "新用户数"],
        ["20260301", "1200", "950", "3600", "0.35", "142.5", "300"],
    ])

    batch = import_ga4(campaign, users["analyst"], data)

    assert rollups(campaign) == {
        ("2026-03-01", "sessions"): "1200", ("2026-03-01", "visitors"): "950",
        ("2026-03-01", "page_views"): "3600", ("2026-03-01", "bounced_sessions"): "420",
        ("2026-03-01", "session_seconds"): "171000",
    }
    assert batch.errors[-1] == "Columns not imported (no catalogue metric measures them): “新用户数”"


def test_an_unlabelled_totals_row_under_the_header_is_not_a_day(campaign, users):
    data = csv_bytes([
        ["Date", "Sessions", "Total users"],
        ["", "2200", "1700"],
        ["20260301", "1200", "950"],
        ["20260302", "1000", "820"],
        ["Grand total", "2200", "1700"],
    ])

    batch = import_ga4(campaign, users["analyst"], data)

    assert (batch.status, batch.errors) == (ImportStatus.DONE, [])
    assert rollups(campaign) == {
        ("2026-03-01", "sessions"): "1200", ("2026-03-01", "visitors"): "950",
        ("2026-03-02", "sessions"): "1000", ("2026-03-02", "visitors"): "820",
    }


def test_re_importing_the_same_export_changes_nothing(campaign, users):
    first = import_ga4(campaign, users["analyst"])
    site = first.account

    again = run(campaign, users["analyst"], fixture_bytes(FILE), FILE, preset="ga4",
                account=site)

    assert first.points_added == 21
    assert (again.points_added, again.points_updated, again.points_unchanged) == (0, 0, 21)
