"""Risk selectors: a malformed id is "does not exist", which the doors turn into 404."""

import pytest


@pytest.mark.parametrize("getter", ["incident_get", "drill_get", "plan_get"])
def test_view_helper_turns_bad_ids_into_404(users, getter):
    from django.http import Http404

    from compliance.risk import selectors as selectors_risk
    from teams.doors import get_or_404

    with pytest.raises(Http404):
        get_or_404(getattr(selectors_risk, getter), users["reviewer"], "abc")
