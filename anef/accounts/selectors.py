from typing import cast

from allauth.socialaccount.models import SocialAccount
from django.db.models import Q, QuerySet

from .constants import STAFF_ROLES, Role
from .franceconnect import PROVIDER_ID
from .models import User
from .services import DEACTIVATED_BY_SUPERVISORS


def accounts_managed_by(*, actor: User) -> QuerySet[User]:
    """The accounts this person may see on the accounts page and deactivate: for a national
    administrator every staff account and every helper; for a supervisor the agents of their
    prefecture. Never their own (`account_may_deactivate` is the same rule, row by row)."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if actor.role == Role.ADMINISTRATOR:
        accounts = User.objects.filter(Q(role__in=STAFF_ROLES) | Q(role=Role.HELPER, structure__isnull=False))
    elif actor.role == Role.SUPERVISOR:
        # A supervisor always has a prefecture (constraint agent_belongs_to_a_prefecture).
        prefecture_id = cast(int, actor.prefecture_id)
        accounts = User.objects.filter(role__in=DEACTIVATED_BY_SUPERVISORS, prefecture_id=prefecture_id)
    else:
        return User.objects.none()
    return accounts.exclude(pk=actor.pk)


def franceconnect_link_of(*, user: User) -> SocialAccount | None:
    """The account's link to FranceConnect, if any (one at most: the service refuses a second)."""
    if not user.is_authenticated:
        return None
    return SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).first()
