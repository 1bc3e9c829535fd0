"""Evidence files: what a palace may upload, checked by content, not by the name it arrives with.

Accepted: PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx), at most `MAX_BYTES` each. The type is
sniffed from the first bytes (and, for the two Office formats, from the zip's own table of
contents, which is read without decompressing anything); the name's extension must agree with it.
The name is kept only for display and download, cleaned of paths and control characters; the file
is stored under a random name (`models._evidence_path`).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_INDICATOR = 10
NAME_LENGTH = 100


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    also: tuple[str, ...] = ()


PDF = FileType(".pdf", "application/pdf")
JPEG = FileType(".jpg", "image/jpeg", also=(".jpeg",))
PNG = FileType(".png", "image/png")
DOCX = FileType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ACCEPTED = (PDF, JPEG, PNG, DOCX, XLSX)
ACCEPT_ATTRIBUTE = ",".join(ext for t in ACCEPTED for ext in (t.extension, *t.also))


def _sniff(upload) -> FileType | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def clean_name(name: str, extension: str) -> str:
    """A display name: no folders, no control or format characters, at most 100 characters,
    ending in the sniffed type's extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"[<>:\"|?*]", "_", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .")[: NAME_LENGTH - len(extension)].strip(" .") or _("evidence")
    return f"{stem}{extension}"


def check_upload(upload) -> tuple[FileType, str]:
    """The sniffed type and a clean name for `upload`; `InvalidInput` (field `file`) otherwise."""

    def refuse(message: str):
        raise InvalidInput(message, fields={"file": [message]})

    if upload is None:
        refuse(_("Choose a file to upload."))
    if not upload.size:
        refuse(_("The file is empty."))
    if upload.size > MAX_BYTES:
        refuse(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    kind = _sniff(upload)
    if kind is None:
        refuse(_("Only PDF, JPG, PNG, Word (.docx) and Excel (.xlsx) files are accepted."))
    given = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    if given not in (kind.extension, *kind.also):
        refuse(
            _("The file's content is %(type)s but its name ends in %(ext)s.")
            % {"type": kind.extension.lstrip(".").upper(), "ext": given or _("nothing")}
        )
    return kind, clean_name(upload.name, kind.extension)
