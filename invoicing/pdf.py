"""The invoice as an A4 PDF, rendered by the portal's one PDF helper."""

from notifications.pdf import render_pdf

from .models import Invoice


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF (not encrypted: an invoice is shown to whoever pays it)."""
    return render_pdf(
        "invoice",
        {
            "invoice": invoice,
            "items": invoice.items.all(),
            "totals": invoice.totals_by_rate(),
            "footer": f"Faktura VAT {invoice.number}",
        },
    )


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.filename_stem}.pdf"
