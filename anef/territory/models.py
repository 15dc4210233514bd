from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Prefecture(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    city = models.CharField(_("city"), max_length=100)
    # How the public reaches its foreigners' service, shown on the help page (empty: not published).
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_fr


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100)
    overseas = models.BooleanField(_("overseas"), default=False)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Site(models.Model):
    """A place where a prefecture receives the public."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=150)
    address_line = models.CharField(_("address"), max_length=250)
    postcode = models.CharField(_("postcode"), max_length=5)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["prefecture", "name"], name="unique_site_name_per_prefecture")]

    def __str__(self) -> str:
        return self.name
