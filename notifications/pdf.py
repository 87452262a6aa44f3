"""PDF documents: rendered from templates/pdf/ by WeasyPrint, encrypted by pypdf.

Every PDF of the portal goes through `render_pdf`; the ones that carry a
password (offers, policies) go through `encrypt_pdf` too.
"""

import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render templates/pdf/<template>.html to an A4 PDF (Polish)."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"pdf/{template}.html", context)
    # base_url lets the template refer to files under static/ (logo, fonts).
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """Encrypt a PDF with AES-256; the same password opens it and owns it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
