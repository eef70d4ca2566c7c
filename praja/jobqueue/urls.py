from django.urls import path

from praja.jobqueue import views

app_name = "jobqueue"
urlpatterns = [
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/unduh/", views.download, name="download"),
    path("<int:pk>/ulang/", views.retry, name="retry"),
]
