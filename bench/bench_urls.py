"""The product's URLs and a bare Django view: the yardstick of bench/pages.py, served by the same
server, settings and middleware as the pages it is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("bench-hello/", hello), path("", include("anef.urls"))]
