"""A POST-only address opened by GET explains itself in the reader's language; admin and
API pages carry the site's favicon; Swagger UI starts without an inline script."""

import pytest

from teams.roles import Role

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.parametrize("url", ["/accounts/logout/", "/campaigns/1/submit/",
                                 "/compliance/incidents/1/updates/"])
def test_get_on_a_post_only_address_is_a_translated_405_page(client, users, url):
    client.force_login(users[Role.MARKETER])

    response = client.get(url, **ZH)

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert "此地址只接受表单提交" in page
    assert 'data-testid="method-not-allowed"' in page


def test_the_api_keeps_its_json_405(api_as, users):
    response = api_as(users[Role.MARKETER]).get("/api/v1/platforms/recommend/")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


def test_admin_pages_carry_the_favicon(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.cn", "pw"))

    for url in ("/admin/", "/admin/platforms/platform/"):
        assert 'rel="icon" href="/static/favicon.svg"' in client.get(url).content.decode()


def test_the_browsable_api_and_swagger_carry_the_favicon(client, users):
    client.force_login(users[Role.MARKETER])

    api = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    docs = client.get("/api/docs/").content.decode()

    assert 'rel="icon" href="/static/favicon.svg"' in api
    assert 'rel="icon" href="/static/favicon.svg"' in docs


def test_swagger_ui_loads_its_initialiser_from_a_url_not_inline(client, users):
    client.force_login(users[Role.MARKETER])

    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert '<script src="/api/docs/?script="></script>' in page
    inline = [chunk for chunk in page.split("<script")[1:] if not chunk.lstrip().startswith("src")]
    assert inline == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
