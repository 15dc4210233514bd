"""The product's URLs and two yardsticks of bench/pages.py, served by the same server, settings and middleware
as the pages they are compared with: a bare Django "hello" view, and the layout alone (an empty page in our
base template: header, language switch, footer), the floor of any page of the service."""

from functools import cache

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

LAYOUT = (
    '{% extends "base.html" %}{% load i18n %}{% block title %}{% translate "Home" %}{% endblock title %}'
    '{% block content %}<h1>{% translate "Home" %}</h1>{% endblock content %}'
)


def hello(request):
    return HttpResponse("hello")


@cache
def layout_template():
    return engines["django"].from_string(LAYOUT)  # compiled once, as the cached loader does for real pages


def layout(request):
    return HttpResponse(layout_template().render({}, request))


urlpatterns = [path("bench-hello/", hello), path("bench-layout/", layout), path("", include("anef.urls"))]
