"""What kind of file an upload is, judged by its content: never by its name or the browser's say.

Allowed: PDF, Word, Excel, OpenDocument, CSV, plain text, PNG, JPEG and e-mail (.eml).
The name only tells CSV from other text, which read the same.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
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
# Bytes Windows-1252 leaves undefined (Python's codec refuses them).
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CHUNK = 1 << 20

# Zip limits that no real Word, Excel or OpenDocument file reaches, so a zip bomb is refused
# from its directory alone. Office files hold tens of entries (a workbook of 1,000 sheets,
# some 2,000); their directories take about 100 bytes an entry. Their XML deflates 5 to 30
# times, seldom 100 (Apache POI refuses over 100:1, and that occasionally catches a real
# spreadsheet of repeated empty cells), while DEFLATE's ceiling is about 1,030:1, which only
# runs of identical bytes reach: 500:1 is absurd for anything over 1 MB. An evidence file is
# at most 25 MB, so no entry of a real one inflates past 1 GB. The ODF `mimetype` entry holds
# only the media type (some 50 bytes).
_ZIP_MAX_ENTRIES = 10_000
_ZIP_MAX_DIRECTORY = 2_000_000  # bytes; bounds the memory zipfile spends on its directory
_ZIP_MAX_ENTRY_BYTES = 1_000_000_000
_ZIP_MAX_RATIO = 500
_ZIP_RATIO_FROM = 1_000_000  # smaller entries may compress as well as they like
_ZIP_MIMETYPE_BYTES = 200
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")


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
    """Word and Excel (OOXML) and OpenDocument are zip files; anything else zipped is not.
    Only the directory and at most the first bytes of `mimetype` are read, never more."""
    try:
        if not _zip_directory_is_modest(path):
            return None
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if any(_absurd(entry) for entry in entries):
                return None
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                with archive.open("mimetype") as mimetype:
                    return _OPEN_DOCUMENT.get(mimetype.read(_ZIP_MIMETYPE_BYTES).strip())
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError, zlib.error):
        return None
    except (NotImplementedError, RuntimeError):  # an unknown compression; a password
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def _zip_directory_is_modest(path: Path) -> bool:
    """Whether the zip's own end record promises a directory small enough to read: zipfile
    reads all of it, and makes an object for each entry, before anything can be checked."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = max(0, size - (_EOCD.size + 0xFFFF + _ZIP64_LOCATOR.size))  # longest comment
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            return False
        *_, entries, directory, _, _ = _EOCD.unpack_from(tail, at)
        if entries == 0xFFFF or directory == 0xFFFFFFFF:  # Zip64: the real counts are elsewhere
            if at < _ZIP64_LOCATOR.size:
                return False
            signature, _, offset, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
            handle.seek(offset)
            record = handle.read(_ZIP64_END.size)
            if signature != b"PK\x06\x07" or len(record) < _ZIP64_END.size:
                return False
            if record[:4] != b"PK\x06\x06":
                return False
            *_, entries, directory, _ = _ZIP64_END.unpack(record)
    return entries <= _ZIP_MAX_ENTRIES and directory <= _ZIP_MAX_DIRECTORY


def _absurd(entry: zipfile.ZipInfo) -> bool:
    """An entry no office program writes: the ODF `mimetype` longer than a media type, an
    entry larger than any document holds, or one that claims to inflate like a zip bomb."""
    if entry.filename == "mimetype" and entry.file_size > _ZIP_MIMETYPE_BYTES:
        return True
    if entry.file_size > _ZIP_MAX_ENTRY_BYTES:
        return True
    ratio = entry.file_size / max(entry.compress_size, 1)
    return entry.file_size > _ZIP_RATIO_FROM and ratio > _ZIP_MAX_RATIO


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
    """UTF-8, or the Windows encoding spreadsheets export, with no binary control bytes.
    Read a chunk at a time: a 25 MB file never sits in memory whole."""
    utf8, cp1252 = codecs.getincrementaldecoder("utf-8")(), True
    utf8_so_far, empty = True, True
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            empty = False
            if _BINARY.search(chunk):
                return False
            if utf8_so_far:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_so_far = False
            cp1252 = cp1252 and not _NOT_CP1252.search(chunk)
            if not utf8_so_far and not cp1252:
                return False
    if empty:
        return False
    if utf8_so_far:
        try:
            utf8.decode(b"", final=True)  # a character cut off at the end is not UTF-8
        except UnicodeDecodeError:
            utf8_so_far = False
    return utf8_so_far or cp1252


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
