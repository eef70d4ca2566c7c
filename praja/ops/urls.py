from django.urls import path

from praja.ops import views

app_name = "ops"
urlpatterns = [
    path("", views.drill_page, name="drill"),
    path("mulai/", views.drill_start, name="drill_start"),
    path("jalan/", views.drill_tick, name="drill_tick"),
    path("henti/", views.drill_stop, name="drill_stop"),
    path("hapus/", views.drill_clear, name="drill_clear"),
    path("lihat/", views.drill_view, name="drill_view"),
]
