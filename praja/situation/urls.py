from django.urls import path

from praja.situation import views, views_dashboard, views_lapsit, views_public

app_name = "situation"
urlpatterns = [
    path("", views.home, name="home"),
    path("peta/", views.map_page, name="map"),
    path("wilayah-aktif/", views.pick_region, name="pick_region"),
    path("wilayah-aktif/pilihan/", views.region_options, name="region_options"),
    path("situasi/", views_dashboard.dashboard, name="dashboard"),
    path("situasi/peristiwa/", views_dashboard.events_fragment, name="dashboard_events"),
    path("publik/", views_public.public_home, name="public"),
    path("publik/tahapan/", views_public.public_stages, name="public_stages"),
    path("situasi/lapsit/", views_lapsit.lapsit_list, name="lapsit_list"),
    path("situasi/lapsit/draf/", views_lapsit.lapsit_draft, name="lapsit_draft"),
    path("situasi/lapsit/terbitkan/", views_lapsit.lapsit_issue, name="lapsit_issue"),
    path("situasi/lapsit/<int:pk>/", views_lapsit.lapsit_detail, name="lapsit"),
    path("situasi/lapsit/<int:pk>/satuan/", views_lapsit.lapsit_for_unit, name="lapsit_for_unit"),
    path("situasi/lapsit/<int:pk>/<str:kind>/", views_lapsit.lapsit_file, name="lapsit_file"),
]
