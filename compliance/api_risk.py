"""API for sentiment, incidents, emergency plans, drills and the privacy ledger."""

from rest_framework.routers import SimpleRouter

extra_urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the compliance router."""
