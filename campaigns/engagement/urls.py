from django.urls import path

from . import views

app_name = "engagement"

urlpatterns: list = [
    path("", views.inbox, name="inbox"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction"),
    path("interactions/<int:pk>/reply/", views.interaction_reply, name="interaction_reply"),
    path("interactions/<int:pk>/note/", views.interaction_note, name="interaction_note"),
    path("interactions/<int:pk>/assign/", views.interaction_assign, name="interaction_assign"),
    path("interactions/<int:pk>/triage/", views.interaction_triage, name="interaction_triage"),
    path("interactions/<int:pk>/status/", views.interaction_status, name="interaction_status"),
    path("interactions/<int:pk>/question/", views.interaction_question,
         name="interaction_question"),
    path("templates/", views.reply_templates, name="templates"),
    path("templates/<int:pk>/", views.reply_template_edit, name="template_edit"),
    path("policy/", views.response_policy, name="policy"),
    path("report/", views.response_report, name="report"),
    path("lotteries/", views.lottery_list, name="lotteries"),
    path("lotteries/<int:pk>/", views.lottery_detail, name="lottery"),
    path("lotteries/<int:pk>/edit/", views.lottery_edit, name="lottery_edit"),
    path("lotteries/<int:pk>/open/", views.lottery_open, name="lottery_open"),
    path("lotteries/<int:pk>/entrants/", views.lottery_import, name="lottery_import"),
    path("lotteries/<int:pk>/collect/", views.lottery_collect, name="lottery_collect"),
    path("lotteries/<int:pk>/close/", views.lottery_close, name="lottery_close"),
    path("lotteries/<int:pk>/draw/", views.lottery_draw, name="lottery_draw"),
    path("lotteries/<int:pk>/cancel/", views.lottery_cancel, name="lottery_cancel"),
    path("lotteries/<int:pk>/proof/", views.lottery_proof, name="lottery_proof"),
    path("lotteries/<int:pk>/proof.json", views.lottery_proof_file, name="lottery_proof_file"),
    path("polls/", views.poll_list, name="polls"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("questions/", views.question_list, name="questions"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/audience/", views.audience_import, name="audience_import"),
    path("segments/<int:pk>/", views.segment_detail, name="segment"),
    path("segments/<int:pk>/export/", views.segment_export, name="segment_export"),
]
