from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets

from anef.applications.access import application_for_user, applications_for_applicant
from anef.procedures.models import Procedure

from .serializers import ApplicationDetailSerializer, ApplicationSerializer, ProcedureSerializer


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue of procedures."""

    serializer_class = ProcedureSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    queryset = Procedure.objects.filter(active=True)


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in person's own applications, with their history."""

    lookup_field = "reference"

    def get_queryset(self):
        return applications_for_applicant(user=self.request.user).order_by("-created_at")

    def get_object(self):
        application = application_for_user(user=self.request.user, reference=self.kwargs["reference"])
        self.check_object_permissions(self.request, application)
        return application

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    @extend_schema(responses=ApplicationDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


def docs(request):
    return render(request, "api/docs.html")
