"""An article for a WeChat Official Account goes out with a cover: without a JPEG or PNG
picture WeChat takes, submitting it is refused with the reason, through every door."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from campaigns.content import services
from campaigns.content.models import ContentKind
from campaigns.content.models import ContentStatus as S
from platforms.connectors.wechat_official_account import COVER_MAX_BYTES
from tests.platforms.factories import qualified_account

from .factories import MediaAssetFactory, item_for

CLEAN = "春茶上市，欢迎品尝"
REFUSAL = (
    "An article on WeChat Official Account · brand-wechat needs a cover: attach a JPEG or "
    "PNG picture of at most 10 MB."
)
REFUSAL_ZH = "微信公众号 · brand-wechat 上的文章需要封面：请附上一张不超过 10 MB 的 JPEG 或 PNG 图片。"


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


def test_only_articles_for_wechat_need_a_cover(users, campaign, wechat, weibo):
    on_weibo = article(campaign, [weibo])
    image_text = article(campaign, [wechat], kind=ContentKind.IMAGE_TEXT)

    for item in (on_weibo, image_text):
        assert services.content_item_submit(actor=users["marketer"], item=item).status == (
            S.IN_REVIEW
        )


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
