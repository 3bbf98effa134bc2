from celery.schedules import crontab

BEAT_SCHEDULE = {
    "compliance-opinion-spike-check": {
        "task": "compliance.risk.tasks.opinion_spike_check_all_task",
        "schedule": crontab(minute="*/10"),
        "options": {"queue": "default"},
    },
    "compliance-drill-reminders": {
        "task": "compliance.risk.tasks.drill_reminders_task",
        "schedule": crontab(hour=8, minute=5),
        "options": {"queue": "default"},
    },
}
