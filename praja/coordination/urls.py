from django.urls import path

from praja.coordination import views, views_stakeholders

app_name = "coordination"
urlpatterns = [
    path("", views.index, name="index"),
    path("rakor/baru/", views.meeting_new, name="meeting_new"),
    path("rakor/<int:pk>/", views.meeting_detail, name="meeting"),
    path("rakor/<int:pk>/ubah/", views.meeting_edit, name="meeting_edit"),
    path("rakor/<int:pk>/notulen.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("rakor/<int:pk>/peserta/", views.attendance_add, name="attendance_add"),
    path("rakor/<int:pk>/keputusan/", views.decision_add, name="decision_add"),
    path("rakor/<int:pk>/keputusan/<int:decision>/komitmen/", views.commitment_add, name="commitment_add"),
    path("komitmen/", views.board, name="board"),
    path("tahapan/", views.stages, name="stages"),
    path("operasi/", views.operation, name="operation"),
    path("operasi/<int:pk>/lapor/", views.activity_new, name="activity_new"),
    path("operasi/<int:pk>/bidang/<int:line>/", views.line_edit, name="line_edit"),
    path("komitmen/<int:pk>/tutup/", views.commitment_close, name="commitment_close"),
    path("pemangku/", views_stakeholders.stakeholder_list, name="stakeholders"),
    path("pemangku/baru/", views_stakeholders.stakeholder_edit, name="stakeholder_new"),
    path("pemangku/<int:pk>/", views_stakeholders.stakeholder_detail, name="stakeholder"),
    path("pemangku/<int:pk>/ubah/", views_stakeholders.stakeholder_edit, name="stakeholder_edit"),
]
