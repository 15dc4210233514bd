from django.urls import path

from . import views

app_name = "helperspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mandats/papier/", views.paper_mandate, name="paper_mandate"),
    path("mandats/confirmer/", views.confirm_mandate, name="confirm_mandate"),
    path("mandats/<int:mandate_id>/fin/", views.end_mandate, name="end_mandate"),
    path("personnes/<int:person_id>/commencer/<slug:code>/", views.start, name="start"),
    path("personnes/<int:person_id>/recuperation/", views.recovery_issue, name="recovery_issue"),
]
