from django.urls import path

from praja.situation import views

app_name = "situation"
urlpatterns = [
    path("", views.home, name="home"),
    path("peta/", views.map_page, name="map"),
]
