from allauth.account.views import confirm_email
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import include, path, re_path
from health_check.views import HealthCheckView

from anef.core import health
from anef.core.health import TaskQueue
from anef.core.metrics import metrics_view
from anef.core.throttle import limit_per_client

# The admin's own password form would skip the second factor: sign in through the service's login
# (allauth, with its TOTP stage); the second-factor middleware then guards every admin page.
admin.site.login = login_required(admin.site.login)


def not_found(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("", include("anef.public.urls")),
    path("espace/", include("anef.portal.urls")),
    path("agents/", include("anef.backoffice.urls")),
    path("aidant/", include("anef.helperspace.urls")),
    # The email confirmation link carries a key: a client trying keys is refused past 20 a minute.
    # (Before allauth's own route for the same address, which stays for `reverse`.)
    re_path(
        r"^compte/confirm-email/(?P<key>[-:\w]+)/$",
        limit_per_client(confirm_email, group="confirm-email-key", rate="20/m"),
        name="account_confirm_email",
    ),
    # allauth's page of third-party accounts: FranceConnect is linked and unlinked from the profile.
    path("compte/3rdparty/", not_found),
    path("compte/", include("allauth.urls")),
    path("api/", include("anef.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("administration-django/", admin.site.urls),
    # For the load balancer and the orchestrator (docs/operations.md, "Health"): alive means the process
    # answers; ready means it reaches what a request needs (database, shared cache, file storage, task queue).
    path("health/live/", health.live, name="health_live"),
    path(
        "health/ready/",
        HealthCheckView.as_view(
            checks=["health_check.Database", "health_check.Cache", "health_check.Storage", TaskQueue]
        ),
        name="health_ready",
    ),
    # For Prometheus, with a bearer token (docs/operations.md, "Metrics and alerts").
    path("metrics", metrics_view, name="metrics"),
]
