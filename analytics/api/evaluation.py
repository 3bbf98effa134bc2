from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the analytics router."""


extra_urlpatterns: list = []
