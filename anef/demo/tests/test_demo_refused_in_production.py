import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anef.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", [("bootstrap", "--demo"), ("seed_demo",), ("demo_totp", "agent@example.org")])
def test_the_demo_commands_refuse_a_production_configuration_and_change_nothing(settings, command):
    settings.ANEF_DEMO_ALLOWED = False
    before = User.objects.count()

    with pytest.raises(CommandError, match="ANEF_DEMO_ALLOWED"):  # in the reader's language
        call_command(*command)
    assert User.objects.count() == before
