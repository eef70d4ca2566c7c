from django.urls import path

from praja.deployment import views

app_name = "deployment"
urlpatterns = [
    path("", views.index, name="index"),
    path("rencana/baru/", views.plan_new, name="plan_new"),
    path("rencana/<int:pk>/", views.plan_detail, name="plan"),
    path("rencana/<int:pk>/kemajuan/", views.plan_progress, name="progress"),
    path("rencana/<int:pk>/periksa/", views.plan_recheck, name="recheck"),
    path("rencana/<int:pk>/jalankan-ulang/", views.plan_rerun, name="rerun"),
    path("rencana/<int:pk>/pos/<int:number>/", views.post_detail, name="post"),
    path("rencana/<int:pk>/peta/", views.plan_map, name="map"),
    path("rencana/<int:pk>/peta.json", views.map_data, name="map_data"),
    path("rencana/<int:pk>/unduh/<str:fmt>/", views.plan_export, name="export"),
    path("bandingkan/", views.compare, name="compare"),
    path("pola/", views.patterns, name="patterns"),
    path("pola/baru/", views.pattern_edit, name="pattern_new"),
    path("pola/<int:pk>/", views.pattern_edit, name="pattern_edit"),
]
