from django.template.loader import render_to_string
from django.utils import timezone


def check_proof_pdf(check) -> bytes:
    from weasyprint import HTML

    html = render_to_string("sharing/proof.html", {"check": check, "now": timezone.localtime()})
    return HTML(string=html).write_pdf()
