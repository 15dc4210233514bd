from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .constants import STAFF_ROLES, IdentityDocument, IdentitySource, Language, PermitType, RecoveryChannel, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMINISTRATOR)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A set of credentials. Identity data of an applicant lives on Person."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    prefecture = models.ForeignKey(
        "territory.Prefecture",
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    structure = models.ForeignKey(
        "assistance.Structure",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helpers",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.COUNTER_AGENT, Role.CASE_AGENT, Role.SUPERVISOR])
                | models.Q(prefecture__isnull=False),
                name="agent_belongs_to_a_prefecture",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_agent(self) -> bool:
        return self.role in STAFF_ROLES

    # One property per role that templates test, so that they never compare `user.role` with a bare string.
    @property
    def is_helper(self) -> bool:
        return self.role == Role.HELPER

    @property
    def is_counter_agent(self) -> bool:
        return self.role == Role.COUNTER_AGENT

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class Person(models.Model):
    """The applicant: who the applications are about. May exist without an account (counter filings)."""

    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="person", verbose_name=_("account")
    )
    first_name = models.CharField(_("first name(s)"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    address_line = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("town or city"), max_length=150, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    permit_type = models.CharField(_("current permit"), max_length=20, choices=PermitType.choices, blank=True)
    permit_number = models.CharField(_("permit number"), max_length=30, blank=True)
    permit_expires_on = models.DateField(_("permit expiry date"), null=True, blank=True)
    permit_allows_work = models.BooleanField(_("the permit allows work"), default=False)
    # The four fields above are what the person declared: a claim, which gives no right by itself.
    # An agent who checked the card or the register confirms it; any change to them by the person
    # withdraws the confirmation (accounts.services.person_update). See decision 0013.
    permit_confirmed_at = models.DateTimeField(_("permit confirmed on"), null=True, blank=True)
    permit_confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("permit confirmed by")
    )
    # Names and date of birth as FranceConnect gave them (the civil registers): the person can no
    # longer change them (accounts.services.person_update refuses); see decision 0014.
    identity_source = models.CharField(
        _("identity"), max_length=20, choices=IdentitySource.choices, default=IdentitySource.DECLARED
    )
    identity_verified_at = models.DateTimeField(_("identity verified on"), null=True, blank=True)
    # Given on paper at the counter: lets the person attach their files to an online account later.
    claim_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The queue's search by date of birth (names: trigram indexes on PostgreSQL, migration 0008).
        indexes = [models.Index(fields=["date_of_birth"], name="person_date_of_birth")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()

    @property
    def identity_verified(self) -> bool:
        return self.identity_source == IdentitySource.FRANCECONNECT

    @property
    def has_current_permit(self) -> bool:
        return bool(self.permit_type and self.permit_expires_on)

    @property
    def permit_on_record(self) -> bool:
        """The declared permit was confirmed by an agent and has not been changed since."""
        return self.has_current_permit and self.permit_confirmed_at is not None

    def missing_profile_fields(self) -> list[str]:
        """Labels of what the profile still needs before an application can be submitted."""
        required = ["first_name", "last_name", "date_of_birth", "nationality", "address_line", "postcode", "city"]
        return [str(self._meta.get_field(name).verbose_name) for name in required if not getattr(self, name)]


class RecoveryCodeQuerySet(models.QuerySet):
    def usable(self):
        """Neither used, nor replaced, nor burnt by wrong answers, nor expired."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class RecoveryCode(models.Model):
    """A one-time code that gives an applicant their account back when they lost their email or
    password (accounts.recovery): sent by text message to the number on file, or given on paper by
    a counter agent or a mandated helper who checked the person's identity document. Only a keyed
    hash of the code is kept; it ends when used, replaced by a newer one, after a few wrong answers,
    or at its expiry."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recovery_codes")
    channel = models.CharField(_("how the code was given"), max_length=10, choices=RecoveryChannel.choices)
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    wrong_answers = models.PositiveSmallIntegerField(default=0)
    # Counter and helper codes: who checked which document, and where (the person reads it in their
    # account's history; the document number is kept by its last characters only).
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_at_place = models.CharField(_("where"), max_length=200, blank=True)
    document = models.CharField(
        _("identity document checked"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    document_number_end = models.CharField(_("document number, last characters"), max_length=4, blank=True)

    objects = RecoveryCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "channel", "created_at"], name="recovery_code_person")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel=RecoveryChannel.SMS)
                | (models.Q(issued_by__isnull=False) & ~models.Q(document="") & ~models.Q(document_number_end="")),
                name="recovery_code_in_person_names_the_check",
            )
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({self.channel}) for {self.person_id}"
