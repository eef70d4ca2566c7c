from django.urls import path

from praja.infowatch import views, views_public

app_name = "infowatch"

urlpatterns = [
    path("", views.index, name="index"),
    path("butir/baru/", views.item_new, name="item_new"),
    path("butir/<int:pk>/", views.item_detail, name="item"),
    path("butir/<int:pk>/putusan/", views.verdict_add, name="verdict_add"),
    path("butir/<int:pk>/status/", views.item_status, name="item_status"),
    path("butir/<int:pk>/klarifikasi/", views.clarification_new, name="clarification_new"),
    path("impor/", views.import_view, name="import"),
    path("klarifikasi/", views.clarifications, name="clarifications"),
    path("klarifikasi/<int:pk>/", views.clarification_detail, name="clarification"),
    path("klarifikasi/<int:pk>/<str:action>/", views.clarification_action, name="clarification_action"),
    path("sumber/", views.sources, name="sources"),
    path("sumber/<int:pk>/", views.source_edit, name="source_edit"),
    path("sumber/<int:pk>/ambil/", views.source_fetch, name="source_fetch"),
    path("cek-fakta/", views.factchecks, name="factchecks"),
    path("cek-fakta/impor/", views.factcheck_import, name="factcheck_import"),
    path("cek-fakta/templat.csv", views.factcheck_template, name="factcheck_template"),
    path("narasi/", views.narratives, name="narratives"),
    path("narasi/<int:pk>/", views.narrative_detail, name="narrative"),
    path("narasi/peringatan/<int:pk>/", views.alert_ack, name="alert_ack"),
    # Info Resmi: public, no sign-in
    path("resmi/", views_public.public_list, name="public"),
    path("resmi/<int:pk>/", views_public.public_detail, name="public_detail"),
    path("resmi/rss.xml", views_public.ClarificationsRss(), name="feed_rss"),
    path("resmi/atom.xml", views_public.ClarificationsAtom(), name="feed_atom"),
    path("resmi/feed.json", views_public.json_feed, name="feed_json"),
]
