from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

# The admin's own password form would skip the second factor: sign in through the service's login
# (allauth, with its TOTP stage); the second-factor middleware then guards every admin page.
admin.site.login = login_required(admin.site.login)

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
