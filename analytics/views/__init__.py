"""Pages of analytics: ``ingest`` (imports, tracking links) and ``evaluation``
(dashboards, reviews, findings, actions)."""
