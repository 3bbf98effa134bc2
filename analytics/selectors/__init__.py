"""Read side of analytics, scoped to the acting user: ``metrics`` (rollups, series,
derived rates), ``kpis`` (progress and pacing), ``dashboards``."""
