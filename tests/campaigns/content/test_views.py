"""Content pages for each role, in both languages, and never another team's content."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.content import services
from campaigns.content.models import ContentItem, ContentVersion, MediaAsset, ReviewDecision
from campaigns.content.models import ContentStatus as S
from compliance.advertising.models import ContentCheck
from tests.campaigns.planning.factories import CampaignFactory

from .factories import PNG_BYTES, in_days, item_for

CLEAN = "春茶上市，欢迎品尝"
BLOCKED = "全网最低价，新茶上市"
CHECKLIST = {"accuracy_ok": "on", "compliance_ok": "on", "safety_ok": "on"}


@pytest.fixture
def item(campaign, weibo):
    return item_for(campaign, [weibo], title="春茶", body=CLEAN)


@pytest.mark.parametrize("role", ["admin", "manager", "marketer", "reviewer", "analyst"])
def test_every_role_sees_the_list_and_the_detail(client_as, users, item, role):
    client = client_as(users[role])

    listing = client.get(reverse("content:list"))
    detail = client.get(item.get_absolute_url())

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert "春茶" in listing.content.decode()
    assert detail.context["item"] == item


def test_another_team_gets_404_on_every_page_of_an_item(client_as, outsider, item):
    client = client_as(outsider)

    for name in ("detail", "edit", "review", "diff"):
        assert client.get(reverse(f"content:{name}", args=[item.pk])).status_code == 404, name
    for name in ("submit", "withdraw", "recall", "override"):
        assert client.post(reverse(f"content:{name}", args=[item.pk])).status_code == 404, name
    assert "春茶" not in client.get(reverse("content:list")).content.decode()


def test_another_team_gets_404_on_media(client_as, outsider, team):
    asset = MediaAsset.objects.create(team=team, title="Ours", content_type="image/png",
                                      source="original", file="media/x.png")
    client = client_as(outsider)

    assert client.get(reverse("content:media_file", args=[asset.pk])).status_code == 404
    assert client.post(reverse("content:media_licence", args=[asset.pk])).status_code == 404


def test_the_empty_list_says_what_to_do(client_as, users):
    response = client_as(users["marketer"]).get(reverse("content:list"))

    assert response.context["items"].__len__() == 0
    body = response.content.decode()
    assert "No content yet" in body
    assert reverse("content:create") in body


def test_the_list_filters_by_campaign_status_kind_and_account(client_as, users, campaign, weibo, douyin):
    other = CampaignFactory(team=campaign.team, owner=users["marketer"])
    a = item_for(campaign, [weibo], title="A weibo draft")
    item_for(campaign, [douyin], title="B douyin draft")
    item_for(other, [weibo], title="C other campaign")
    item_for(campaign, [weibo], title="D approved", status=S.APPROVED)
    client = client_as(users["marketer"])

    response = client.get(reverse("content:list"), {
        "campaign": campaign.pk, "status": "draft", "kind": "article", "account": weibo.pk
    })

    assert list(response.context["items"]) == [a]


def test_a_filter_with_no_match_says_so(client_as, users, item):
    response = client_as(users["marketer"]).get(reverse("content:list"), {"status": "published"})

    assert "No content matches these filters" in response.content.decode()


def test_the_chinese_list_shows_labels_not_codes(client_as, users, item):
    client = client_as(users["marketer"])
    with translation.override("zh-hans"):
        body = client.get(reverse("content:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "草稿" in body
    assert ">draft<" not in body
    assert "图文" in body or "文章" in body


def test_the_list_makes_the_same_number_of_queries_for_1_and_20_items(
    client_as, users, campaign, weibo, douyin, django_assert_num_queries
):
    client = client_as(users["marketer"])
    item_for(campaign, [weibo, douyin])
    client.get(reverse("content:list"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("content:list")).status_code == 200
    for _ in range(19):
        item_for(campaign, [weibo, douyin])

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("content:list"))
    assert len(response.context["items"]) == 20


def test_a_marketer_writes_a_post_with_a_variant_in_the_editor(client_as, users, campaign, weibo, douyin):
    client = client_as(users["marketer"])
    url = reverse("content:create") + f"?campaign={campaign.pk}"

    page = client.get(url)
    response = client.post(url, {
        "kind": "article", "title": "春茶", "body": CLEAN, "accounts": [weibo.pk, douyin.pk],
        f"variant_{weibo.pk}_body": "微博短文 #春茶#", "planned_at": "2031-05-01T20:00",
        "interaction_prompt": "", "interaction_prompt_text": "",
    })

    assert page.status_code == 200
    assert f'id="pane-{weibo.pk}"' in page.content.decode()
    item = ContentItem.objects.get()
    assert response.status_code == 302
    assert response.url == item.get_absolute_url()
    assert item.variants.get(account=weibo).body == "微博短文 #春茶#"
    # Entered in the team's zone (Asia/Shanghai): 20:00 there is 12:00 UTC.
    assert item.planned_at.isoformat() == "2031-05-01T12:00:00+00:00"


def test_the_editor_shows_service_errors_under_their_fields_and_writes_nothing(
    client_as, users, campaign
):
    client = client_as(users["marketer"])

    response = client.post(reverse("content:create") + f"?campaign={campaign.pk}", {
        "kind": "article", "title": "x", "body": "", "planned_at": "2020-01-01T08:00",
        "interaction_prompt": "poll", "interaction_prompt_text": "",
    })

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "planned_at": ["The planned time is in the past."],
        "interaction_prompt_text": ["Write the prompt readers see, e.g. the poll question."],
    }
    assert not ContentItem.objects.exists()


def test_the_editor_asks_for_a_campaign_first(client_as, users, campaign):
    response = client_as(users["marketer"]).get(reverse("content:create"))

    assert response.templates[0].name == "content/pick_campaign.html"
    assert campaign in response.context["form"].fields["campaign"].queryset


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_roles_that_do_not_write_get_403_on_the_editor(client_as, users, item, role):
    client = client_as(users[role])

    assert client.get(reverse("content:create")).status_code == 403
    assert client.get(reverse("content:edit", args=[item.pk])).status_code == 403


def test_editing_saves_a_new_version_and_the_detail_shows_the_diff(client_as, users, item, weibo):
    client = client_as(users["marketer"])

    client.post(reverse("content:edit", args=[item.pk]), {
        "kind": "article", "title": "春茶", "body": "春茶上市，欢迎到店品尝", "accounts": [weibo.pk],
        "version": 1, "interaction_prompt": "",
    })
    detail = client.get(item.get_absolute_url())

    assert ContentVersion.objects.filter(item=item).count() == 2
    body = detail.content.decode()
    assert "<ins>到店</ins>" in body
    assert detail.context["diff"]["changed"][0].key == "body"


def test_the_diff_endpoint_answers_htmx_with_the_fragment_in_unified_mode(client_as, users, item):
    services.content_item_update(actor=users["marketer"], item=item, body="新的正文")
    client = client_as(users["marketer"])

    response = client.get(reverse("content:diff", args=[item.pk]),
                          {"a": 1, "b": 2, "mode": "unified"}, HTTP_HX_REQUEST="true")

    assert [t.name for t in response.templates][0] == "content/_diff.html"
    assert '<span class="add">+新的正文</span>' in response.content.decode()


def test_a_diff_of_a_missing_version_is_404(client_as, users, item):
    response = client_as(users["marketer"]).get(reverse("content:diff", args=[item.pk]),
                                                {"a": 1, "b": 9})

    assert response.status_code == 404


def test_submitting_a_blocked_text_shows_the_finding_highlighted(client_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)
    client = client_as(users["marketer"])

    response = client.post(reverse("content:submit", args=[item.pk]), follow=True)

    body = response.content.decode()
    assert "AB-01" in body
    assert '<mark class="finding-block">全网最低价<sup>1</sup></mark>' in body
    assert 'data-testid="blocked-alert"' in body
    item.refresh_from_db()
    assert item.status == S.DRAFT


def test_a_reviewer_overrides_from_the_page_and_the_author_submits(client_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)
    client_as(users["marketer"]).post(reverse("content:submit", args=[item.pk]))
    check = ContentCheck.objects.get()

    queue = client_as(users["reviewer"]).get(reverse("content:review_queue"))
    client_as(users["reviewer"]).post(reverse("content:override", args=[item.pk]), {
        "check": check.pk, "finding_index": 0, "reason": "法务已核实比价截图，存档 L-1。"
    })
    client_as(users["marketer"]).post(reverse("content:submit", args=[item.pk]))

    assert list(queue.context["blocked"]) == [item]
    item.refresh_from_db()
    assert item.status == S.IN_REVIEW


def test_the_review_queue_lists_items_awaiting_the_reviewer_but_not_their_own(
    client_as, users, campaign, weibo
):
    theirs = item_for(campaign, [weibo], status=S.IN_REVIEW, title="Theirs")
    item_for(campaign, [weibo], status=S.IN_REVIEW, title="Mine", owner=users["manager"])
    item_for(campaign, [weibo], status=S.DRAFT, title="Draft")

    response = client_as(users["manager"]).get(reverse("content:review_queue"))

    assert list(response.context["items"]) == [theirs]


def test_marketers_have_no_review_queue(client_as, users):
    assert client_as(users["marketer"]).get(reverse("content:review_queue")).status_code == 403


def test_a_reviewer_approves_on_the_review_page_with_the_checklist(client_as, users, item):
    services.content_item_submit(actor=users["marketer"], item=item)
    client = client_as(users["reviewer"])

    page = client.get(reverse("content:review", args=[item.pk]))
    refused = client.post(reverse("content:review", args=[item.pk]), {"decision": "approved"})
    approved = client.post(reverse("content:review", args=[item.pk]),
                           {"decision": "approved", **CHECKLIST})

    assert 'data-testid="review-form"' in page.content.decode()
    assert refused.context["form"].errors["accuracy_ok"] == ["Tick this check before approving."]
    assert approved.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (S.APPROVED, users["reviewer"])


def test_the_review_page_tells_the_owner_someone_else_decides(client_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], body=CLEAN, owner=users["manager"])
    services.content_item_submit(actor=users["manager"], item=item)

    page = client_as(users["manager"]).get(reverse("content:review", args=[item.pk]))
    post = client_as(users["manager"]).post(reverse("content:review", args=[item.pk]),
                                            {"decision": "approved", **CHECKLIST})

    assert 'data-testid="own-item"' in page.content.decode()
    assert post.status_code == 403


def test_the_review_page_shows_changes_since_the_last_review(client_as, users, item):
    services.content_item_submit(actor=users["marketer"], item=item)
    services.content_item_review(actor=users["reviewer"], item=item,
                                 decision=ReviewDecision.CHANGES_REQUESTED, comment="改标题")
    services.content_item_update(actor=users["marketer"], item=item, title="春茶新品")
    services.content_item_submit(actor=users["marketer"], item=item)

    page = client_as(users["reviewer"]).get(reverse("content:review", args=[item.pk]))

    assert [f.key for f in page.context["diff"]["changed"]] == ["title"]
    assert "改标题" in page.content.decode()


def test_withdraw_and_recall_buttons_move_the_item(client_as, users, item):
    client = client_as(users["marketer"])
    services.content_item_submit(actor=users["marketer"], item=item)

    client.post(reverse("content:recall", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == S.DRAFT
    client.post(reverse("content:withdraw", args=[item.pk]), {"reason": "不再需要"})
    item.refresh_from_db()
    assert item.status == S.WITHDRAWN


def test_the_media_library_uploads_and_refuses_a_disguised_file(client_as, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(users["marketer"])
    bad = client.post(reverse("content:media"), {
        "title": "x", "source": "original",
        "file": SimpleUploadedFile("x.png", b"<html></html>", content_type="image/png"),
    })
    good = client.post(reverse("content:media"), {
        "title": "茶园", "source": "licensed", "licence_reference": "VCG-1",
        "licence_expires_on": in_days(30).date().isoformat(),
        "file": SimpleUploadedFile("x.png", PNG_BYTES, content_type="image/png"),
    })

    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["file"]
    assert good.status_code == 302
    asset = MediaAsset.objects.get()
    download = client.get(reverse("content:media_file", args=[asset.pk]))
    assert download["Content-Disposition"].startswith("attachment")


def test_reviewers_see_the_media_library_without_the_upload_form(client_as, users):
    response = client_as(users["reviewer"]).get(reverse("content:media"))

    assert response.status_code == 200
    assert 'data-testid="upload-form"' not in response.content.decode()


def _visible_text(html: str) -> str:
    import re

    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


CODES = [
    "draft", "in_review", "changes_requested", "approved", "withdrawn", "expired", "article",
    "image_text", "short_video", "original", "licensed", "authorised", "user_generated",
    "topic", "poll", "block", "warn",
]


def test_chinese_pages_show_no_raw_codes(client_as, users, campaign, weibo, team):
    import re

    from .factories import MediaAssetFactory

    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED, interaction_prompt="poll",
                    interaction_prompt_text="绿茶还是红茶？")
    item.media.add(MediaAssetFactory(team=team, title="茶园"))
    client_as(users["marketer"]).post(reverse("content:submit", args=[item.pk]))
    pages = [
        reverse("content:list"), item.get_absolute_url(), reverse("content:edit", args=[item.pk]),
        reverse("content:review", args=[item.pk]), reverse("content:review_queue"),
        reverse("content:media"),
    ]

    for url in pages:
        client = client_as(users["reviewer"] if "review" in url else users["marketer"])
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        found = [c for c in CODES if re.search(rf"(?<![\w-]){c}(?![\w-])", text)]
        assert found == [], (url, found)
