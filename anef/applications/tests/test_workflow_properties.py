import time

import pytest

from anef.applications import services
from anef.core.testing import complete, draft, make_applicant


@pytest.mark.django_db
def test_probe():
    t = time.time()
    person = make_applicant()
    app = complete(draft(person))
    print("complete took", time.time() - t, app.prefecture_id)
    try:
        services.application_withdraw(application_id=app.pk, actor=person.user)
    except Exception as e:
        print("RAISED", type(e).__mro__, e)
    app.refresh_from_db()
    print("state", app.state, app.filed_at)
