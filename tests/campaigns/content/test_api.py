"""The content API: every action, scoped to the caller's teams, 4xx with field errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.content import services
from campaigns.content.models import ContentItem, ContentVersion, MediaAsset
from campaigns.content.models import ContentStatus as S

from .factories import PNG_BYTES, MediaAssetFactory, item_for

CLEAN = "春茶上市，欢迎品尝"
BLOCKED = "全网最低价，新茶上市"
LIST = "/api/v1/content-items/"


def detail(item, action=""):
    return f"{LIST}{item.pk}/{action + '/' if action else ''}"


@pytest.fixture
def item(campaign, weibo):
    return item_for(campaign, [weibo], title="春茶", body=CLEAN)


def test_create_with_variants_and_media_returns_the_item(api_as, users, campaign, team, weibo, douyin):
    asset = MediaAssetFactory(team=team)

    response = api_as(users["marketer"]).post(LIST, {
        "campaign": campaign.pk, "kind": "article", "title": "春茶", "body": CLEAN,
        "accounts": [weibo.pk, douyin.pk], "media": [asset.pk],
        "variants": [{"account": weibo.pk, "body": "微博短文"}],
        "planned_at": "2031-05-01T20:00:00",
    }, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["version"], data["accounts"], data["media"]) == (
        "draft", 1, [weibo.pk, douyin.pk], [asset.pk]
    )
    assert data["planned_at"] == "2031-05-01T20:00:00+08:00"  # read and shown in the team's zone
    assert [(v["account"], v["effective_body"]) for v in data["variants"]] == [
        (weibo.pk, "微博短文"), (douyin.pk, CLEAN)
    ]


def test_bad_input_is_a_400_with_field_errors_and_nothing_written(api_as, users, campaign):
    response = api_as(users["marketer"]).post(LIST, {
        "campaign": campaign.pk, "kind": "article", "title": "", "planned_at": "2020-01-01T08:00:00Z",
        "interaction_prompt": "poll",
    }, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "title": ["Enter a title."],
        "planned_at": ["The planned time is in the past."],
        "interaction_prompt_text": ["Write the prompt readers see, e.g. the poll question."],
    }
    assert not ContentItem.objects.exists()


def test_a_campaign_of_another_team_does_not_exist_for_the_caller(api_as, outsider, campaign):
    response = api_as(outsider).post(LIST, {"campaign": campaign.pk, "kind": "article",
                                            "title": "x"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["campaign"]


def test_another_teams_item_is_404_on_every_route(api_as, outsider, item):
    client = api_as(outsider)

    assert client.get(detail(item)).status_code == 404
    assert client.patch(detail(item), {"body": "x"}, format="json").status_code == 404
    for action in ("submit", "review", "withdraw", "recall", "override"):
        assert client.post(detail(item, action), {}, format="json").status_code == 404, action
    for action in ("versions", "diff", "checks"):
        assert client.get(detail(item, action)).status_code == 404, action
    assert client.get(LIST).json()["count"] == 0


def test_a_role_without_the_capability_gets_403(api_as, users, item):
    response = api_as(users["reviewer"]).patch(detail(item), {"body": "x"}, format="json")

    assert response.status_code == 403


def test_update_makes_a_version_and_refuses_a_stale_one(api_as, users, item):
    client = api_as(users["marketer"])

    ok = client.patch(detail(item), {"body": "新正文", "expected_version": 1}, format="json")
    stale = client.patch(detail(item), {"body": "旧的", "expected_version": 1}, format="json")

    assert (ok.status_code, ok.json()["version"]) == (200, 2)
    assert stale.status_code == 400
    assert list(stale.json()) == ["version"]
    assert ContentVersion.objects.filter(item=item).count() == 2


def test_submit_review_and_the_findings_through_the_api(api_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)
    marketer = api_as(users["marketer"])

    refused = marketer.post(detail(item, "submit"))
    checks = marketer.get(detail(item, "checks")).json()

    assert refused.status_code == 400
    assert list(refused.json()) == ["compliance"]
    assert checks[0]["blocking_open"] == [0]
    reviewer = api_as(users["reviewer"])
    override = reviewer.post(detail(item, "override"), {
        "check": checks[0]["check"], "finding_index": 0, "reason": "法务已核实比价截图，存档 L-1。",
    }, format="json")
    assert override.status_code == 201
    submitted = api_as(users["marketer"]).post(detail(item, "submit"))
    assert submitted.json()["status"] == "in_review"
    missing = api_as(users["reviewer"]).post(detail(item, "review"), {"decision": "approved"},
                                             format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"accuracy_ok", "compliance_ok", "safety_ok"}
    approved = api_as(users["reviewer"]).post(detail(item, "review"), {
        "decision": "approved", "accuracy_ok": True, "compliance_ok": True, "safety_ok": True,
    }, format="json")
    assert (approved.status_code, approved.json()["decision"]) == (201, "approved")
    item.refresh_from_db()
    assert item.status == S.APPROVED


def test_the_owner_may_not_review_through_the_api(api_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], body=CLEAN, owner=users["manager"])
    services.content_item_submit(actor=users["manager"], item=item)

    response = api_as(users["manager"]).post(detail(item, "review"), {
        "decision": "approved", "accuracy_ok": True, "compliance_ok": True, "safety_ok": True,
    }, format="json")

    assert response.status_code == 403


def test_withdraw_recall_versions_and_diff(api_as, users, item):
    client = api_as(users["marketer"])
    client.patch(detail(item), {"title": "春茶新品"}, format="json")
    client.post(detail(item, "submit"))

    recalled = client.post(detail(item, "recall"), {}, format="json")
    versions = client.get(detail(item, "versions")).json()
    diff = client.get(detail(item, "diff"), {"from_version": 1, "to_version": 2}).json()
    withdrawn = client.post(detail(item, "withdraw"), {"reason": "不用了"}, format="json")

    assert recalled.json()["status"] == "draft"
    assert [v["number"] for v in versions] == [2, 1]
    title = next(f for f in diff["fields"] if f["field"] == "title")
    assert title["changed"] is True
    assert title["unified"] == ["--- v1 title", "+++ v2 title", "@@ -1 +1 @@", "-春茶", "+春茶新品"]
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_diff_needs_both_versions(api_as, users, item):
    client = api_as(users["marketer"])

    assert client.get(detail(item, "diff")).status_code == 400
    assert client.get(detail(item, "diff"), {"from_version": 1, "to_version": 7}).status_code == 404


def test_filters_by_campaign_status_kind_and_account(api_as, users, campaign, weibo, douyin):
    a = item_for(campaign, [weibo], title="A")
    item_for(campaign, [douyin], title="B")
    item_for(campaign, [weibo], title="C", status=S.APPROVED)

    response = api_as(users["marketer"]).get(LIST, {
        "campaign": campaign.pk, "status": "draft", "kind": "article", "account": weibo.pk,
    })

    assert [row["id"] for row in response.json()["results"]] == [a.pk]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_endpoint_makes_the_same_number_of_queries_for_1_and_20_items(
    api_as, users, campaign, team, weibo, douyin, django_assert_num_queries
):
    client = api_as(users["marketer"])
    asset = MediaAssetFactory(team=team)

    def make():
        item_for(campaign, [weibo, douyin]).media.add(asset)

    make()
    client.get(LIST)  # the caller's memberships are cached after the first request
    one = _count(client, LIST)
    for _ in range(19):
        make()

    with django_assert_num_queries(one):
        response = client.get(LIST)
    assert response.json()["count"] == 20


def test_media_upload_is_multipart_and_judged_by_content(api_as, users, team):
    client = api_as(users["marketer"])

    ok = client.post("/api/v1/media-assets/", {
        "team": team.pk, "title": "茶园", "source": "original",
        "file": SimpleUploadedFile("a.png", PNG_BYTES, content_type="image/png"),
    }, format="multipart")
    bad = client.post("/api/v1/media-assets/", {
        "team": team.pk, "title": "x", "source": "licensed",
        "file": SimpleUploadedFile("a.png", b"MZ\x90\x00", content_type="image/png"),
    }, format="multipart")

    assert ok.status_code == 201, ok.json()
    assert (ok.json()["content_type"], ok.json()["size"]) == ("image/png", len(PNG_BYTES))
    assert bad.status_code == 400
    assert set(bad.json()) == {"file", "licence_reference"}
    assert MediaAsset.objects.count() == 1
    download = client.get(ok.json()["download_url"])
    assert download["Content-Disposition"].startswith("attachment")


def test_media_of_another_team_is_404(api_as, outsider, team):
    asset = MediaAssetFactory(team=team)
    client = api_as(outsider)

    assert client.get(f"/api/v1/media-assets/{asset.pk}/").status_code == 404
    assert client.get(f"/api/v1/media-assets/{asset.pk}/download/").status_code == 404
    assert client.post(f"/api/v1/media-assets/{asset.pk}/licence/", {}, format="json").status_code == 404


def test_the_schema_documents_the_content_routes():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/v1/", include("campaigns.content.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert sorted(schema["paths"]) == [
        "/api/v1/content-items/", "/api/v1/content-items/{id}/",
        "/api/v1/content-items/{id}/checks/", "/api/v1/content-items/{id}/diff/",
        "/api/v1/content-items/{id}/override/", "/api/v1/content-items/{id}/recall/",
        "/api/v1/content-items/{id}/review/", "/api/v1/content-items/{id}/submit/",
        "/api/v1/content-items/{id}/versions/", "/api/v1/content-items/{id}/withdraw/",
        "/api/v1/media-assets/", "/api/v1/media-assets/{id}/",
        "/api/v1/media-assets/{id}/download/", "/api/v1/media-assets/{id}/licence/",
    ]
    upload = schema["paths"]["/api/v1/media-assets/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    diff = schema["paths"]["/api/v1/content-items/{id}/diff/"]["get"]["parameters"]
    assert {p["name"] for p in diff} >= {"from_version", "to_version"}
