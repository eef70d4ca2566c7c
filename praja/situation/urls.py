from django.urls import path

from praja.situation import views

app_name = "situation"
urlpatterns = [
    path("", views.home, name="home"),
    path("peta/", views.map_page, name="map"),
    path("wilayah-aktif/", views.pick_region, name="pick_region"),
    path("wilayah-aktif/pilihan/", views.region_options, name="region_options"),
]
