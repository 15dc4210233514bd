from django.urls import path

from . import help, legal, statistics, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("demarches/", views.catalogue, name="catalogue"),
    path("demarches/<slug:code>/", views.procedure_detail, name="procedure"),
    path("verifier/", views.verify, name="verify"),
    path("verifier-un-droit/", views.check_right, name="check_right"),
    path("verifier-un-droit/preuve/<str:token>/", views.check_right_proof, name="check_right_proof"),
    path("statistiques/", statistics.statistics, name="statistics"),
    path("incidents/", statistics.incidents, name="incidents"),
    path("statistiques/<slug:code>/", statistics.statistics_history, name="statistics_history"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("aide/", help.help_page, name="help"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path(".well-known/anef-keys.json", views.public_keys, name="keys"),
]
