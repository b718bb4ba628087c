"""What kind of file an upload is, judged by its content: never by its name or the browser's say.

Allowed: PDF, Word, Excel, OpenDocument, CSV, plain text, PNG, JPEG and e-mail (.eml).
The name only tells CSV from other text, which read the same.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
CSV = "text/csv"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
EMAIL = "message/rfc822"

LABELS = {
    PDF: "PDF",
    DOCX: "Word",
    DOC: "Word (97–2003)",
    XLSX: "Excel",
    XLS: "Excel (97–2003)",
    ODT: "OpenDocument text",
    ODS: "OpenDocument spreadsheet",
    ODP: "OpenDocument presentation",
    CSV: "CSV",
    TEXT: "Plain text",
    PNG: "PNG image",
    JPEG: "JPEG image",
    EMAIL: "E-mail",
}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, OpenDocument, CSV, plain text, PNG, JPEG or e-mail (.eml)"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
# Bytes that never appear in text: C0 controls other than tab, line feed, form feed, return.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_HEADER = re.compile(rb"^[!-9;-~]+:[^\r\n]*$")
_MAIL_HEADERS = {b"date", b"subject", b"to", b"message-id", b"received", b"mime-version"}
_CHUNK = 1 << 20


def detect(path: Path, original_name: str) -> str | None:
    """The file's type if it is an allowed one, else None."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(path)
    if head.startswith(_OLE):
        return _office_97(path)
    if _is_text(path):
        if _is_email(head):
            return EMAIL
        return CSV if original_name.lower().endswith(".csv") else TEXT
    return None


def _office_zip(path: Path) -> str | None:
    """Word and Excel (OOXML) and OpenDocument are zip files; anything else zipped is not."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _OPEN_DOCUMENT.get(archive.read("mimetype")[:100].strip())
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def _office_97(path: Path) -> str | None:
    """Word and Excel 97–2003 files name their main stream in the compound file's directory."""
    word, workbook = "WordDocument".encode("utf-16-le"), "Workbook".encode("utf-16-le")
    book = "Book\x00".encode("utf-16-le")
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            if word in window:
                return DOC
            if workbook in window or book in window:
                return XLS
            tail = window[-32:]
    return None


def _is_text(path: Path) -> bool:
    """UTF-8, or the Windows encoding spreadsheets export, with no binary control bytes."""
    utf8 = True
    with path.open("rb") as handle:
        data = handle.read()
    if not data or _BINARY.search(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = False
    if utf8:
        return True
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _is_email(head: bytes) -> bool:
    """An RFC 5322 message: header lines first, including From and another usual header."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    names = set()
    for line in lines:
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header
        if not _HEADER.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and bool(names & _MAIL_HEADERS)
