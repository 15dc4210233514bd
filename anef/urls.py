from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("anef.public.urls")),
    path("espace/", include("anef.portal.urls")),
    path("agents/", include("anef.backoffice.urls")),
    path("aidant/", include("anef.helperspace.urls")),
    path("compte/", include("allauth.urls")),
    path("api/", include("anef.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("administration-django/", admin.site.urls),
]
