"""Files attached to messages: their bytes live in the JetStream object store (bucket
``lifecase-attachments``), never in a database row, so every service that may show a message
reaches the same bytes by the attachment's id (ADR 0029).

An upload is read in chunks and no further than the size limit, its type is told by its first
bytes and must match its extension, and a ``Scanner`` (the virus-scan hook) sees it before it
is stored. A filename can be personal data: it is kept with the object and the messages'
rows, and never goes into logs, subjects or URLs (the id does)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import shlex
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import quote

import filetype
from fastapi.responses import Response
from nats.js import JetStreamContext, api
from nats.js.errors import BucketNotFoundError, NotFoundError
from nats.js.object_store import ObjectStore

from lifecase_contracts.events import AttachmentRef, Localized
from lifecase_platform.errors import DomainError, Invalid, NotFound, TooLarge, Unavailable

BUCKET = "lifecase-attachments"
OBJECT_STREAM = f"OBJ_{BUCKET}"
CHUNK = 64 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
# content type -> the extensions a file of that type may have
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "text/plain": ("txt",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    ODT: ("odt",),
}
# for a file input's ``accept``
ACCEPT = ",".join(f".{ext}" for exts in ALLOWED_TYPES.values() for ext in exts)
EXTENSIONS = ", ".join(ext.upper() for exts in ALLOWED_TYPES.values() for ext in exts[:1])


class AttachmentTooLarge(TooLarge):
    type = "urn:lifecase:problem:attachment-too-large"

    def __init__(self, max_bytes: int) -> None:
        size = megabytes(max_bytes)
        super().__init__(
            Localized(
                da=f"En vedhæftet fil må højst fylde {size} MB.",
                en=f"An attached file may be at most {size} MB.",
            )
        )


class UnsupportedAttachment(DomainError):
    """The file is not of an allowed type, or its content is not what its name says."""

    status = 415
    type = "urn:lifecase:problem:unsupported-attachment"
    default = Localized(
        da=f"Filtypen er ikke tilladt, eller filens indhold passer ikke til dens navn. "
        f"Tilladt: {EXTENSIONS}.",
        en=f"The file type is not allowed, or the file's content does not match its name. "
        f"Allowed: {EXTENSIONS}.",
    )


class TooManyAttachments(Invalid):
    def __init__(self, max_files: int) -> None:
        super().__init__(
            Localized(
                da=f"Vedhæft højst {max_files} filer til en besked.",
                en=f"Attach at most {max_files} files to a message.",
            ),
            errors=[],
        )


class AttachmentRefused(Invalid):
    """The scanner refused the file (a virus, or what it takes for one)."""

    type = "urn:lifecase:problem:attachment-refused"
    default = Localized(
        da="En vedhæftet fil blev afvist af virusscanningen.",
        en="An attached file was refused by the virus scan.",
    )


SCANNER_DOWN = Localized(
    da="Virusscanningen svarer ikke lige nu. Prøv igen om lidt.",
    en="The virus scan does not answer right now. Try again shortly.",
)


def megabytes(size: int) -> str:
    """``size`` in MB (MiB) for people: "10", "0.5"."""
    return f"{size / 1024 / 1024:g}"


# --- what was received ------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as received and checked: a safe filename, its type, its bytes."""

    filename: str
    content_type: str
    data: bytes


class Readable(Protocol):
    """An uploaded file (Starlette's ``UploadFile``)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


async def read_limited(file: Readable, *, max_bytes: int) -> bytes:
    """The file's bytes, read in chunks; a file over ``max_bytes`` is refused as soon as the
    limit is passed (``AttachmentTooLarge``), without reading the rest."""
    data = bytearray()
    while chunk := await file.read(CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise AttachmentTooLarge(max_bytes)
    return bytes(data)


def safe_filename(name: str | None) -> str:
    """The file's own name without any path, control characters or over-long tail."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable()).strip()
    if len(cleaned) > 200:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 190 - len(ext)]}{dot}{ext}" if dot and len(ext) <= 8 else cleaned[:200]
    return cleaned or "attachment"


