import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from teams.roles import Role


def refuse(request):
    raise PermissionDenied("Only managers may approve plans.")


urlpatterns = [path("refuse/", refuse), *site_urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_forbidden_page_explains_why_in_the_users_language(client, users):
    client.force_login(users[Role.MARKETER])

    response = client.get("/refuse/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 403
    page = response.content.decode()
    assert "不允许此操作" in page
    assert "Only managers may approve plans." in page
