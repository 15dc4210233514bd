"""Formats per language (settings.FORMAT_MODULE_PATH: fr/formats.py, en/formats.py), and the few
written forms Django has no format for."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext


def euros(amount) -> str:
    """75,00 € in French, €75.00 in English: the reader's number format and the sign where they put it."""
    return gettext("€%(amount)s") % {"amount": number_format(Decimal(str(amount)), 2)}


def quantity(value) -> str:
    """A number typed in a form (stored as a float): 600, not 600.0; 12,5 in French."""
    number = Decimal(str(value))
    return number_format(number, 0 if number == number.to_integral_value() else None)
