from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("media/", views.media_library, name="media"),
    path("media/<int:pk>/file/", views.media_file, name="media_file"),
    path("media/<int:pk>/licence/", views.media_licence, name="media_licence"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/diff/", views.item_diff, name="diff"),
    path("<int:pk>/submit/", views.item_submit, name="submit"),
    path("<int:pk>/recall/", views.item_recall, name="recall"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="withdraw"),
    path("<int:pk>/override/", views.item_override, name="override"),
    path("<int:pk>/review/", views.item_review, name="review"),
]
