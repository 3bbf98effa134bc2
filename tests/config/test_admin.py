import pytest
from django.apps import apps
from django.contrib import admin

PROJECT_APPS = (
    "teams", "platforms", "privacy", "compliance", "risk", "campaigns", "content", "publishing",
    "engagement", "analytics",
)


def _project_models():
    for app_label in PROJECT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            yield model


@pytest.mark.parametrize("model", list(_project_models()), ids=lambda m: m._meta.label)
def test_every_model_is_in_admin_with_list_search_and_filters(model):
    model_admin = admin.site._registry.get(model)

    assert model_admin is not None, f"{model._meta.label} is not registered in admin"
    assert tuple(model_admin.list_display) != ("__str__",)
    assert model_admin.search_fields
    assert model_admin.list_filter


@pytest.mark.django_db
def test_admin_changelists_render(admin_client):
    for model in _project_models():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = admin_client.get(url)
        assert response.status_code == 200, url
