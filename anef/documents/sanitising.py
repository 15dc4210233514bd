"""What we store is never what was sent: PDFs are rebuilt without active content, images are decoded
and encoded again. Trailers, polyglot payloads, scripts, actions, attached files and metadata stay
behind. A file that cannot be rebuilt is refused with a reason, never stored as it came."""

import io
import logging
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)


def damaged() -> ValidationError:
    return ValidationError(_("This file is damaged and cannot be read. Save or scan it again."), code="damaged")


def not_made_safe() -> ValidationError:
    return ValidationError(
        _(
            "This PDF contains active content (scripts, actions or attached files) that could not be "
            "removed. Print it to a new PDF or scan the paper document, then send that file."
        ),
        code="active_content",
    )


# --- PDF ----------------------------------------------------------------------------------------

# Keys that carry scripts, automatic actions, attached files, XFA forms or rich (HTML) text,
# removed wherever they appear under a page.
_HOSTILE_KEYS = frozenset(
    {
        "/AA",
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/EF",
        "/XFA",
        "/RC",
        "/RichMediaContent",
        "/RichMediaSettings",
    }
)
# Annotations that only exist to play, launch or carry something.
_DROPPED_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})
_SAFE_URI = re.compile(r"^(https?|mailto):", re.IGNORECASE)
# What must not be left in the bytes we store (names as PDF tokens, and HTML or PHP openers).
_LEFTOVERS = re.compile(
    rb"/(JavaScript|JS|OpenAction|Launch|EmbeddedFiles?|AA|XFA|RichMedia)(?=[\s/<>\[\]()%{}])|<html|<script|<\?php",
    re.IGNORECASE,
)


def _safe_action(action) -> bool:
    """A link may go to a page of the document or to a web or mail address, nothing else."""
    action = action.get_object() if isinstance(action, IndirectObject) else action
    if not isinstance(action, DictionaryObject):
        return False
    kind = action.get("/S")
    if kind == "/GoTo" and "/Next" not in action:
        return True
    if kind == "/URI" and "/Next" not in action:
        return bool(_SAFE_URI.match(str(action.get("/URI", ""))))
    return False


def _scrub(obj, seen: set[int]) -> None:
    obj = obj.get_object() if isinstance(obj, IndirectObject) else obj
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, DictionaryObject):
        for key in list(obj.keys()):
            if key in _HOSTILE_KEYS or (key in ("/A", "/Next") and not _safe_action(obj[key])):
                del obj[key]
        if isinstance(obj.get("/Annots"), ArrayObject | IndirectObject):
            annotations = obj["/Annots"].get_object()
            kept = [a for a in annotations if a.get_object().get("/Subtype") not in _DROPPED_ANNOTATIONS]
            obj[NameObject("/Annots")] = ArrayObject(kept)
        for key, value in obj.items():
            if key not in ("/Parent", "/P"):  # back references: the walk goes down, never up
                _scrub(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _scrub(value, seen)


def rebuild_pdf(data: bytes) -> tuple[bytes, int]:
    """A new PDF with the pages of this one and nothing else: no catalogue-level actions, scripts,
    attached files, forms or metadata; page-level actions and attachments removed; content streams
    compressed. Returns (bytes, pages). Raises ValidationError when it cannot be read or made safe."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is protected by a password. Send a copy without a password."), code="encrypted"
            )
        pages = len(reader.pages)
        if pages < 1:
            raise ValidationError(_("This PDF has no page."), code="no_pages")
        if pages > settings.ANEF_UPLOAD_MAX_PAGES:
            raise ValidationError(
                _("This PDF has %(pages)s pages; the limit is %(limit)s. Send only the pages asked for.")
                % {"pages": pages, "limit": settings.ANEF_UPLOAD_MAX_PAGES},
                code="too_many_pages",
            )
        # A fresh writer: the catalogue (OpenAction, Names/JavaScript, EmbeddedFiles, AcroForm/XFA,
        # metadata) is not copied, only the pages and what they reference.
        # Each page is scrubbed before it is copied, so that what the scrub cut off (an attached
        # file behind an annotation) is not reachable from the copy, and once more after.
        writer = PdfWriter()
        seen: set[int] = set()
        for page in reader.pages:
            _scrub(page, seen)
            writer.add_page(page)
        seen = set()
        for page in writer.pages:
            _scrub(page, seen)
            page.compress_content_streams()
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        buffer = io.BytesIO()
        writer.write(buffer)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile PDF can make the parser raise anything; it is refused
        logger.warning("PDF refused: cannot be rebuilt (%s: %s)", type(exc).__name__, exc, exc_info=True)
        raise damaged() from exc
    rebuilt = buffer.getvalue()
    if leftover := _LEFTOVERS.search(rebuilt):
        logger.warning("PDF refused: %r left after the rebuild", leftover.group(0))
        raise not_made_safe()
    return rebuilt, pages


# --- Images -------------------------------------------------------------------------------------

_PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG"}


def too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = settings.ANEF_UPLOAD_MAX_PIXELS // 1_000_000
    if width is None:
        message = _(
            "This image has far too many pixels. Scan or photograph it at a lower resolution: "
            "%(limit)s million pixels at most."
        ) % {"limit": limit}
    else:
        message = _(
            "This image is too large (%(width)s × %(height)s pixels). Scan or photograph it at a lower "
            "resolution: %(limit)s million pixels at most."
        ) % {"width": width, "height": height, "limit": limit}
    return ValidationError(message, code="too_many_pixels")


def reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode the image (orientation applied) and encode its pixels again: nothing but pixels is
    kept (no EXIF, no comments, no colour profile, no trailing bytes). Decompression bombs, broken
    checksums and truncated files are refused."""
    fmt = _PIL_FORMAT[content_type]
    limit = settings.ANEF_UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:  # reads the header only
                width, height = probe.size
                if width * height > limit:
                    raise too_many_pixels(width, height)
                probe.verify()  # checksums of every chunk, before decoding anything
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode == "P" or "transparency" in image.info:
                    image = image.convert("RGBA")
                wanted = {"JPEG": ("L", "RGB"), "PNG": ("1", "L", "LA", "RGB", "RGBA")}[fmt]
                if image.mode not in wanted:
                    image = image.convert("RGBA" if fmt == "PNG" and "A" in image.mode else "RGB")
                image.info = {}  # no profile, text chunk or EXIF travels to the new file
                buffer = io.BytesIO()
                if fmt == "JPEG":
                    image.save(buffer, format="JPEG", quality=90)
                else:
                    image.save(buffer, format="PNG")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses before telling the size (more than twice its own limit): say it without figures.
        raise too_many_pixels() from exc
    except Exception as exc:  # noqa: BLE001 - a hostile image can make a decoder raise anything; it is refused
        logger.warning("Image refused: cannot be decoded (%s: %s)", type(exc).__name__, exc, exc_info=True)
        raise damaged() from exc
    return buffer.getvalue()
