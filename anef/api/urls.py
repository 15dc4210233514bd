from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("procedures", views.ProcedureViewSet, basename="procedure")
router.register("applications", views.ApplicationViewSet, basename="application")

urlpatterns = [
    path("", views.docs, name="docs"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
