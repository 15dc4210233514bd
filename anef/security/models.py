from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import PATH_MAX, USER_AGENT_MAX, SecurityEventKind


class SecurityEvent(models.Model):
    """Append-only trace of what matters for the security of accounts: sign-ins and their failures,
    refusals, changes of credentials, deactivations, mandates. Read by national administrators;
    deleted only by the retention sweep (`security_events` period)."""

    kind = models.CharField(_("kind"), max_length=40, choices=SecurityEventKind.choices)
    # The account concerned (the one signed in, or the one an administrator acted on); kept as an
    # email too, so that the trace survives the account and a failed sign-in names the address tried.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(_("email address"), max_length=254, blank=True)
    # Who did it, when someone else than `user` acted (an administrator deactivating an account).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX, blank=True)
    path = models.CharField(_("page address"), max_length=PATH_MAX, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["email", "-created_at"], name="security_event_email"),
            models.Index(fields=["kind", "-created_at"], name="security_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.email}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Security events are append-only")


class SignedInSession(models.Model):
    """The session keys of each account, recorded at sign-in, so that deactivating an account ends
    its sessions at once whatever the session engine (database or cache), without reading every
    session of every person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="signed_in_session_user")]

    def __str__(self) -> str:
        return f"session of {self.user_id}"
