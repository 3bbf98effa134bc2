from django.urls import path

from .views import meetings, notifications, skills, tasks, training

app_name = "teams"

urlpatterns = [
    path("", tasks.team_list, name="team_list"),
    # tasks and the board
    path("tasks/", tasks.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/status/", tasks.task_set_status, name="task_set_status"),
    path("tasks/<int:pk>/move/", tasks.task_move, name="task_move"),
    path("tasks/<int:pk>/comments/", tasks.task_comment, name="task_comment"),
    path("tasks/<int:pk>/assign/", tasks.task_assign, name="task_assign"),
    path("tasks/<int:pk>/priority/", tasks.task_priority, name="task_priority"),
    path("board/", tasks.board, name="board"),
    path("board/new/", tasks.task_new, name="task_new"),
    path("board/suggest/", tasks.task_suggest, name="task_suggest"),
    # division of labour
    path("skills/", skills.skills, name="skills"),
    path("skills/requirements/", skills.requirement_set, name="requirement_set"),
    path("members/<int:pk>/", skills.member_detail, name="member_detail"),
    path("members/<int:pk>/assess/", skills.member_assess, name="member_assess"),
    path("raci/", skills.raci, name="raci"),
    path("raci/<int:campaign>/", skills.raci_campaign, name="raci_campaign"),
    # meetings and calendars
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/series/new/", meetings.series_new, name="series_new"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", meetings.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/actions/", meetings.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/invite.ics", meetings.meeting_ics, name="meeting_ics"),
    path("decisions/<int:pk>/status/", meetings.decision_status, name="decision_status"),
    path("calendar/", meetings.calendar, name="calendar"),
    path("calendar/rotate/", meetings.calendar_rotate, name="calendar_rotate"),
    path("calendar/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
    # training
    path("training/", training.training, name="training"),
    path("training/plans/new/", training.plan_new, name="plan_new"),
    path("training/plans/<int:pk>/", training.plan_detail, name="training_plan"),
    path("training/plans/<int:pk>/sessions/", training.session_new, name="session_new"),
    path("training/attendance/<int:pk>/", training.attendance_record, name="attendance_record"),
    path("training/coverage.xlsx", training.coverage_xlsx, name="coverage_xlsx"),
    # notifications
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/bell/", notifications.bell, name="notification_bell"),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read"),
    path("notifications/settings/", notifications.notification_settings,
         name="notification_settings"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
]
