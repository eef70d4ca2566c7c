from django.urls import path

from praja.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.index, name="index"),
    path("wilayah/<str:code>/", views.region, name="region"),
    path("tps/", views.tps_list, name="tps_list"),
    path("tps/<str:desa>/<int:number>/", views.tps_detail, name="tps_detail"),
    path("impor/", views.import_view, name="import"),
    path("impor/templat.csv", views.import_template, name="import_template"),
    path("pengaturan/", views.settings_view, name="settings"),
    path("peta/", views.map_page, name="map"),
]
