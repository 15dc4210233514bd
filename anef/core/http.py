from django.http import FileResponse


def private_file_response(field_file, *, content_type: str, filename: str, as_attachment: bool = False) -> FileResponse:
    """Serve a stored file that only its owner or competent staff may read (the caller checked):
    never cached, never sniffed, nothing active inside it runs."""
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


def posted_id(request, name: str) -> int | None:
    """The id a form posted under this name, or None when it is missing or not an id (a forged or
    garbled form then gets a 404, never a server error)."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def erased_file_response(request, *, name: str, erased_at, back_url: str = ""):
    """What a link to a file erased under the retention policy answers: a page that says so (410
    Gone), instead of a download."""
    from django.shortcuts import render

    return render(
        request,
        "erased_file.html",
        {"name": name, "erased_at": erased_at, "back_url": back_url},
        status=410,
    )
