"""Small files of each kind, built in memory, for the evidence tests."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32) + b"\xff\xd9"
TEXT = b"Minutes of the meeting on 3 April 2024.\nLearning was shared with all staff.\n"
CSV = b"date,amount,paid to\n2025-01-20,300.00,Mrs X\n"
CSV_WINDOWS = "date,amount\n2025-01-20,£300\n".encode("cp1252")
EMAIL = (
    b"From: officer@council.example\r\nTo: caseworker@lgo.example\r\n"
    b"Subject: Payment made\r\nDate: Mon, 20 Jan 2025 10:00:00 +0000\r\n"
    b"Message-ID: <1@council.example>\r\n\r\nWe paid Mrs X today.\r\n"
)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
ELF = b"\x7fELF\x02\x01\x01" + bytes(100)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zipped(files: dict[str, bytes]) -> bytes:
    """A zip archive holding these files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = zipped({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
PLAIN_ZIP = zipped({"report.pdf": PDF})
DOC = OLE + bytes(500) + "WordDocument".encode("utf-16-le") + bytes(100)
XLS = OLE + bytes(500) + "Workbook".encode("utf-16-le") + bytes(100)
MSG = OLE + bytes(500) + "__substg1.0_0037001F".encode("utf-16-le") + bytes(100)
