"""Uploads are judged by their content: allowed kinds pass, renamed executables do not."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tests import samples
from tracker.plumbing import filetypes


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (samples.PDF, "letter.pdf", filetypes.PDF),
        (samples.PDF, "letter.docx", filetypes.PDF),  # the name does not decide
        (samples.PNG, "photo.png", filetypes.PNG),
        (samples.JPEG, "photo.jpeg", filetypes.JPEG),
        (samples.DOCX, "minutes.docx", filetypes.DOCX),
        (samples.XLSX, "payments.xlsx", filetypes.XLSX),
        (samples.ODT, "minutes.odt", filetypes.ODT),
        (samples.ODS, "payments.ods", filetypes.ODS),
        (samples.DOC, "old.doc", filetypes.DOC),
        (samples.XLS, "old.xls", filetypes.XLS),
        (samples.TEXT, "notes.txt", filetypes.TEXT),
        (samples.CSV, "payments.csv", filetypes.CSV),
        (samples.CSV_WINDOWS, "payments.csv", filetypes.CSV),
        (samples.EMAIL, "payment.eml", filetypes.EMAIL),
        (samples.EMAIL, "payment.txt", filetypes.EMAIL),
    ],
)
def test_allowed_kinds_are_recognised_by_content(tmp_path: Path, content, name, expected) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert filetypes.detect(path, name) == expected


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.EXECUTABLE, "evidence.pdf"),
        (samples.EXECUTABLE, "minutes.txt"),
        (samples.ELF, "report.docx"),
        (samples.PPTX, "slides.pptx"),
        (samples.PLAIN_ZIP, "bundle.zip"),
        (samples.MSG, "email.msg"),
        (samples.OLE, "broken.doc"),
        (b"PK\x03\x04 not really a zip", "x.docx"),
        (bytes(range(256)), "noise.csv"),
        (b"", "empty.txt"),
    ],
)
def test_other_content_is_refused_whatever_its_name(tmp_path: Path, content, name) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert filetypes.detect(path, name) is None


# Zip bombs and large files: inspected with bounded reads ---------------------------------------


def as_zip64(archive: bytes, entries: int | None = None) -> bytes:
    """The same archive with its directory's size and place given in Zip64 records (as some
    office software writes them); `entries` claims a different number of entries."""
    at = archive.rfind(b"PK\x05\x06")
    end = struct.Struct("<4s4H2LH")
    _, _, _, _, count, size, offset, _ = end.unpack_from(archive, at)
    count = count if entries is None else entries
    zip64_end = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    return (
        archive[:at]
        + zip64_end
        + locator
        + end.pack(b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    )


def deflated(files: dict[str, bytes]) -> bytes:
    """A zip archive of these files, compressed as office software does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def detect(tmp_path: Path, content: bytes, name: str) -> str | None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    return filetypes.detect(path, name)


def spreadsheet_xml(rows: int) -> bytes:
    """Worksheet XML much as Excel writes it: numbered rows of varied cells."""
    cells = (
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 97}</v></c><c r="B{n}"><v>{n * 7.25}</v></c>'
        f'<c r="C{n}" s="3"><v>{45000 + n % 365}</v></c></row>'
        for n in range(1, rows + 1)
    )
    return ("<worksheet><sheetData>" + "".join(cells) + "</sheetData></worksheet>").encode()


def test_a_large_real_looking_workbook_is_accepted(tmp_path: Path) -> None:
    workbook = deflated(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": spreadsheet_xml(60_000),  # some 6 MB of XML
        }
    )
    assert detect(tmp_path, workbook, "payments.xlsx") == filetypes.XLSX
    assert detect(tmp_path, as_zip64(workbook), "payments.xlsx") == filetypes.XLSX


@pytest.mark.parametrize(
    ("archive", "why"),
    [
        (
            samples.zipped({"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * 300}),
            "a mimetype entry longer than any media type",
        ),
        (
            deflated(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>" + b" " * 5_000_000,
                }
            ),
            "an entry that inflates 1,000 times",
        ),
        (
            samples.zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "xl/workbook.xml": b"<workbook/>",
                    **{f"xl/media/{n}.xml": b"" for n in range(10_001)},
                }
            ),
            "more entries than any office file",
        ),
        (as_zip64(samples.DOCX, entries=1_000_000), "a Zip64 directory claiming a million"),
    ],
)
def test_absurd_archives_are_refused_from_their_directory(tmp_path: Path, archive, why) -> None:
    assert detect(tmp_path, archive, "minutes.docx") is None, why


def test_a_zip_bomb_is_inspected_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("mimetype", "w") as entry,
    ):
        entry.write(b"application/vnd.oasis.opendocument.text")
        for _ in range(256):
            entry.write(b" " * (1 << 20))  # 256 MB of spaces, some 250 KB zipped
    tracemalloc.start()
    try:
        found = filetypes.detect(path, "bomb.odt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found is None
    assert peak < 5_000_000, f"{peak:,} bytes"


def test_text_is_read_a_chunk_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    line = "Payment of £300 made to Mrs X on 20 January. ✓\n".encode()
    path.write_bytes(line * (20_000_000 // len(line)))  # 20 MB; characters span the chunks
    tracemalloc.start()
    try:
        found = filetypes.detect(path, "notes.txt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == filetypes.TEXT
    assert peak < 8_000_000, f"{peak:,} bytes"


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b"caf\xc3\xa9\n", filetypes.TEXT),  # UTF-8 throughout
        ("café £300\n".encode("cp1252"), filetypes.TEXT),  # Windows text, found late
        (b"\x81\x8d\n", None),  # neither UTF-8 nor Windows-1252
        (b"\xe2\x81", None),  # UTF-8 cut off mid-character (and \x81 is not Windows text)
        (b"\x00", None),  # a binary byte after the first chunk
    ],
)
def test_the_whole_of_a_text_file_is_judged(tmp_path: Path, tail: bytes, expected) -> None:
    content = b"plain words\n" * 200_000 + tail  # 2.4 MB: the tail is in a later chunk
    assert detect(tmp_path, content, "notes.txt") == expected
