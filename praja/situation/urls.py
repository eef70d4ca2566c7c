from django.urls import path

from praja.situation import views, views_dashboard

app_name = "situation"
urlpatterns = [
    path("", views.home, name="home"),
    path("peta/", views.map_page, name="map"),
    path("wilayah-aktif/", views.pick_region, name="pick_region"),
    path("wilayah-aktif/pilihan/", views.region_options, name="region_options"),
    path("situasi/", views_dashboard.dashboard, name="dashboard"),
    path("situasi/peristiwa/", views_dashboard.events_fragment, name="dashboard_events"),
]
