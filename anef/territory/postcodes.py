"""Postcode -> département -> competent prefecture, for every French département.

Pure module: no Django imports. The reference data lives in
``data/departements.csv`` (one row per département or overseas collectivity
whose foreigners' residence permits are handled under the CESEDA).

Rules applied by :func:`departement_for_postcode`:

* The value must be exactly five digits once spaces (ordinary, non-breaking,
  narrow non-breaking, tabs) are stripped; anything else is
  :class:`UnknownPostcode`.
* ``97xxx``: the département is the first three digits (971 Guadeloupe,
  972 Martinique, 973 Guyane, 974 La Réunion, 975 Saint-Pierre-et-Miquelon,
  976 Mayotte), except the two collectivities that kept Guadeloupe's postal
  prefix: ``97133`` -> 977 Saint-Barthélemy and ``97150`` -> 978 Saint-Martin.
  La Poste allocates no ``977xx``/``978xx``/``979xx`` postcodes, so those are
  rejected.
* ``98xxx`` (Monaco 98000, Wallis-et-Futuna, Polynésie française,
  Nouvelle-Calédonie, TAAF) is rejected: Monaco is not France and the Pacific
  collectivities fall under different immigration law.
* Corsica (``20xxx``): ``20000``-``20199`` -> 2A (Corse-du-Sud),
  ``20200``-``20699`` -> 2B (Haute-Corse). La Poste's 2A postcodes,
  including multi-commune rural codes such as 20167 and 20190, all sit below
  20200, and 2B's start at 20200, so we chose a single split point rather
  than a table of exceptions (we know of no Corsican postcode shared by the
  two départements). ``20700``-``20999`` is rejected.
* ``00xxx`` and any two-digit prefix that is not a département in the CSV
  (e.g. ``96xxx``) is rejected.
* Otherwise the département is the first two digits.

Known limits:

* A postcode is a delivery area, not an administrative one. A few dozen
  communes are served by a post office in a neighbouring département and so
  carry that département's postcode (for instance some communes of the
  Alpes-de-Haute-Provence under 05110/05130/05160, some of Haute-Savoie under
  01200, some of the Marne under 52100). For those the first digits give the
  wrong département and the postcode alone cannot tell them apart from their
  neighbours: the commune's INSEE code (COG) of the address is needed to
  route them right. Callers that
  hold the INSEE code should prefer it.
* CEDEX and special-service postcodes (e.g. 75700) follow the same rule and
  are not checked against La Poste's list; a syntactically valid but
  unallocated code inside a known département is accepted.
* Paris (75) is routed to the Préfecture de police, which handles foreigners'
  residence matters there; the other Île-de-France départements go to their
  own prefecture.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "departements.csv"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")

# Collectivities that kept Guadeloupe's 971 postal prefix.
_SPECIAL_97_POSTCODES = {
    "97133": "977",  # Saint-Barthélemy
    "97150": "978",  # Saint-Martin (partie française)
}
# Overseas postal prefixes actually allocated by La Poste.
_OVERSEAS_PREFIXES = {"971", "972", "973", "974", "975", "976"}


class UnknownPostcode(ValueError):
    """The value is not a French postcode we can route to a prefecture."""


@dataclass(frozen=True)
class DepartementRow:
    code: str
    name: str
    prefecture_code: str
    prefecture_name_fr: str
    prefecture_name_en: str
    prefecture_city: str
    region: str
    overseas: bool


def normalise_postcode(value: str) -> str:
    """Strip every kind of space and return the 5-digit postcode."""
    if not isinstance(value, str):
        raise UnknownPostcode(f"Not a postcode: {value!r}")
    cleaned = _SPACES.sub("", value)
    if not _FIVE_DIGITS.fullmatch(cleaned):
        raise UnknownPostcode(f"Not a 5-digit postcode: {value!r}")
    return cleaned


def departement_for_postcode(postcode: str) -> str:
    """Return the département code ("01".."95", "2A", "2B", "971".."978")."""
    code = normalise_postcode(postcode)
    prefix2 = code[:2]

    if prefix2 == "97":
        if code in _SPECIAL_97_POSTCODES:
            departement_code = _SPECIAL_97_POSTCODES[code]
        elif code[:3] in _OVERSEAS_PREFIXES:
            departement_code = code[:3]
        else:
            raise UnknownPostcode(f"Unallocated overseas postcode: {code}")
    elif prefix2 == "98":
        raise UnknownPostcode(f"{code} is Monaco or a Pacific collectivity, outside this routing")
    elif prefix2 == "20":
        number = int(code)
        if number < 20200:
            departement_code = "2A"
        elif number < 20700:
            departement_code = "2B"
        else:
            raise UnknownPostcode(f"Unallocated Corsican postcode: {code}")
    else:
        departement_code = prefix2

    if departement_code not in _rows_by_code():
        raise UnknownPostcode(f"No département for postcode {code}")
    return departement_code


@lru_cache(maxsize=1)
def _load() -> tuple[DepartementRow, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            DepartementRow(
                code=row["code"],
                name=row["name"],
                prefecture_code=row["prefecture_code"],
                prefecture_name_fr=row["prefecture_name_fr"],
                prefecture_name_en=row["prefecture_name_en"],
                prefecture_city=row["prefecture_city"],
                region=row["region"],
                overseas=row["overseas"].strip().lower() == "true",
            )
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _rows_by_code() -> dict[str, DepartementRow]:
    return {row.code: row for row in _load()}


def all_departements() -> list[DepartementRow]:
    """Every row of the CSV, in file order (a fresh list; rows are frozen)."""
    return list(_load())


def departement(code: str) -> DepartementRow:
    """The row for a département code; KeyError if unknown."""
    return _rows_by_code()[code]
