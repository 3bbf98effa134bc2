"""An approved item for WeChat, of any kind, is published through the real WeChat connector
(against the local stand-in of api.weixin.qq.com) as an article with its first picture uploaded
as the cover; without a picture it is not put on the calendar."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.content.models import ContentKind
from campaigns.content.models import ContentStatus as C
from campaigns.publishing import services
from campaigns.publishing.models import Publication
from campaigns.publishing.models import PublicationStatus as P
from platforms.crypto import encrypt_credentials
from platforms.models import ConnectorKind
from tests.campaigns.content.factories import PNG_BYTES, MediaAssetFactory
from tests.platforms import fake_wechat
from tests.platforms.factories import qualified_account

from .factories import approved_item, publication

UPLOAD = "/cgi-bin/material/add_material"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def wechat_api(settings):
    cache.clear()
    server = fake_wechat.start()
    settings.WECHAT_API_BASE = server.url
    yield server
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.fixture
def wechat(team):
    return qualified_account(
        team, "wechat_oa", handle="brand-wechat", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext=encrypt_credentials(
            {"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET}
        ),
    )


@pytest.fixture
def due(campaign, team, wechat):
    item = approved_item(campaign, [wechat], kind=ContentKind.ARTICLE, status=C.SCHEDULED)
    item.media.set([
        MediaAssetFactory(team=team, title="Clip", content_type="video/mp4"),
        MediaAssetFactory(team=team, title="Tea garden"),
    ])
    return publication(item, wechat)


def test_a_due_wechat_article_goes_out_with_its_picture_as_the_cover(wechat_api, due):
    assert services.publication_publish(publication_id=due.pk) == P.PUBLISHED

    due.refresh_from_db()
    assert (due.external_id, due.url) == ("ARTICLE_ID_1", "https://mp.weixin.qq.com/s/ARTICLE_1")
    assert wechat_api.materials["MATERIAL_ID_1"]["data"] == PNG_BYTES
    [draft] = wechat_api.drafts.values()
    assert (draft["title"], draft["thumb_media_id"]) == ("Spring tea arrives", "MATERIAL_ID_1")
    assert wechat_api.paths().count(UPLOAD) == 1


def test_a_busy_draft_is_retried_later_with_the_cover_uploaded_once(wechat_api, due):
    wechat_api.state["fail_once"] = {"/cgi-bin/draft/add": 45009}

    assert services.publication_publish(publication_id=due.pk) == P.SCHEDULED
    Publication.objects.filter(pk=due.pk).update(scheduled_at=due.scheduled_at)
    assert services.publication_publish(publication_id=due.pk) == P.PUBLISHED

    assert wechat_api.paths().count(UPLOAD) == 1
    assert wechat_api.paths().count("/cgi-bin/freepublish/submit") == 1
    [draft] = wechat_api.drafts.values()
    assert draft["thumb_media_id"] == "MATERIAL_ID_1"


def test_a_due_image_text_post_goes_out_as_an_article_with_its_picture_as_the_cover(
    wechat_api, campaign, team, wechat
):
    item = approved_item(campaign, [wechat], kind=ContentKind.IMAGE_TEXT, status=C.SCHEDULED)
    item.media.set([MediaAssetFactory(team=team, title="Tea garden")])
    due = publication(item, wechat)

    assert services.publication_publish(publication_id=due.pk) == P.PUBLISHED

    [draft] = wechat_api.drafts.values()
    assert (draft["title"], draft["thumb_media_id"]) == ("Spring tea arrives", "MATERIAL_ID_1")
    assert wechat_api.materials["MATERIAL_ID_1"]["data"] == PNG_BYTES


def test_an_image_text_post_without_a_picture_is_not_put_on_a_wechat_calendar(
    users, campaign, wechat
):
    item = approved_item(campaign, [wechat], kind=ContentKind.IMAGE_TEXT)

    with pytest.raises(ValidationError) as exc:
        services.publication_schedule(
            actor=users["marketer"], item=item,
            at=timezone.now() + datetime.timedelta(days=1),
        )

    assert exc.value.message_dict == {"media": [
        "WeChat Official Account · brand-wechat publishes every post as a WeChat article, so "
        "this “Image and text” item needs a cover too: attach a JPEG or PNG picture of at "
        "most 10 MB."
    ]}
    assert not Publication.objects.filter(item=item).exists()
