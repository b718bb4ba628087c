"""Letters as PDF files, made by WeasyPrint from the same HTML as the page.

Nothing is fetched while printing: the stylesheet is inside the document, the fonts are the
machine's own (found through fontconfig), and any address the document names stops the print
instead of being fetched.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """A tagged PDF of `html`, a whole document that carries its own styles."""
    # Imported here, not at start-up: WeasyPrint loads Pango, and only printing needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_everything = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    document = HTML(string=html, base_url=None, url_fetcher=refuse_everything)
    return document.write_pdf(pdf_tags=True)
