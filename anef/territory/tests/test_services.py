import pytest

from anef.territory.postcodes import UnknownPostcode
from anef.territory.services import prefecture_for_postcode


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("postcode", "prefecture"),
    [
        ("69002", "pref-69"),
        ("33000", "pref-33"),
        ("75011", "pref-police-paris"),
        ("97400", "pref-974"),
        ("20000", "pref-2a"),
    ],
)
def test_an_address_is_routed_to_the_prefecture_of_its_departement(postcode, prefecture):
    assert prefecture_for_postcode(postcode).code == prefecture


@pytest.mark.django_db
def test_every_departement_has_a_prefecture_in_the_database():
    from anef.territory.models import Departement

    assert Departement.objects.count() == 104
    assert not Departement.objects.filter(prefecture__isnull=True).exists()


@pytest.mark.django_db
def test_an_unknown_postcode_is_refused():
    with pytest.raises(UnknownPostcode):
        prefecture_for_postcode("98000")
