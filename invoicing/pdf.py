"""The invoice as an A4 PDF, rendered by the portal's one PDF helper."""

import segno
from django.http import HttpResponse

from notifications.pdf import render_pdf

from .ksef import ksef_verification_url
from .models import Invoice


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF (not encrypted: an invoice is shown to whoever pays it).

    Once KSeF has accepted it, the PDF carries KSeF's verification QR code with
    the KSeF number under it, as a printed copy of a KSeF invoice must.
    """
    verification = qr = ""
    if invoice.ksef_number:
        verification = ksef_verification_url(invoice)
        qr = segno.make(verification, error="m").svg_data_uri(scale=3, border=2)
    return render_pdf(
        "invoice",
        {
            "invoice": invoice,
            "items": invoice.items.all(),
            "totals": invoice.totals_by_rate(),
            "verification_url": verification,
            "verification_qr": qr,
            "footer": f"Faktura VAT {invoice.number}",
        },
    )


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.filename_stem}.pdf"


def invoice_pdf_response(invoice: Invoice) -> HttpResponse:
    """The PDF as a download, for a view that has already checked who may see the invoice."""
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_pdf_filename(invoice)}"'
    return response
