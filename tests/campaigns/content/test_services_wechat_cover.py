"""Whatever its kind, an item for a WeChat Official Account goes out as a WeChat article
(draft/add + freepublish), which needs a cover: without a JPEG or PNG picture WeChat takes,
submitting, approving or scheduling it is refused with the reason, through every door."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from campaigns.content import services
from campaigns.content.models import ContentKind
from campaigns.content.models import ContentStatus as S
from platforms.connectors.wechat_official_account import COVER_MAX_BYTES
from tests.platforms.factories import qualified_account

from .factories import MediaAssetFactory, in_days, item_for

CLEAN = "春茶上市，欢迎品尝"
REFUSAL = (
    "An article on WeChat Official Account · brand-wechat needs a cover: attach a JPEG or "
    "PNG picture of at most 10 MB."
)
REFUSAL_ZH = "微信公众号 · brand-wechat 上的文章需要封面：请附上一张不超过 10 MB 的 JPEG 或 PNG 图片。"
# Every kind but the article, with its English label: the refusal names the kind.
OTHER_KINDS = {
    ContentKind.IMAGE_TEXT: "Image and text",
    ContentKind.SHORT_VIDEO: "Short video",
    ContentKind.LONG_VIDEO: "Long video",
    ContentKind.LIVE_STREAM: "Live stream",
    ContentKind.PRODUCT_LISTING: "Product listing",
}


def refusal_for(label):
    return (
        "WeChat Official Account · brand-wechat publishes every post as a WeChat article, so "
        f"this “{label}” item needs a cover too: attach a JPEG or PNG picture of at most 10 MB."
    )


@pytest.fixture
def wechat(team):
    return qualified_account(team, "wechat_oa", handle="brand-wechat")


def article(campaign, accounts, media=(), kind=ContentKind.ARTICLE):
    item = item_for(campaign, accounts, title="春茶", body=CLEAN, kind=kind)
    item.media.set(media)
    return item


def test_an_article_for_wechat_without_a_picture_is_refused_with_the_reason(
    users, campaign, wechat
):
    item = article(campaign, [wechat])

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [REFUSAL]}
    item.refresh_from_db()
    assert item.status == S.DRAFT


@pytest.mark.parametrize(
    ("content_type", "size"),
    [("video/mp4", 2048), ("image/webp", 2048), ("image/png", COVER_MAX_BYTES + 1)],
    ids=["a-video", "a-webp-picture", "a-picture-over-10-mb"],
)
def test_media_wechat_does_not_take_as_a_cover_does_not_count(
    users, team, campaign, wechat, content_type, size
):
    item = article(campaign, [wechat], [MediaAssetFactory(
        team=team, content_type=content_type, size=size)])

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [REFUSAL]}


@pytest.mark.parametrize("content_type", ["image/png", "image/jpeg"])
def test_an_article_for_wechat_with_a_jpeg_or_png_is_submitted(
    users, team, campaign, wechat, content_type
):
    item = article(campaign, [wechat], [
        MediaAssetFactory(team=team, content_type="video/mp4"),
        MediaAssetFactory(team=team, content_type=content_type),
    ])

    submitted = services.content_item_submit(actor=users["marketer"], item=item)

    assert submitted.status == S.IN_REVIEW


def test_every_kind_of_content_is_covered_by_these_tests():
    assert set(ContentKind.values) == {ContentKind.ARTICLE, *OTHER_KINDS}


@pytest.mark.parametrize(("kind", "label"), OTHER_KINDS.items(), ids=list(OTHER_KINDS))
def test_any_other_kind_for_wechat_without_a_picture_is_refused_naming_its_kind(
    users, campaign, wechat, kind, label
):
    item = article(campaign, [wechat], kind=kind)

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [refusal_for(label)]}
    item.refresh_from_db()
    assert item.status == S.DRAFT


@pytest.mark.parametrize("kind", ContentKind.values)
def test_any_kind_for_wechat_with_a_picture_is_submitted(users, team, campaign, wechat, kind):
    item = article(campaign, [wechat], [MediaAssetFactory(team=team)], kind=kind)

    submitted = services.content_item_submit(actor=users["marketer"], item=item)

    assert submitted.status == S.IN_REVIEW


@pytest.mark.parametrize("kind", ContentKind.values)
def test_no_kind_needs_a_cover_on_weibo(users, campaign, weibo, kind):
    item = article(campaign, [weibo], kind=kind)

    assert services.content_item_submit(actor=users["marketer"], item=item).status == (
        S.IN_REVIEW
    )


def test_a_video_file_is_no_cover_for_a_short_video_either(users, team, campaign, wechat):
    item = article(campaign, [wechat], [MediaAssetFactory(
        team=team, content_type="video/mp4")], kind=ContentKind.SHORT_VIDEO)

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [refusal_for("Short video")]}


def test_approving_an_image_text_post_without_a_picture_is_refused(users, campaign, wechat):
    item = item_for(campaign, [wechat], status=S.IN_REVIEW, kind=ContentKind.IMAGE_TEXT)

    with pytest.raises(ValidationError) as exc:
        services.content_item_review(
            actor=users["reviewer"], item=item, decision="approved",
            accuracy_ok=True, compliance_ok=True, safety_ok=True,
        )

    assert exc.value.message_dict == {"media": [refusal_for("Image and text")]}
    item.refresh_from_db()
    assert item.status == S.IN_REVIEW


def test_scheduling_an_image_text_post_without_a_picture_is_refused(campaign, wechat):
    item = item_for(campaign, [wechat], status=S.APPROVED, kind=ContentKind.IMAGE_TEXT)

    with pytest.raises(ValidationError) as exc:
        services.content_item_check_schedulable(item=item, accounts=[wechat], at=in_days(1))

    assert exc.value.message_dict == {"media": [refusal_for("Image and text")]}


def test_scheduling_an_image_text_post_with_a_picture_passes(team, campaign, wechat):
    item = item_for(campaign, [wechat], status=S.APPROVED, kind=ContentKind.IMAGE_TEXT)
    item.media.set([MediaAssetFactory(team=team)])

    assert services.content_item_check_schedulable(
        item=item, accounts=[wechat], at=in_days(1)
    ) is None


def test_a_product_listing_for_wechat_and_weibo_names_only_the_wechat_account(
    users, campaign, wechat, weibo
):
    item = article(campaign, [weibo, wechat], kind=ContentKind.PRODUCT_LISTING)

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [refusal_for("Product listing")]}


def test_the_api_refuses_an_image_text_submission_naming_its_kind(
    api_as, users, campaign, wechat
):
    item = article(campaign, [wechat], kind=ContentKind.IMAGE_TEXT)

    response = api_as(users["marketer"]).post(f"/api/v1/content-items/{item.pk}/submit/")

    assert response.status_code == 400
    assert response.json() == {"media": [refusal_for("Image and text")]}


def test_an_article_for_wechat_and_weibo_names_only_the_wechat_account(
    users, campaign, wechat, weibo
):
    item = article(campaign, [weibo, wechat])

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"media": [REFUSAL]}


def test_the_api_refuses_the_submission_with_a_media_field_error(
    api_as, users, campaign, wechat
):
    item = article(campaign, [wechat])

    response = api_as(users["marketer"]).post(f"/api/v1/content-items/{item.pk}/submit/")

    assert response.status_code == 400
    assert response.json() == {"media": [REFUSAL]}


def test_the_page_shows_the_refusal_in_english(client_as, users, campaign, wechat):
    item = article(campaign, [wechat])

    response = client_as(users["marketer"]).post(
        reverse("content:submit", args=[item.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["Not submitted:", REFUSAL]


def test_the_page_shows_the_refusal_in_chinese(client_as, users, campaign, wechat):
    item = article(campaign, [wechat])
    client = client_as(users["marketer"])

    with translation.override("zh-hans"):
        response = client.post(
            reverse("content:submit", args=[item.pk]), follow=True,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )

    assert [str(m) for m in response.context["messages"]] == ["未能提交：", REFUSAL_ZH]
    assert REFUSAL_ZH in response.content.decode()
