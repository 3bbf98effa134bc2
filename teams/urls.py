from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/status/", views.task_set_status, name="task_set_status"),
    path("", views.team_list, name="team_list"),
]
