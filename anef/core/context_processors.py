from django.utils.translation import get_language_bidi


def site(request):
    return {"LANGUAGE_BIDI": get_language_bidi()}
