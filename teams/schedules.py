from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Due and overdue reminders, one notification per task per day.
    "teams-task-reminders": {
        "task": "teams.tasks.task_reminders_task",
        "schedule": crontab(hour=7, minute=45),
        "options": {"queue": "default"},
    },
    # Occurrences of meeting series, and agendas written a day ahead.
    "teams-meetings-prepare": {
        "task": "teams.tasks.meetings_prepare_task",
        "schedule": crontab(minute=40),
        "options": {"queue": "default"},
    },
    # E-mail digests, after the morning reminders so they include them.
    "teams-notification-digests": {
        "task": "teams.tasks.notification_digests_task",
        "schedule": crontab(hour=8, minute=0),
        "options": {"queue": "default"},
    },
}
