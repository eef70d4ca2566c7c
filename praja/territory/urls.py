from django.urls import path

from praja.territory import views, views_import

app_name = "territory"
urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("kode/<str:code>/", views.region_detail, name="region_detail"),
    path("tps/", views.tps_list, name="tps_list"),
    path("tps/<str:desa>/<int:number>/", views.tps_detail, name="tps_detail"),
    path("tps/<str:desa>/<int:number>/ubah/", views.tps_edit, name="tps_edit"),
    path("satuan/", views.jurisdiction_list, name="jurisdiction_list"),
    path("satuan/<slug:slug>/", views.jurisdiction_detail, name="jurisdiction_detail"),
    path("impor/", views_import.import_tps, name="import_tps"),
    path("impor/templat.csv", views_import.import_tps_template, name="import_tps_template"),
]
