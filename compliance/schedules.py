from celery.schedules import crontab

BEAT_SCHEDULE = {
    "compliance-opinion-spike-check": {
        "task": "compliance.tasks.opinion_spike_check_all_task",
        "schedule": crontab(minute="*/10"),
        "options": {"queue": "default"},
    },
    "compliance-drill-reminders": {
        "task": "compliance.tasks.drill_reminders_task",
        "schedule": crontab(hour=8, minute=5),
        "options": {"queue": "default"},
    },
    "compliance-retention-enforce": {
        "task": "compliance.tasks.retention_enforce_task",
        "schedule": crontab(hour=3, minute=20),
        "options": {"queue": "default"},
    },
}
