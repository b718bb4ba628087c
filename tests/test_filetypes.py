"""Uploads are judged by their content: allowed kinds pass, renamed executables do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import samples
from tracker import filetypes


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
