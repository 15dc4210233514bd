from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("demarches/", views.catalogue, name="catalogue"),
    path("demarches/<slug:code>/", views.procedure_detail, name="procedure"),
    path("verifier/", views.verify, name="verify"),
    path(".well-known/anef-keys.json", views.public_keys, name="keys"),
]
