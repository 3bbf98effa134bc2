"""Django admin of publishing: listed with columns, search, filters; outcomes read-only."""

import pytest
from django.contrib import admin

from campaigns.publishing.models import Publication, PublishingPlan, Slot


@pytest.mark.parametrize("model", [Publication, PublishingPlan, Slot])
def test_admin_registered_with_lists(model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_display
    assert model_admin.search_fields
    assert model_admin.list_filter


def test_publication_status_and_outcome_are_read_only_in_admin():
    model_admin = admin.site._registry[Publication]
    assert {"status", "external_id", "url", "attempts"} <= set(model_admin.readonly_fields)
    assert model_admin.has_add_permission(None) is False


@pytest.mark.django_db
def test_admin_pages_open(admin_client):
    for path in ("/admin/publishing/publication/", "/admin/publishing/publishingplan/",
                 "/admin/publishing/slot/"):
        assert admin_client.get(path).status_code == 200
