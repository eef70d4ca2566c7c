"""Login, logout and the second factor. (Skeleton: filled in by the accounts work.)"""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

login_view = auth_views.LoginView.as_view(template_name="accounts/login.html")
logout_view = auth_views.LogoutView.as_view()


def second_factor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TODO")
