from celery.schedules import crontab

BEAT_SCHEDULE = {
    "compliance-retention-enforce": {
        "task": "compliance.privacy.tasks.retention_enforce_task",
        "schedule": crontab(hour=3, minute=20),
        "options": {"queue": "default"},
    },
}
