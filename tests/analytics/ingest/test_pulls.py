"""Connector pulls: fan-out, incremental windows, campaign attribution, failures and retries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import AccountPullState, DailyRollup, MetricPoint
from analytics.selectors.metrics import account_ids_due_a_pull, campaign_metric_series
from analytics.services import pulls
from analytics.tasks.ingest import (
    PULL_MAX_RETRIES,
    account_metrics_sync_task,
    metrics_pull_task,
)
from campaigns.content.models import ContentVariant
from campaigns.planning.models import CampaignStatus
from campaigns.publishing.models import Publication
from platforms.connectors import PublishContent
from platforms.connectors.sandbox import SandboxConnector
from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind
from tests.campaigns.content.factories import ContentItemFactory
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory
from tests.campaigns.publishing.factories import steer_sandbox
from tests.platforms import fake_wechat
from tests.platforms.factories import PlatformAccountFactory, platform

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def running(team, owner, *, start_days_ago=10, **fields):
    return CampaignFactory(
        team=team, owner=owner, status=CampaignStatus.RUNNING, start_date=ago(start_days_ago),
        end_date=today() + datetime.timedelta(days=30), **fields,
    )


def targets(campaign, account):
    """The campaign has content for the account."""
    item = ContentItemFactory(campaign=campaign)
    ContentVariant.objects.create(item=item, account=account)
    return item


def kpi_on(campaign, code):
    KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads", platform=platform(code))


def test_a_first_pull_reads_from_the_campaign_start_and_stores_connector_points(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("douyin"))
    campaign = running(team, users["marketer"], start_days_ago=5)
    targets(campaign, account)

    result = pulls.account_metrics_pull(account=account)

    assert result.since == ago(5)
    assert result.counts.added > 0
    assert result.skipped == 0
    expected = {
        (p.date, p.metric): Decimal(str(p.value))
        for p in SandboxConnector(account).fetch_metrics(account, ago(5))
    }
    plays = campaign_metric_series(campaign, "plays")
    assert [day for day, _v in plays] == [ago(n) for n in range(5, 0, -1)]
    assert plays[0][1] == expected[(ago(5), "plays")]
    assert set(MetricPoint.objects.values_list("source", flat=True)) == {"connector"}
    state = AccountPullState.objects.get(account=account)
    assert (state.pulled_through, state.consecutive_failures) == (ago(1), 0)
    account.refresh_from_db()
    assert account.last_sync_at is not None


def test_the_next_pull_is_incremental_and_reads_the_last_days_again(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("douyin"))
    campaign = running(team, users["marketer"])
    targets(campaign, account)
    pulls.account_metrics_pull(account=account)

    again = pulls.account_metrics_pull(account=account)

    assert again.since == ago(pulls.REVISE_DAYS)
    # The sandbox says the same about those days: nothing changes, nothing is duplicated.
    assert (again.counts.added, again.counts.updated) == (0, 0)
    assert again.counts.unchanged > 0


def test_a_pull_never_reaches_back_past_the_platforms_data_window(team, users):
    douyin = platform("douyin")
    douyin.data_retention_days = 3
    douyin.save()
    account = PlatformAccountFactory(team=team, platform=douyin)
    campaign = running(team, users["marketer"], start_days_ago=20)
    targets(campaign, account)

    result = pulls.account_metrics_pull(account=account)

    assert result.since == ago(3)
    assert min(MetricPoint.objects.values_list("date", flat=True)) == ago(3)


def test_a_post_published_through_campaignops_counts_for_its_own_campaign(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    current = running(team, users["marketer"])
    targets(current, account)
    earlier = CampaignFactory(
        team=team, owner=users["marketer"], status=CampaignStatus.CLOSED,
        start_date=ago(60), end_date=ago(30),
    )
    item = ContentItemFactory(campaign=earlier)
    SandboxConnector(account).publish(PublishContent(title="Old post", body="…", client_key="k1"))
    post = account.sandbox_posts.get()
    post.created_at = timezone.now() - datetime.timedelta(days=3)
    post.save()
    publication = Publication.objects.create(
        team=team, item=item, account=account, scheduled_at=post.created_at,
        status="published", external_id=post.external_id,
    )

    pulls.account_metrics_pull(account=account)

    per_post = MetricPoint.objects.filter(publication=publication)
    assert per_post.exists()
    assert set(per_post.values_list("campaign_id", "content_item_id", "content_key")) == {
        (earlier.pk, item.pk, item.pk)
    }
    account_wide = MetricPoint.objects.filter(content_key=0)
    assert set(account_wide.values_list("campaign_id", flat=True)) == {current.pk}


def test_content_targeting_beats_a_kpi_and_the_latest_started_wins(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    by_kpi = running(team, users["marketer"], start_days_ago=2, name="KPI only")
    kpi_on(by_kpi, "weibo")
    older = running(team, users["marketer"], start_days_ago=9, name="Older content")
    targets(older, account)
    newer = running(team, users["marketer"], start_days_ago=4, name="Newer content")
    targets(newer, account)

    claims = pulls.campaign_claims(account)
    pulls.account_metrics_pull(account=account)

    assert [c.campaign_id for c in claims] == [newer.pk, older.pk, by_kpi.pk]
    owners = dict(
        DailyRollup.objects.filter(metric="reads").values_list("date", "campaign_id")
    )
    assert owners[ago(8)] == older.pk
    assert owners[ago(3)] == newer.pk
    assert owners[ago(1)] == newer.pk


def test_a_kpi_on_the_platform_claims_an_account_without_content(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    campaign = running(team, users["marketer"], start_days_ago=3)
    kpi_on(campaign, "weibo")

    pulls.account_metrics_pull(account=account)

    assert set(DailyRollup.objects.values_list("campaign_id", flat=True)) == {campaign.pk}


def test_days_no_campaign_targets_are_not_stored(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    campaign = CampaignFactory(
        team=team, owner=users["marketer"], status=CampaignStatus.RUNNING,
        start_date=ago(10), end_date=ago(6),
    )
    targets(campaign, account)

    result = pulls.account_metrics_pull(account=account)

    assert max(MetricPoint.objects.values_list("date", flat=True)) == ago(6)
    assert result.skipped > 0


def test_the_beat_task_fans_out_one_pull_per_connected_targeted_account(
    team, users, other_team, outsider, django_capture_on_commit_callbacks
):
    targeted = PlatformAccountFactory(team=team, platform=platform("weibo"))
    by_kpi = PlatformAccountFactory(team=team, platform=platform("douyin"))
    disconnected = PlatformAccountFactory(
        team=team, platform=platform("weibo"), needs_reconnection=True
    )
    no_credentials = PlatformAccountFactory(
        team=team, platform=platform("wechat_oa"), connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT
    )
    idle = PlatformAccountFactory(team=team, platform=platform("xiaohongshu"))
    draft_only = PlatformAccountFactory(team=other_team, platform=platform("zhihu"))
    campaign = running(team, users["marketer"])
    for account in (targeted, disconnected, no_credentials):
        targets(campaign, account)
    kpi_on(campaign, "douyin")
    draft = CampaignFactory(team=other_team, owner=outsider, status=CampaignStatus.DRAFT)
    targets(draft, draft_only)

    assert account_ids_due_a_pull() == sorted([targeted.pk, by_kpi.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert metrics_pull_task.delay().get() == {"enqueued": 2}

    assert set(AccountPullState.objects.values_list("account_id", flat=True)) == {
        targeted.pk, by_kpi.pk,
    }
    assert not AccountPullState.objects.filter(account=idle).exists()


def test_the_pull_task_runs_on_the_sync_queue():
    from config.celery import app

    assert app.amqp.router.route({}, account_metrics_sync_task.name)["queue"].name == "sync"
    assert app.amqp.router.route({}, metrics_pull_task.name)["queue"].name == "default"


def test_rejected_credentials_are_recorded_and_flag_the_account(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    targets(running(team, users["marketer"]), account)
    steer_sandbox(account, fail="auth")

    assert pulls.account_metrics_pull(account=account) is None

    state = AccountPullState.objects.get(account=account)
    assert (state.consecutive_failures, state.error_kind, state.error_code) == (
        1, "auth", "sandbox-auth",
    )
    assert state.pulled_through is None
    assert state.last_attempt_at is not None
    account.refresh_from_db()
    assert (account.needs_reconnection, account.last_error_kind) == (True, "auth")
    assert MetricPoint.objects.count() == 0


def test_a_busy_platform_is_retried_with_a_cap_then_recorded(team, users, eager_retries):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    targets(running(team, users["marketer"]), account)
    steer_sandbox(account, fail="rate_limited")

    assert account_metrics_sync_task.delay(account.pk).get() is None

    state = AccountPullState.objects.get(account=account)
    assert (state.consecutive_failures, state.error_kind) == (PULL_MAX_RETRIES + 1, "transient")
    account.refresh_from_db()
    assert (account.needs_reconnection, account.last_error_kind) == (False, "transient")


def test_a_recovered_platform_clears_the_failures(team, users):
    account = PlatformAccountFactory(team=team, platform=platform("weibo"))
    targets(running(team, users["marketer"]), account)
    steer_sandbox(account, fail="permanent")
    pulls.account_metrics_pull(account=account)
    steer_sandbox(account)

    assert account_metrics_sync_task.delay(account.pk).get()["added"] > 0

    state = AccountPullState.objects.get(account=account)
    assert (state.consecutive_failures, state.error_kind, state.error_code) == (0, "", "")


def test_the_pull_task_of_a_deleted_account_does_nothing():
    assert account_metrics_sync_task.delay(999_999).get() is None


def test_wechat_datacube_figures_are_pulled_through_the_real_connector(
    team, users, wechat_server
):
    account = PlatformAccountFactory(
        team=team, platform=platform("wechat_oa"), connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext=encrypt_credentials(
            {"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET}
        ),
    )
    campaign = running(team, users["marketer"], start_days_ago=4)
    kpi_on(campaign, "wechat_oa")
    # The pull's connector reads the real clock: the stand-in must too, or the two
    # disagree about which day is ready between midnight and 08:00 in Beijing.
    wechat_server.clock = timezone.now()
    latest = wechat_server.latest_data_day()

    result = pulls.account_metrics_pull(account=account)

    assert result.since == ago(4)
    days = [d for d in (ago(n) for n in range(4, 0, -1)) if d <= latest]
    reads = campaign_metric_series(campaign, "reads")
    assert reads == [(day, Decimal("1000")) for day in days]
    assert campaign_metric_series(campaign, "followers_gained") == [
        (day, Decimal("10")) for day in days
    ]
    # The article was published outside CampaignOps: it keeps a content key of its own.
    assert set(MetricPoint.objects.filter(metric="reads").values_list("content_key", flat=True)) == {
        pulls.outside_post_key("2247483695_1")
    }
    article_days = [
        call[2]["begin_date"] for call in wechat_server.calls
        if call[0] == "/datacube/getarticlesummary"
    ]
    assert article_days == [day.isoformat() for day in days]
