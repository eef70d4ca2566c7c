from django.urls import path

from praja.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("faktor-kedua/", views.second_factor, name="second_factor"),
]
