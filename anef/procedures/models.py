from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Category
from .fields import DefinitionField
from .texts import localised


class Procedure(models.Model):
    """One procedure of the catalogue. `definition` holds the YAML file as loaded and validated."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    version = models.PositiveIntegerField(_("version"))
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    family = models.SlugField(_("family"), max_length=60)
    renewal = models.BooleanField(_("renewal subject to the filing window"), default=False)
    requires_current_permit = models.BooleanField(_("requires a current permit"), default=False)
    fee_eur = models.DecimalField(_("fee (euros)"), max_digits=7, decimal_places=2, default=Decimal("0"))
    target_days = models.PositiveIntegerField(_("target processing time (days)"))
    biometrics = models.BooleanField(_("biometrics taken at an appointment"), default=False)
    grants_work = models.BooleanField(_("the permit sought allows work"), default=False)
    definition = DefinitionField(_("definition"))
    active = models.BooleanField(_("open to new applications"), default=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.title

    def text(self, key: str) -> str:
        return localised(self.definition.get(key))

    @property
    def title(self) -> str:
        return self.text("title")

    @property
    def summary(self) -> str:
        return self.text("summary")

    @property
    def eligibility_paragraphs(self) -> list[str]:
        return [p for p in self.text("eligibility").split("\n\n") if p.strip()]

    @property
    def legal_basis(self) -> str:
        return self.text("legal_basis")

    @property
    def fee_note(self) -> str:
        return localised((self.definition.get("fee") or {}).get("note"))

    @property
    def needs_stamp(self) -> bool:
        fee = self.definition.get("fee") or {}
        return bool(fee.get("stamp")) and self.fee_eur > 0

    @property
    def questions(self) -> list[dict]:
        return self.definition.get("questions", [])

    @property
    def fields(self) -> list[dict]:
        return self.definition.get("fields", [])

    @property
    def documents(self) -> list[dict]:
        return self.definition.get("documents", [])

    @property
    def yields(self) -> list[str]:
        return self.definition.get("yields", [])

    @property
    def permit_type(self) -> str:
        """The kind of permit (`accounts.constants.PermitType`) this procedure grants or renews, if any."""
        return self.definition.get("permit_type") or ""
