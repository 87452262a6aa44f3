"""The three documents of every offer: the offer PDF, the OWU and the payment regulations.

The offer is rendered on request (it is small and changes with every edit).
The OWU and the regulations are the same for every offer of a product version,
so each is rendered once per version and served from storage afterwards.
"""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from notifications.pdf import render_pdf

from .models import Offer, Product, ProductDocument

TEMPLATES = {
    ProductDocument.Kind.OWU: "owu",
    ProductDocument.Kind.REGULATIONS: "payment_regulations",
}


def offer_pdf(offer: Offer) -> bytes:
    """The offer as an A4 PDF (not encrypted: the agent's copy)."""
    return render_pdf(
        "offer",
        {
            "offer": offer,
            "product": offer.product,
            "package": offer.package,
            "deadline": offer.payment_deadline_local,
            "footer": offer.display_number,
        },
    )


def offer_pdf_filename(offer: Offer) -> str:
    return f"Oferta_{offer.product.code}_{offer.number:09d}.pdf"


def product_document(*, product: Product, kind: str) -> ProductDocument:
    """The stored document of the product's current version, rendered on first use."""
    version = product.documents_version
    existing = ProductDocument.objects.filter(product=product, kind=kind, version=version).first()
    if existing is not None:
        return existing
    document = ProductDocument(product=product, kind=kind, version=version)
    context = {
        "product": product,
        "version": version,
        "packages": product.packages.filter(is_active=True),
        "footer": f"{document.get_kind_display()} {product.code} · wersja {version}",
    }
    data = render_pdf(TEMPLATES[ProductDocument.Kind(kind)], context)
    document.file.save(document.filename, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another request rendered the same version first: use theirs.
        document.file.delete(save=False)
        return ProductDocument.objects.get(product=product, kind=kind, version=version)
    return document
