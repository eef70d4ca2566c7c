from django.urls import path

from praja.territory import views

app_name = "territory"
urlpatterns = [
    path("tps/", views.tps_list, name="tps_list"),
]
