from django.urls import path

from praja.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("faktor-kedua/", views.second_factor, name="second_factor"),
    path("keamanan/", views.security, name="security"),
    path("instansi/", views.agency_list, name="agency_list"),
    path("instansi/<slug:slug>/", views.agency_detail, name="agency_detail"),
    path("personel/", views.person_list, name="person_list"),
    path("personel/<int:pk>/", views.person_detail, name="person_detail"),
    path("personel/<int:pk>/peran/", views.assignment_create, name="assignment_create"),
    path("peran/<int:pk>/cabut/", views.assignment_delete, name="assignment_delete"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:seq>/", views.audit_detail, name="audit_detail"),
]
