from celery.schedules import crontab

BEAT_SCHEDULE = {
    "platforms-accounts-check-expiry": {
        "task": "platforms.tasks.accounts_check_expiry_task",
        "schedule": crontab(hour=7, minute=10),
        "options": {"queue": "default"},
    },
}
