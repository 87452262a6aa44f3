"""Uploads: the type is read from the content (magic bytes), never from the name."""

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import StoredFile

DOCUMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
ATTACHMENT_TYPES = DOCUMENT_TYPES | {"application/zip"}
MAX_UPLOAD = 5 * 1024 * 1024


def validate_upload(
    upload: UploadedFile, *, allowed: set[str] = DOCUMENT_TYPES, max_size: int = MAX_UPLOAD
) -> str:
    """The file's real MIME type, or a ValidationError saying what is wrong."""
    if upload.size is not None and upload.size > max_size:
        raise ValidationError(
            _("Plik jest za duży (%(size)s). Największy dozwolony rozmiar to %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_size)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            _("Nieobsługiwany rodzaj pliku. Dozwolone: PDF, PNG, JPEG%(zip)s.")
            % {"zip": ", ZIP" if "application/zip" in allowed else ""}
        )
    return str(kind.mime)


def store(upload: UploadedFile, content_type: str) -> StoredFile:
    data = b"".join(upload.chunks())
    name = (upload.name or "plik").rsplit("/", 1)[-1][:200]
    return StoredFile.objects.create(
        name=name, content_type=content_type, size=len(data), data=data
    )
