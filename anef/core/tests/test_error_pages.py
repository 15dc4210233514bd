"""Errors are answered with the service's own pages (DSFR, in the reader's language, with a way back home),
never Django's bare English ones; the 500 page needs nothing that could be the cause of the error."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from anef.urls import urlpatterns as anef_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.urls("anef.core.tests.test_error_pages")]


def refused(request):
    raise PermissionDenied


def malformed(request):
    raise SuspiciousOperation("a request no browser sends")


def broken(request):
    raise RuntimeError("the page broke")


urlpatterns = [
    *anef_urlpatterns,
    path("test-refused/", refused),
    path("test-malformed/", malformed),
    path("test-broken/", broken),
]

PAGES = {
    # status: (address, French title, English title, a sentence in French, the same in English)
    404: ("/no-such-page/", "Page non trouvée", "Page not found", "vérifiez qu’elle", "check that it is"),
    403: ("/test-refused/", "Accès refusé", "Access denied", "pas autorisé", "You are not allowed"),
    400: ("/test-malformed/", "Requête incomprise", "Request not understood", "Le lien", "The link you followed"),
    500: ("/test-broken/", "Erreur inattendue", "Unexpected error", "rencontré une erreur", "met an unexpected error"),
}


def dsfr_error_page(html: str, status: int) -> None:
    assert 'class="fr-header"' in html and 'class="fr-footer"' in html
    assert '<p class="fr-logo">République<br>Française</p>' in html
    assert 'class="fr-artwork-major"' in html  # DSFR's error page pictogram
    assert f'<p class="fr-text--sm fr-mb-3w">Erreur {status}</p>' in html or f"Error {status}</p>" in html
    assert '<a class="fr-btn" href="/">' in html  # a way back home


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_page_is_a_dsfr_page_in_french_by_default(status, settings):
    settings.DEBUG = False
    address, french, english, french_sentence, _ = PAGES[status]

    response = Client(raise_request_exception=False).get(address)

    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr"' in html
    assert f"<h1>{french}</h1>" in html and french_sentence in html
    assert english not in html
    dsfr_error_page(html, status)


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_page_speaks_english_to_an_english_browser(status, settings):
    settings.DEBUG = False
    address, french, english, _, english_sentence = PAGES[status]

    response = Client(raise_request_exception=False).get(address, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en"' in html
    assert f"<h1>{english}</h1>" in html and english_sentence in html
    assert french not in html
    dsfr_error_page(html, status)


def test_the_500_page_renders_with_an_empty_context_and_no_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()

    assert "<h1>Erreur inattendue</h1>" in html
    dsfr_error_page(html, 500)


def test_a_form_refused_for_its_csrf_token_gets_the_services_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "en"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formulaire non envoyé</h1>" in html
    dsfr_error_page(html, 403)
