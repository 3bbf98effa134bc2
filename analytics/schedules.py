from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Platform pulls fan out one task per connected account on the `sync` queue.
    "analytics-metrics-pull": {
        "task": "analytics.tasks.ingest.metrics_pull_task",
        "schedule": crontab(minute=15),
        "options": {"queue": "default"},
    },
    # Imports whose worker died or whose message was lost are sent again (or failed).
    "analytics-imports-sweep": {
        "task": "analytics.tasks.ingest.imports_sweep_task",
        "schedule": crontab(minute="*/5"),
        "options": {"queue": "default"},
    },
    # Phase reviews at each phase end, weekly evaluations of running campaigns.
    "analytics-phase-reviews": {
        "task": "analytics.tasks.evaluation.phase_reviews_task",
        "schedule": crontab(hour=6, minute=30),
        "options": {"queue": "default"},
    },
    "analytics-weekly-evaluations": {
        "task": "analytics.tasks.evaluation.weekly_evaluations_task",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "options": {"queue": "default"},
    },
    # Archived dashboards are built for a day: the new day's, for running campaigns.
    "analytics-dashboard-archives": {
        "task": "analytics.tasks.evaluation.dashboard_archives_task",
        "schedule": crontab(hour=0, minute=5),
        "options": {"queue": "default"},
    },
    "analytics-diagnosis": {
        "task": "analytics.tasks.evaluation.diagnosis_task",
        "schedule": crontab(hour=7, minute=30),
        "options": {"queue": "default"},
    },
}
