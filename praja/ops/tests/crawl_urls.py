"""The project's URLs plus one page that fails, to see the 500 page (tests/test_crawl.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from praja.urls import handler500
from praja.urls import urlpatterns as project_urls


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [path("_uji-kesalahan/", fail), *project_urls]
__all__ = ["handler500", "urlpatterns"]
