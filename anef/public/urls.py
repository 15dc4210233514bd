from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("demarches/", views.catalogue, name="catalogue"),
    path("demarches/<slug:code>/", views.procedure_detail, name="procedure"),
]
