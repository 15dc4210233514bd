from django.http import FileResponse


def private_file_response(field_file, *, content_type: str, filename: str, as_attachment: bool = False) -> FileResponse:
    """Serve a file the application made itself (issued documents, letters, print runs) that only its
    owner or competent staff may read (the caller checked): never cached, never sniffed, nothing
    active inside it runs. Files users uploaded go through `user_file_response`."""
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


# A file someone uploaded is never a page of the application: shown inline, the `sandbox` directive
# gives it an opaque origin (no script, no form, no cookie, no storage of ours), whatever it holds.
USER_FILE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def user_file_response(field_file, *, content_type: str, filename: str, inline: bool = False) -> FileResponse:
    """Serve a file a user uploaded (stored rebuilt: PDFs without active content, images re-encoded;
    the caller checked access). A download by default; `inline` only for a page that frames it in
    `<iframe sandbox>` or opens it on its own, and then sandboxed by the response's own policy."""
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = USER_FILE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def wants_inline(request) -> bool:
    """`?inline=1`: the page frames the file (or opens it in a tab) instead of downloading it."""
    return request.GET.get("inline") == "1"


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
