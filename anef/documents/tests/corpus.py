"""A corpus of hostile uploads, generated here (nothing hostile is kept in the repository).

Each PDF is written by hand, object by object, so that it carries exactly the active content a
tester would put in it (pypdf's writer would tidy some of it away)."""

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

# The EICAR anti-malware test file, split so that this source is not itself flagged by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# What must never come back from the server in a stored file.
HOSTILE_MARKERS = (
    b"/JavaScript",
    b"/OpenAction",
    b"/Launch",
    b"/EmbeddedFile",
    b"/AA ",
    b"/XFA",
    b"<html",
    b"<script",
    b"<?php",
    b"app.alert",
    b"MZ\x90\x00",
    EICAR,
)


def pdf(
    *, catalog_extra: str = "", page_extra: str = "", extra_objects: tuple[bytes, ...] = (), prefix=b"", suffix=b""
):
    """A one-page PDF. Objects 1 (catalog), 2 (pages), 3 (page), 4 (content) are fixed; extra
    objects are numbered from 5 on. `prefix` goes after the header comment, `suffix` after %%EOF."""
    content = b"BT /F1 12 Tf 72 720 Td (Attestation) Tj ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R {page_extra} >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + prefix)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue() + suffix


def stream(data: bytes, *, deflate: bool = False, extra: str = "") -> bytes:
    if deflate:
        data = zlib.compress(data)
        extra += " /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra.encode()) + data + b"\nendstream"


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run in DOS mode."


def image(fmt: str, size=(64, 48), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A small file whose header declares this many pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is rewritten to declare width x height."""
    data = bytearray(image("JPEG"))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_with_bad_crc() -> bytes:
    data = bytearray(image("PNG"))
    idat = data.find(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    data[idat + 4 + length] ^= 0xFF  # first byte of the IDAT checksum
    return bytes(data)


@dataclass(frozen=True)
class Case:
    name: str  # the test id
    filename: str  # what the browser sends
    content: bytes
    refused: str = ""  # the error code expected, or "" when the file is accepted (made harmless)


def corpus() -> list[Case]:
    js_action = "<< /S /JavaScript /JS (app.alert\\('pwned'\\)) >>"
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    php = b"<?php system($_GET['c']); ?>"
    return [
        # Malware (the EICAR test file), plain and inside PDFs
        Case("eicar-plain", "eicar.com", EICAR, "infected"),
        Case("eicar-named-pdf", "eicar.pdf", EICAR, "infected"),
        Case(
            "eicar-in-pdf-stream",
            "scan.pdf",
            pdf(page_extra="/Thumb 5 0 R", extra_objects=(stream(EICAR),)),
            "infected",
        ),
        Case(
            "eicar-in-pdf-deflated-attachment",
            "scan.pdf",
            pdf(
                catalog_extra="/Names << /EmbeddedFiles << /Names [(eicar.com) 5 0 R] >> >>",
                extra_objects=(
                    b"<< /Type /Filespec /F (eicar.com) /EF << /F 6 0 R >> >>",
                    stream(EICAR, deflate=True, extra="/Type /EmbeddedFile"),
                ),
            ),
            "infected",
        ),
        # Active PDFs: made harmless (rebuilt without the active parts)
        Case(
            "pdf-javascript",
            "form.pdf",
            pdf(
                catalog_extra="/Names << /JavaScript << /Names [(x) 5 0 R] >> >>",
                extra_objects=(js_action.encode(),),
            ),
        ),
        Case("pdf-openaction-js", "form.pdf", pdf(catalog_extra=f"/OpenAction {js_action}")),
        Case(
            "pdf-launch",
            "form.pdf",
            pdf(catalog_extra="/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"),
        ),
        Case(
            "pdf-page-additional-actions",
            "form.pdf",
            pdf(
                page_extra=f"/AA << /O {js_action} >> /Annots [5 0 R]",
                extra_objects=(
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
                    b"/A << /S /URI /URI (javascript:alert\\(1\\)) >> >>",
                ),
            ),
        ),
        Case(
            "pdf-embedded-executable",
            "form.pdf",
            pdf(
                catalog_extra="/Names << /EmbeddedFiles << /Names [(setup.exe) 5 0 R] >> >>",
                page_extra="/Annots [7 0 R]",
                extra_objects=(
                    b"<< /Type /Filespec /F (setup.exe) /EF << /F 6 0 R >> >>",
                    stream(EXE, extra="/Type /EmbeddedFile"),
                    b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 5 0 R >>",
                ),
            ),
        ),
        Case(
            "pdf-xfa-form",
            "form.pdf",
            pdf(
                catalog_extra="/AcroForm << /Fields [] /XFA 5 0 R >>",
                extra_objects=(stream(b"<xdp:xdp>" + html + b"</xdp:xdp>"),),
            ),
        ),
        # Polyglots: made harmless (the payload stays behind)
        Case("polyglot-pdf-html", "letter.pdf", pdf(prefix=b"%" + html + b"\n", suffix=html)),
        Case("polyglot-jpeg-php", "photo.jpg", image("JPEG", comment=php) + php),
        Case(
            "polyglot-png-html",
            "photo.png",
            (lambda png: png[:33] + png_chunk(b"tEXt", b"Comment\x00" + html) + png[33:] + html)(image("PNG")),
        ),
        # The name must say what the content is
        Case("png-named-pdf", "passport.pdf", image("PNG"), "extension"),
        Case("pdf-named-jpg", "photo.jpg", pdf(), "extension"),
        Case("pdf-named-exe", "invoice.pdf.exe", pdf(), "extension"),
        Case("html-named-pdf", "page.pdf", html, "type"),
        # Bombs and broken images
        Case("png-bomb-50000", "bomb.png", png_declaring(50_000, 50_000), "too_many_pixels"),
        Case("png-just-over-the-limit", "big.png", png_declaring(8000, 6000), "too_many_pixels"),
        Case("jpeg-huge", "huge.jpg", jpeg_declaring(60_000, 60_000), "too_many_pixels"),
        Case("png-bad-crc", "scan.png", png_with_bad_crc(), "damaged"),
        Case("png-truncated", "scan.png", image("PNG", size=(400, 300))[:300], "damaged"),
        Case("jpeg-truncated", "scan.jpg", image("JPEG", size=(400, 300))[:400], "damaged"),
        Case("pdf-truncated", "scan.pdf", pdf()[:60], "damaged"),
        # Hostile names: accepted, shown harmless
        Case("name-path-traversal", "../../../etc/passwd.pdf", pdf()),
        Case("name-control-characters", "scan\x07\t\x1b[31m\x7f.pdf", pdf()),
        Case("name-quotes-and-reserved-characters", 'a"b<c>d|e?f*g:h.pdf', pdf()),
        Case("name-rtl-override", "invoice\u202egpj.pdf", pdf()),
        Case("name-very-long", "a" * 400 + ".pdf", pdf()),
    ]
