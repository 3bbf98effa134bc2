"""Django admin of planning: every model is listed with columns, search and filters."""

import pytest
from django.contrib import admin

from campaigns.planning.models import KPI, Campaign, Goal, Milestone, Phase


@pytest.mark.parametrize("model", [Campaign, Goal, KPI, Phase, Milestone])
def test_admin_registered_with_lists(model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_display
    assert model_admin.search_fields
    assert model_admin.list_filter

