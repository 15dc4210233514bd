"""Our `{% csrf_token %}`: Django's CSRF input followed by a one-time submission token.

Registered in TEMPLATES["OPTIONS"]["builtins"], so it replaces Django's tag in every template
(ours, allauth's, the admin's) without editing them: every POST form that has a CSRF input, which
Django requires of every form we accept, also carries the token that makes it count once
(`anef.core.submit_once`). A new token is drawn at each use, so two forms of a page never share one.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from anef.core.submit_once import FIELD, new_token

register = template.Library()


class CsrfAndSubmissionTokenNode(CsrfTokenNode):
    def render(self, context):
        csrf_input = super().render(context)
        if not csrf_input:  # rendered without a request: no form can be posted from it
            return csrf_input
        return csrf_input + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.tag
def csrf_token(parser, token):
    return CsrfAndSubmissionTokenNode()
