"""GET /chat/v1/reference (the API reference page) and GET /docs (a redirect to it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse

from skchat.kit.runtime import get_runtime
from skchat.reference import render
from skchat.reference.conventions import Limits

router = APIRouter(include_in_schema=False)
docs_router = APIRouter(include_in_schema=False)

# The page loads nothing: no script at all, styles only inline, images only as data: URLs.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


@router.api_route("/reference", methods=["GET", "HEAD"], name="api_reference", response_class=HTMLResponse)
async def api_reference(request: Request) -> HTMLResponse:
    """The API reference, rendered from this server's own OpenAPI document."""
    app = request.app
    base_path = app.openapi_url.rsplit("/", 1)[0] if app.openapi_url else ""
    limits = Limits.from_settings(get_runtime(request).settings, base_path)
    document = app.openapi()
    cached = getattr(app.state, "reference_page", None)
    # openapi() returns the same document until the routes change; render once per document.
    if cached is None or cached[0] is not document or cached[1] != limits:
        cached = (document, limits, render.page(document, limits))
        app.state.reference_page = cached
    return HTMLResponse(cached[2], headers=SECURITY_HEADERS)


@docs_router.api_route("/docs", methods=["GET", "HEAD"])
async def docs(request: Request) -> RedirectResponse:
    """The conventional docs URL, sent to the reference page."""
    return RedirectResponse(request.app.url_path_for("api_reference"), status_code=307)
