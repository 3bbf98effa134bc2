"""A WeChat article's cover: the content's first picture WeChat takes, uploaded as
permanent image material (material/add_material) once per publish call, its media_id
the draft's thumb_media_id."""

import base64
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from platforms.connectors import (
    PermanentConnectorError,
    PublishContent,
    TransientConnectorError,
)
from platforms.connectors.wechat_official_account import (
    COVER_MAX_BYTES,
    WeChatOfficialAccountConnector,
)

from . import fake_wechat

UPLOAD = "/cgi-bin/material/add_material"
DRAFT = "/cgi-bin/draft/add"
SUBMIT = "/cgi-bin/freepublish/submit"
KEY = "0b6f1c9e-3f1d-4d7a-9a55-1c2b3d4e5f60"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 28
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client(server):
    return WeChatOfficialAccountConnector(
        app_id=fake_wechat.APP_ID, app_secret=fake_wechat.APP_SECRET, base_url=server.url,
        timeout=1, now=server.now,
    )


def stored(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def article(files=(), urls=(), key=KEY) -> PublishContent:
    return PublishContent(
        title="新品发布", body="<p>正文</p>", media_urls=tuple(urls),
        extra={"media_files": list(files)}, client_key=key,
    )


def uploads(server) -> int:
    return server.paths().count(UPLOAD)


def test_first_picture_is_uploaded_as_image_material_and_becomes_the_cover(server, client):
    cover = stored("media/1/tea-garden.png", PNG)
    second = stored("media/1/second.jpg", JPEG)

    result = client.publish(article([cover, second]))

    assert result.url == "https://mp.weixin.qq.com/s/ARTICLE_1"
    assert server.paths() == [
        "/cgi-bin/stable_token", UPLOAD, DRAFT, SUBMIT, "/cgi-bin/freepublish/get",
    ]
    _, query, body = server.calls[1]
    assert query == {"access_token": "TOKEN-1", "type": "image"}
    assert body["media"] == {
        "filename": "tea-garden.png", "content_type": "image/png", "data": PNG,
    }
    assert server.materials["MATERIAL_ID_1"]["data"] == PNG
    assert server.drafts["MEDIA_ID_1"]["thumb_media_id"] == "MATERIAL_ID_1"


def test_a_video_and_a_webp_picture_are_passed_over_for_the_first_jpeg(server, client):
    files = [stored("media/1/clip.mp4", MP4), stored("media/1/poster.webp", WEBP),
             stored("media/1/poster.jpg", JPEG)]

    client.publish(article(files))

    assert server.calls[1][2]["media"]["filename"] == "poster.jpg"
    assert server.calls[1][2]["media"]["content_type"] == "image/jpeg"
    assert server.drafts["MEDIA_ID_1"]["thumb_media_id"] == "MATERIAL_ID_1"


def test_a_picture_over_ten_megabytes_is_passed_over(server, client):
    big = stored("media/1/huge.png", PNG + b"\x00" * COVER_MAX_BYTES)
    small = stored("media/1/small.png", PNG)

    client.publish(article([big, small]))

    assert server.calls[1][2]["media"]["filename"] == "small.png"


def test_media_urls_of_the_project_storage_are_read_from_storage(server, client):
    name = stored("media/1/cover.png", PNG)

    client.publish(article(urls=[default_storage.url(name)]))

    assert server.calls[1][2]["media"]["data"] == PNG


def test_a_picture_elsewhere_on_the_web_is_downloaded(server, client, tmp_path):
    (tmp_path / "cover.jpg").write_bytes(JPEG)
    images = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=images.serve_forever, daemon=True).start()
    try:
        client.publish(article(urls=[f"http://127.0.0.1:{images.server_address[1]}/cover.jpg"]))
    finally:
        images.shutdown()
        images.server_close()

    assert server.calls[1][2]["media"] == {
        "filename": "cover.jpg", "content_type": "image/jpeg", "data": JPEG,
    }


