import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anef.certificates.constants import VerificationStatus
from anef.certificates.selectors import verify_payload

PAYLOAD_RE = re.compile(r"ANEF1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class Command(BaseCommand):
    help = "Verify an issued document: give its QR payload (ANEF1...) or the path of its PDF."

    def add_arguments(self, parser):
        parser.add_argument("payload_or_pdf")

    def handle(self, *args, payload_or_pdf, **options):
        value = payload_or_pdf
        path = Path(value)
        if path.suffix.lower() == ".pdf" and path.exists():
            from pypdf import PdfReader

            text = "".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
            match = PAYLOAD_RE.search(re.sub(r"\s+", "", text))
            if match is None:
                raise CommandError("No ANEF1 payload found in this PDF")
            value = match.group(0)
        verdict = verify_payload(value)
        if verdict.document is not None:
            d = verdict.document
            until = f"{d.valid_until:%d/%m/%Y}" if d.valid_until else "-"
            self.stdout.write(
                f"{verdict.status}: {d.get_type_display()} {d.number}, {d.holder_name}, "
                f"{d.valid_from:%d/%m/%Y} - {until}"
            )
        else:
            self.stdout.write(f"{verdict.status}: {verdict.reason}")
        if verdict.status != VerificationStatus.VALID:
            raise SystemExit(1)
