"""PDF documents: rendered from templates/pdf/ by WeasyPrint, encrypted by pypdf.

Every PDF of the portal goes through `render_pdf`; the ones that carry a
password (offers, policies) go through `encrypt_pdf` too.
"""

import io
import threading
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint's own defaults are built anew for every document: a URL fetcher
# (with an SSL context, which loads the system's certificates) and a font
# configuration (fontconfig's font list). Both are kept per thread instead.
_weasyprint = threading.local()


def _renderer() -> tuple[Any, Any]:
    """The thread's URL fetcher (local files and data: URLs only) and font configuration."""
    tools = getattr(_weasyprint, "tools", None)
    if tools is None:
        from weasyprint import URLFetcher
        from weasyprint.text.fonts import FontConfiguration

        # Documents refer only to files under static/: nothing is fetched from the network.
        fetcher = URLFetcher(allowed_protocols={"file", "data"})
        tools = _weasyprint.tools = (fetcher, FontConfiguration())
    return tools


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render templates/pdf/<template>.html to an A4 PDF (Polish)."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"pdf/{template}.html", context)
    fetcher, fonts = _renderer()
    # base_url lets the template refer to files under static/ (logo, fonts).
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=fetcher)
    return document.write_pdf(font_config=fonts)


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """Encrypt a PDF with AES-256; the same password opens it and owns it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
