"""The attachment checks without a store: size read in chunks, type by first bytes and
extension, safe names and download headers, and the scan command's verdicts."""

from __future__ import annotations

import io
import sys
import zipfile

import pytest

from lifecase_platform.attachments import (
    DOCX,
    AcceptAll,
    AttachmentTooLarge,
    CommandScanner,
    UnsupportedAttachment,
    Upload,
    content_disposition,
    content_type_of,
    read_limited,
    safe_filename,
    scanner_from,
)
from lifecase_platform.errors import Unavailable

PDF = b"%PDF-1.7\n%%EOF\n"


class Chunks:
    """An upload that counts how much was read from it."""

    def __init__(self, data: bytes) -> None:
        self.filename: str | None = "x.pdf"
        self.file = io.BytesIO(data)
        self.read_bytes = 0

    async def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.read_bytes += len(chunk)
        return chunk


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


async def test_a_file_over_the_limit_is_refused_without_reading_the_rest() -> None:
    upload = Chunks(bytes(1024 * 1024))
    with pytest.raises(AttachmentTooLarge):
        await read_limited(upload, max_bytes=100_000)
    assert upload.read_bytes < 200_000
    assert await read_limited(Chunks(PDF), max_bytes=100) == PDF


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("A.PDF", PDF, "application/pdf"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
        ("noter.txt", "Løn 4711\n".encode(), "text/plain"),
        ("kontrakt.docx", docx(), DOCX),
    ],
)
def test_allowed_types_are_told_by_their_bytes(name: str, data: bytes, expected: str) -> None:
    assert content_type_of(name, data) == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.png", PDF),  # a PDF named a PNG
        ("a.pdf", b"MZ\x90\x00" + bytes(60)),  # a program named a PDF
        ("a.txt", b"\x00\x01binary"),
        ("a.exe", PDF),
        ("pdf", PDF),
        ("a.pdf", b""),
    ],
)
def test_other_types_and_mismatches_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(UnsupportedAttachment):
        content_type_of(name, data)


def test_names_lose_their_paths_and_downloads_name_them_safely() -> None:
    assert safe_filename("C:\\Users\\rita\\kontrakt.pdf") == "kontrakt.pdf"
    assert safe_filename("../../etc/passwd\n") == "passwd"
    assert safe_filename(None) == "attachment"
    assert len(safe_filename("x" * 500 + ".pdf")) <= 200
    assert safe_filename("x" * 500 + ".pdf").endswith(".pdf")
    assert content_disposition('løn "2027".pdf') == (
        "attachment; filename=\"l_n _2027_.pdf\"; filename*=UTF-8''l%C3%B8n%20%222027%22.pdf"
    )


async def test_the_scan_command_decides_by_its_exit_code() -> None:
    refuses_virus = (
        sys.executable,
        "-c",
        "import sys; sys.exit(1 if b'EICAR' in sys.stdin.buffer.read() else 0)",
    )
    scanner = CommandScanner(refuses_virus, timeout=20)
    assert await scanner.scan(Upload("a.txt", "text/plain", b"hello")) is True
    assert await scanner.scan(Upload("a.txt", "text/plain", b"EICAR")) is False
    assert isinstance(scanner_from(None), AcceptAll)
    assert isinstance(scanner_from(" "), AcceptAll)


async def test_a_scanner_that_is_missing_or_hangs_admits_nothing() -> None:
    with pytest.raises(Unavailable):
        await CommandScanner(("/no/such/scanner",)).scan(Upload("a.txt", "text/plain", b"x"))
    hangs = CommandScanner((sys.executable, "-c", "import time; time.sleep(30)"), timeout=0.5)
    with pytest.raises(Unavailable):
        await hangs.scan(Upload("a.txt", "text/plain", b"x"))
