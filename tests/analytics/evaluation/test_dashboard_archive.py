"""Archived campaign dashboards: the same bytes as computed, and never out of date.

The default view of ``GET /api/v1/campaigns/{id}/dashboard/`` is sent from
``DashboardArchive`` while it was built today from the campaign's current
generation; every write that changes what the dashboard shows bumps it.
"""

import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from analytics.models import DashboardArchive, DashboardGeneration, FormulaMetric
from analytics.selectors.dashboards import campaign_dashboard, campaign_dashboard_data
from analytics.services import dashboard_archive as archive_service
from analytics.services.dashboard_archive import dashboard_archive
from analytics.tasks.evaluation import dashboard_archives_task
from campaigns.planning.models import KPI, CampaignStatus
from campaigns.planning.services.campaigns import campaign_delete
from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory

from .conftest import DAY, put

pytestmark = pytest.mark.django_db


def _url(campaign, query: str = "") -> str:
    return f"/api/v1/campaigns/{campaign.pk}/dashboard/{query}"


def _generation(campaign) -> int:
    return DashboardGeneration.objects.filter(campaign_id=campaign.pk).values_list(
        "value", flat=True
    ).first() or 0


@pytest.fixture
def manager_api(api_as, users):
    return api_as(users["manager"])


def test_the_archived_answer_is_the_computed_one_byte_for_byte(manager_api, live, today):
    first = manager_api.get(_url(live))
    archived = DashboardArchive.objects.get(campaign=live, language="en")
    second = manager_api.get(_url(live))

    computed = JSONRenderer().render(campaign_dashboard_data(campaign_dashboard(live, today=today)))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == computed == archived.body.encode()
    assert second["Content-Type"] == "application/json"
    assert (archived.built_for, archived.generation) == (today, _generation(live))
    assert second.json()["totals"]["reads"] == 10000.0


def test_new_points_are_shown_at_once(manager_api, live, wechat, today):
    manager_api.get(_url(live))

    put(live, wechat, today, reads=2500)

    assert manager_api.get(_url(live)).json()["totals"]["reads"] == 12500.0


def test_a_kpi_target_changed_is_shown_at_once(manager_api, live):
    manager_api.get(_url(live))
    kpi = KPI.objects.get(goal__campaign=live, metric="reads")

    kpi.target = Decimal("50000")
    kpi.save()

    [reads] = [k for k in manager_api.get(_url(live)).json()["kpis"] if k["metric"] == "reads"]
    assert (reads["target"], reads["progress"]) == (50000.0, 0.2)


def test_a_kpi_deleted_and_a_goal_added_are_shown_at_once(manager_api, live):
    manager_api.get(_url(live))
    KPI.objects.get(goal__campaign=live, metric="conversion_rate").delete()
    assert [k["metric"] for k in manager_api.get(_url(live)).json()["kpis"]] == ["reads"]

    KPIFactory(goal=GoalFactory(campaign=live), metric="clicks", target=Decimal("2000"))

    assert [k["metric"] for k in manager_api.get(_url(live)).json()["kpis"]] == [
        "reads", "clicks",
    ]


def test_a_campaign_window_moved_is_shown_at_once(manager_api, live, today):
    manager_api.get(_url(live))

    live.start_date = today - 3 * DAY
    live.save()

    body = manager_api.get(_url(live)).json()
    assert body["from"] == (today - 3 * DAY).isoformat()
    assert body["totals"]["reads"] == 3000.0


def test_an_account_renamed_is_shown_at_once_and_a_sync_changes_nothing(
    manager_api, live, wechat
):
    manager_api.get(_url(live))
    before = _generation(live)

    wechat.last_sync_at = timezone.now()
    wechat.save(update_fields=["last_sync_at"])
    assert _generation(live) == before

    wechat.handle = "brand-wechat-cn"
    wechat.save(update_fields=["handle"])

    labels = [a["label"] for a in manager_api.get(_url(live)).json()["accounts"]]
    assert "WeChat Official Account · brand-wechat-cn" in labels


def test_a_formula_metric_saved_outdates_every_archive(manager_api, live, team):
    manager_api.get(_url(live))
    before = _generation(live)

    FormulaMetric.objects.create(
        team=team, code="read_rate", name="Read rate", numerator=["reads"],
        denominator=["impressions"],
    )

    assert _generation(live) == before + 1


def test_yesterdays_archive_is_never_sent(manager_api, live, today):
    manager_api.get(_url(live))
    DashboardArchive.objects.filter(campaign=live).update(
        built_for=today - DAY, body='{"stale": true}'
    )

    response = manager_api.get(_url(live))

    assert "stale" not in response.json()
    assert DashboardArchive.objects.get(campaign=live, language="en").built_for == today