def content_type_of(filename: str, data: bytes) -> str:
    """The file's type, told by its first bytes, which its extension must match; anything
    else is ``UnsupportedAttachment``. Plain text has no signature: a ``.txt`` file is text
    when it is UTF-8 without NUL characters."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    guessed: str | None = filetype.guess_mime(data[:8192]) if data else None
    if guessed is None and ext == "txt" and _is_text(data):
        guessed = "text/plain"
    if guessed not in ALLOWED_TYPES or ext not in ALLOWED_TYPES[guessed]:
        raise UnsupportedAttachment()
    return str(guessed)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def receive(
    files: Sequence[Readable], *, max_bytes: int, max_files: int, scanner: Scanner
) -> list[Upload]:
    """Read and check each file: size, type, the scan. Any failure refuses them all."""
    if len(files) > max_files:
        raise TooManyAttachments(max_files)
    uploads = []
    for file in files:
        filename = safe_filename(file.filename)
        data = await read_limited(file, max_bytes=max_bytes)
        upload = Upload(filename, content_type_of(filename, data), data)
        if not await scanner.scan(upload):
            raise AttachmentRefused()
        uploads.append(upload)
    return uploads


# --- the virus-scan hook ----------------------------------------------------------------------


class Scanner(Protocol):
    """Looks at a file before it is stored: True lets it in."""

    async def scan(self, upload: Upload) -> bool: ...


class AcceptAll:
    """No scanner configured: the type check alone decides."""

    async def scan(self, upload: Upload) -> bool:
        return True


@dataclass(frozen=True)
class CommandScanner:
    """Runs ``command`` (``clamdscan --no-summary -``) with the file on stdin: exit 0 lets it
    in, any other exit refuses it. A scanner that cannot be started or does not answer within
    ``timeout`` refuses nothing and admits nothing: the upload fails with 503."""

    command: Sequence[str]
    timeout: float = 30.0

    async def scan(self, upload: Upload) -> bool:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except OSError as error:
            raise Unavailable(SCANNER_DOWN) from error
        try:
            await asyncio.wait_for(process.communicate(upload.data), self.timeout)
        except TimeoutError as error:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise Unavailable(SCANNER_DOWN) from error
        return process.returncode == 0


def scanner_from(command: str | None, *, timeout: float = 30.0) -> Scanner:
    """The scanner a setting names (a command line), or ``AcceptAll`` without one."""
    if not command or not command.strip():
        return AcceptAll()
    return CommandScanner(tuple(shlex.split(command)), timeout)


# --- the store --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAttachment:
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def ref(self) -> AttachmentRef:
        return AttachmentRef(
            id=self.id, filename=self.filename, content_type=self.content_type, size=self.size
        )


class AttachmentStore:
    """Attachments by id in the JetStream object store. Deleting removes the bytes and the
    object's metadata (its filename too), and deleting what is gone is no error."""

    def __init__(self, js: JetStreamContext, objects: ObjectStore) -> None:
        self.js = js
        self.objects = objects

    @classmethod
    async def open(cls, js: JetStreamContext, *, replicas: int = 1) -> AttachmentStore:
        """The store, its bucket created if it does not exist yet (at a service's start)."""
        try:
            objects = await js.object_store(BUCKET)
        except BucketNotFoundError:
            objects = await js.create_object_store(
                BUCKET,
                api.ObjectStoreConfig(
                    description="lifecase: files attached to messages",
                    storage=api.StorageType.FILE,
                    replicas=replicas,
                ),
            )
        return cls(js, objects)

    async def put(self, upload: Upload) -> StoredAttachment:
        stored = StoredAttachment(
            id=str(uuid.uuid4()),
            filename=upload.filename,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
        )
        description = {
            "filename": stored.filename,
            "content_type": stored.content_type,
            "sha256": stored.sha256,
        }
        await self.objects.put(
            stored.id,
            upload.data,
            meta=api.ObjectMeta(name=stored.id, description=json.dumps(description)),
        )
        return stored

    async def put_all(self, uploads: Sequence[Upload]) -> list[StoredAttachment]:
        """Store every upload, or none: a failure deletes those already stored."""
        stored: list[StoredAttachment] = []
        try:
            for upload in uploads:
                stored.append(await self.put(upload))
        except BaseException:
            await self.delete_all([s.id for s in stored])
            raise
        return stored

    async def get(self, attachment_id: str) -> tuple[StoredAttachment, bytes]:
        """The attachment and its bytes; ``NotFound`` if there is none by that id."""
        try:
            result = await self.objects.get(attachment_id)
        except NotFoundError as error:
            raise NotFound(Localized(da="den vedhæftede fil", en="attachment")) from error
        described = json.loads(result.info.description or "{}")
        data = result.data or b""
        return (
            StoredAttachment(
                id=attachment_id,
                filename=str(described.get("filename", "attachment")),
                content_type=str(described.get("content_type", "application/octet-stream")),
                size=len(data),
                sha256=str(described.get("sha256", "")),
            ),
            data,
        )

    async def delete(self, attachment_id: str) -> bool:
        """Remove the bytes and the metadata; False if there was nothing to remove."""
        try:
            await self.objects.delete(attachment_id)
        except NotFoundError:
            return False
        finally:
            # The delete leaves a tombstone with the metadata (the filename): purge it too.
            await self.js.purge_stream(OBJECT_STREAM, subject=_meta_subject(attachment_id))
        return True

    async def delete_all(self, attachment_ids: Sequence[str]) -> int:
        return sum([await self.delete(i) for i in attachment_ids])


def _meta_subject(attachment_id: str) -> str:
    encoded = base64.urlsafe_b64encode(attachment_id.encode()).decode()
    return f"$O.{BUCKET}.M.{encoded}"


# --- downloads --------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one (RFC 6266/5987)."""
    fallback = "".join(c if c.isascii() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(stored: StoredAttachment, data: bytes, *, filename: str | None = None) -> Response:
    """The attachment as a download: never shown inline, never sniffed into another type."""
    return Response(
        content=data,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": content_disposition(filename or stored.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
