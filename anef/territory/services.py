from django.db import transaction

from .models import Departement, Prefecture
from .postcodes import UnknownPostcode, all_departements, departement_for_postcode


@transaction.atomic
def territory_load() -> int:
    """Create or update every prefecture and département from the data file. Idempotent."""
    rows = all_departements()
    prefectures = {}
    for row in rows:
        if row.prefecture_code in prefectures:
            continue
        prefectures[row.prefecture_code], _ = Prefecture.objects.update_or_create(
            code=row.prefecture_code,
            defaults={
                "name_fr": row.prefecture_name_fr,
                "name_en": row.prefecture_name_en,
                "city": row.prefecture_city,
            },
        )
    for row in rows:
        Departement.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "region": row.region,
                "overseas": row.overseas,
                "prefecture": prefectures[row.prefecture_code],
            },
        )
    return len(rows)


def prefecture_for_postcode(postcode: str) -> Prefecture:
    """The prefecture competent for an address. Raises UnknownPostcode."""
    code = departement_for_postcode(postcode)
    try:
        return Prefecture.objects.get(departements__code=code)
    except Prefecture.DoesNotExist as exc:
        raise UnknownPostcode(postcode) from exc
