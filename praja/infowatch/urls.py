from django.urls import path

app_name = "infowatch"

urlpatterns: list = []