def test_each_language_has_its_own_archive(manager_api, live):
    english = manager_api.get(_url(live), HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = manager_api.get(_url(live), HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert [p["label"] for p in english["platforms"]] == ["Douyin", "WeChat Official Account"]
    assert [p["label"] for p in chinese["platforms"]] == ["微信公众号", "抖音"]
    assert sorted(DashboardArchive.objects.filter(campaign=live).values_list(
        "language", flat=True
    )) == ["en", "zh-hans"]


def test_another_teams_user_gets_404_though_an_archive_exists(api_as, users, outsider, live):
    api_as(users["manager"]).get(_url(live))
    assert DashboardArchive.objects.filter(campaign=live).exists()

    response = api_as(outsider).get(_url(live))

    assert response.status_code == 404
    assert "reads" not in response.content.decode()


@pytest.mark.parametrize("role", ["manager", "marketer", "analyst", "reviewer"])
def test_every_team_role_reads_the_archived_dashboard(api_as, users, live, role):
    api_as(users["manager"]).get(_url(live))

    response = api_as(users[role]).get(_url(live))

    assert response.status_code == 200
    assert response.json()["totals"]["reads"] == 10000.0


def test_a_write_during_a_build_leaves_that_archive_unsent(manager_api, live, monkeypatch):
    """The generation is read before the rollups: a KPI saved meanwhile outdates the build."""
    original = archive_service.campaign_dashboard

    def meanwhile(campaign, *args, **kwargs):
        kpi = KPI.objects.get(goal__campaign=campaign, metric="reads")
        kpi.target = Decimal("60000")
        kpi.save()
        monkeypatch.setattr(archive_service, "campaign_dashboard", original)
        dashboard = original(campaign, *args, **kwargs)
        # What the build saw was the old target: it read the KPIs before the save.
        return dashboard

    monkeypatch.setattr(archive_service, "campaign_dashboard", meanwhile)
    manager_api.get(_url(live))

    archived = DashboardArchive.objects.get(campaign=live, language="en")
    assert archived.generation == _generation(live) - 1
    [reads] = [k for k in manager_api.get(_url(live)).json()["kpis"] if k["metric"] == "reads"]
    assert reads["target"] == 60000.0


def test_filtered_views_are_computed_and_not_archived(manager_api, live):
    response = manager_api.get(_url(live, "?platform=wechat_oa"))

    assert response.status_code == 200
    assert response.json()["totals"]["reads"] == 10000.0
    assert not DashboardArchive.objects.exists()


def test_the_browsable_api_shows_the_archived_data(manager_api, live):
    manager_api.get(_url(live))

    response = manager_api.get(_url(live), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.data["totals"]["reads"] == 10000.0


def test_the_nightly_task_archives_running_campaigns_in_every_language(live, team, users):
    draft = CampaignFactory(team=team, owner=users["marketer"], status=CampaignStatus.DRAFT)

    assert dashboard_archives_task() == 1

    assert sorted(DashboardArchive.objects.values_list("campaign_id", "language")) == [
        (live.pk, "en"), (live.pk, "zh-hans"),
    ]
    assert not DashboardArchive.objects.filter(campaign=draft).exists()


def test_an_archive_built_by_a_task_is_sent_as_built(manager_api, live, today):
    body = dashboard_archive(live, today=today, language="en")

    assert manager_api.get(_url(live)).content.decode() == body
    assert json.loads(body)["campaign"] == live.pk


def test_a_campaign_with_goals_kpis_and_an_archive_can_be_deleted(users, team, today):
    """Its KPIs bump a generation as they go; the counter is no foreign key to trip on."""
    draft = CampaignFactory(team=team, owner=users["marketer"], status=CampaignStatus.DRAFT)
    KPIFactory(goal=GoalFactory(campaign=draft), metric="reads", target=Decimal("100"))
    dashboard_archive(draft, today=today, language="en")

    campaign_delete(actor=users["marketer"], campaign=draft)

    assert not DashboardArchive.objects.exists()



def test_an_import_leaves_its_campaigns_dashboard_archived(
    users, live, wechat, today, django_capture_on_commit_callbacks, tmp_path, settings
):
    from analytics.services import imports
    from tests.analytics.ingest.files import csv_bytes, upload

    settings.MEDIA_ROOT = tmp_path
    rows = [["日期", "平台", "账号", "阅读量"], [today.isoformat(), "wechat_oa", "brand-wechat", "700"]]
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_create(
            actor=users["analyst"], campaign=live, file=upload(csv_bytes(rows)),
            original_name="export.csv",
        )

    archived = DashboardArchive.objects.get(campaign=live, language="zh-hans")
    assert json.loads(archived.body)["totals"]["reads"] == 10700.0
    assert archived.generation == _generation(live)


def test_an_overseer_of_another_team_and_a_superuser_read_the_archive(
    api_as, users, other_team, live, django_user_model, django_assert_num_queries
):
    """Managers and admins oversee every team (S3.3.1): the archive's scope says so too."""
    from teams.roles import Role
    from tests.conftest import member

    api_as(users["manager"]).get(_url(live))
    overseer = member(other_team, Role.MANAGER, username="other-manager")
    marketer = member(other_team, Role.MARKETER, username="other-marketer")
    superuser = django_user_model.objects.create_superuser("root-admin", password="x")

    for reader in (overseer, superuser):
        client = api_as(reader)
        with django_assert_num_queries(1):  # the archive, not the computation
            response = client.get(_url(live))
        assert response.json()["totals"]["reads"] == 10000.0
    assert api_as(marketer).get(_url(live)).status_code == 404


def test_the_archive_says_of_each_kpi_what_the_kpis_endpoint_says():
    from analytics.api.evaluation import KPIStatusSerializer
    from analytics.selectors.dashboards import KPI_API_FIELDS

    assert tuple(KPIStatusSerializer().fields) == KPI_API_FIELDS
