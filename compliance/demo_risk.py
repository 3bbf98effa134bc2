"""Demo data for risk and privacy: emergency plans, a drill, an incident (S3.2.3)."""


def seed(ctx) -> None:
    """Seed demo plans, drills and an incident; idempotent."""
