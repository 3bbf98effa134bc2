"""API of analytics; each module registers its viewsets in ``analytics.api_urls``."""