def test_no_picture_wechat_takes_is_permanent_and_sends_nothing(server, client):
    files = [stored("media/1/clip.mp4", MP4), stored("media/1/poster.webp", WEBP)]

    with pytest.raises(PermanentConnectorError) as info:
        client.publish(article(files))

    assert "cover" in str(info.value)
    assert server.calls == []


def test_a_cover_given_by_the_caller_is_used_without_uploading(server, client):
    content = PublishContent(
        title="新品发布", body="<p>正文</p>", client_key=KEY,
        extra={"thumb_media_id": "THUMB_1", "media_files": [stored("media/1/a.png", PNG)]},
    )

    client.publish(content)

    assert uploads(server) == 0
    assert server.drafts["MEDIA_ID_1"]["thumb_media_id"] == "THUMB_1"


def test_a_cover_naming_no_material_is_refused_like_wechat_does(server, client):
    content = PublishContent(title="t", body="b", extra={"thumb_media_id": "NO_SUCH"})

    with pytest.raises(PermanentConnectorError) as info:
        client.publish(content)

    assert info.value.code == 40007
    assert server.drafts == {}


def test_a_retry_after_a_busy_draft_reuses_the_uploaded_cover(server, client):
    server.state["fail_once"] = {DRAFT: 45009}
    content = article([stored("media/1/a.png", PNG)])

    with pytest.raises(TransientConnectorError):
        client.publish(content)
    result = client.publish(content)

    assert result.external_id == "ARTICLE_ID_1"
    assert uploads(server) == 1
    assert list(server.materials) == ["THUMB_1", "THUMB", "MATERIAL_ID_1"]
    assert server.drafts["MEDIA_ID_1"]["thumb_media_id"] == "MATERIAL_ID_1"


def test_an_upload_lost_in_transit_is_transient_asked_once_and_nothing_is_submitted(
    server, client
):
    server.state["drop_after"] = {UPLOAD}

    with pytest.raises(TransientConnectorError):
        client.publish(article([stored("media/1/a.png", PNG)]))

    assert uploads(server) == 1
    assert DRAFT not in server.paths()
    assert SUBMIT not in server.paths()


def test_an_expired_token_on_the_upload_renews_it_without_asking_again(server, client):
    server.state["fail_once"] = {UPLOAD: 42001}
    content = article([stored("media/1/a.png", PNG)])

    with pytest.raises(TransientConnectorError) as info:
        client.publish(content)

    assert info.value.code == 42001
    assert uploads(server) == 1
    assert server.uploads == 0
    client.publish(content)
    assert uploads(server) == 2
    assert server.uploads == 1


def test_a_remembered_cover_deleted_from_the_library_is_uploaded_anew(server, client):
    content = article([stored("media/1/a.png", PNG)])
    server.state["fail_once"] = {DRAFT: 45009}
    with pytest.raises(TransientConnectorError):
        client.publish(content)
    del server.materials["MATERIAL_ID_1"]  # someone cleared the material library

    with pytest.raises(PermanentConnectorError) as info:
        client.publish(content)
    assert info.value.code == 40007
    result = client.publish(content)

    assert result.external_id == "ARTICLE_ID_1"
    assert uploads(server) == 2
    assert server.drafts["MEDIA_ID_1"]["thumb_media_id"] == "MATERIAL_ID_2"


@pytest.mark.parametrize(
    ("query_type", "data", "errcode"),
    [("", PNG, 40004), ("image", b"", 41005), ("image", WEBP, 40005),
     ("image", PNG + b"\x00" * COVER_MAX_BYTES, 40009)],
    ids=["no-type", "no-data", "not-an-image-wechat-takes", "over-10-mb"],
)
def test_the_fake_refuses_material_as_wechat_does(server, client, query_type, data, errcode):
    token = client.access_token()
    answer = requests.post(
        f"{server.url}{UPLOAD}", params={"access_token": token, "type": query_type},
        files={"media": ("x.png", data, "image/png")}, timeout=5,
    ).json()

    assert answer["errcode"] == errcode
    assert server.uploads == 0
