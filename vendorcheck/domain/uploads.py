"""Evidence uploads: an allow-list checked by the file's content, not its name."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

EXTENSIONS = {
    "pdf": {".pdf"},
    "image": {".png", ".jpg", ".jpeg", ".gif", ".webp"},
    "office": {".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt"},
}
KIND_LABELS = {
    "pdf": "PDF",
    "image": "画像（PNG・JPEG・GIF・WebP）",
    "office": "Office 文書（Word・Excel・PowerPoint）",
}
ALLOWED_DESCRIPTION = "PDF、画像（PNG・JPEG・GIF・WebP）、Office 文書（Word・Excel・PowerPoint）"

# The content types of the files vendorcheck reads and writes, named once.
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_OOXML_TYPES = {
    "word/": (DOCX_TYPE, ".docx"),
    "xl/": (XLSX_TYPE, ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
_OLE_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa",
    b"#!",
)
# An Office file is a zip: refuse ones whose directory declares more than this once unpacked,
# or more members than any real document has (a zip bomb), read without unpacking anything.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 5000
_MB = 1024 * 1024
_MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<script)", re.IGNORECASE)


class UploadRejected(ValueError):
    """The file is not accepted; the message (Japanese) says why."""


@dataclass(frozen=True)
class EvidenceQuota:
    """How much evidence one subject and one owner may hold (live files only). The subject is a
    question (the portal, a self-check), a report or an item (the contract); the owner is an
    assessment, a use application, a register entry's retirement or a contract."""

    files_per_question: int = 10
    bytes_per_question: int = 50 * _MB
    files_per_assessment: int = 200
    bytes_per_assessment: int = 200 * _MB


DEFAULT_QUOTA = EvidenceQuota()


@dataclass(frozen=True)
class QuotaWords:
    """How the messages name the subject and the owner (この質問 / この回答全体, …)."""

    subject: str = "この質問"
    owner: str = "この回答全体"


ANSWER_WORDS = QuotaWords()


@dataclass(frozen=True)
class StoredEvidence:
    """What an owner already holds: per subject and in all (files, bytes)."""

    by_question: dict[str, tuple[int, int]]
    files: int
    size: int


def quota_problem(
    quota: EvidenceQuota,
    stored: StoredEvidence,
    question_id: str,
    size: int,
    words: QuotaWords = ANSWER_WORDS,
) -> str | None:
    """Why one more file of size bytes on the subject would pass the quota, or None."""
    files, total = stored.by_question.get(question_id, (0, 0))
    remove_first = "不要なファイルを削除してから添付してください。"
    if files + 1 > quota.files_per_question:
        return f"{words.subject}に添付できるファイルは{quota.files_per_question}件までです。{remove_first}"
    if total + size > quota.bytes_per_question:
        return f"{words.subject}に添付できるファイルの合計は{_megabytes(quota.bytes_per_question)}までです。"
    if stored.files + 1 > quota.files_per_assessment:
        return f"{words.owner}で添付できるファイルは{quota.files_per_assessment}件までです。{remove_first}"
    if stored.size + size > quota.bytes_per_assessment:
        return f"{words.owner}で添付できるファイルの合計は{_megabytes(quota.bytes_per_assessment)}までです。"
    return None


def with_file(stored: StoredEvidence, question_id: str, size: int) -> StoredEvidence:
    """The holdings after one more file, to check the next file of the same save."""
    files, total = stored.by_question.get(question_id, (0, 0))
    by_question = {**stored.by_question, question_id: (files + 1, total + size)}
    return StoredEvidence(by_question, stored.files + 1, stored.size + size)


def _megabytes(size: int) -> str:
    return f"{size / _MB:g} MB" if size >= _MB else f"{size:,} バイト"


@dataclass(frozen=True)
class AcceptedFile:
    filename: str
    kind: str  # pdf, image, office
    content_type: str


def safe_filename(raw: str) -> str:
    """Keep the visible name (Japanese included) without paths, control characters or quotes."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>:|?*')
    name = name.strip().lstrip(".") or "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def _extension(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _office_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadRejected(
            "ZIP 形式のファイルは受け付けていません（Office 文書として読めませんでした）。"
        ) from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UploadRejected(
            "含まれるファイルが多すぎるため、この Office 文書は受け付けられません。PDF にしてください。"
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UploadRejected(
            f"展開後のサイズが大きすぎる（{MAX_UNPACKED_BYTES // _MB} MB 超）ため、この Office 文書は受け付けられません。PDF にしてください。"
        )
    names = [member.filename for member in members]
    if "[Content_Types].xml" not in names:
        raise UploadRejected(
            "ZIP 形式のファイルは受け付けていません。Office 文書か PDF にしてください。"
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRejected(
            "マクロを含む Office 文書は受け付けていません。マクロなしの形式（.docx・.xlsx・.pptx）で保存し直してください。"
        )
    for prefix, (content_type, extension) in _OOXML_TYPES.items():
        if any(name.startswith(prefix) for name in names):
            return content_type, extension
    raise UploadRejected("この形式の Office 文書は受け付けていません。")


def check_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    accept: tuple[str, ...] = ("pdf", "image", "office"),
) -> AcceptedFile:
    """Accept the file or raise UploadRejected with the reason, in Japanese."""
    name = safe_filename(filename)
    if not data:
        raise UploadRejected("ファイルが空です。内容のあるファイルを選んでください。")
    if len(data) > max_bytes:
        raise UploadRejected(
            f"ファイルが大きすぎます（上限 {max_bytes // (1024 * 1024)} MB）。ページ数を減らすか圧縮してください。"
        )
    head = data[:512]
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadRejected("実行ファイルやスクリプトは受け付けていません。")
    if _MARKUP.match(head):
        raise UploadRejected("HTML・SVG・XML のファイルは受け付けていません。PDF にしてください。")
    extension = _extension(name)
    if data.startswith(b"%PDF-"):
        kind, content_type, expected = "pdf", "application/pdf", EXTENSIONS["pdf"]
    elif (image := _image_type(data)) is not None:
        kind, content_type, expected = "image", image, EXTENSIONS["image"]
    elif data.startswith(b"PK\x03\x04"):
        content_type, office_ext = _office_zip(data)
        kind, expected = "office", {office_ext}
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if extension not in _OLE_TYPES:
            raise UploadRejected("ファイルの内容と拡張子が一致しません。")
        kind, content_type, expected = "office", _OLE_TYPES[extension], {extension}
    else:
        raise UploadRejected(
            f"この種類のファイルは受け付けていません。受け付けるのは {ALLOWED_DESCRIPTION} です。"
        )
    if extension not in expected:
        raise UploadRejected(
            f"ファイルの内容（{KIND_LABELS[kind]}）と拡張子「{extension or 'なし'}」が一致しません。正しい拡張子で保存し直してください。"
        )
    if kind not in accept:
        allowed = "、".join(KIND_LABELS[k] for k in accept)
        raise UploadRejected(f"この質問で受け付けるファイルは {allowed} です。")
    return AcceptedFile(name, kind, content_type)


def stored_file_columns(accepted: AcceptedFile, data: bytes) -> dict[str, object]:
    """The columns every table of stored files shares (name, type, kind, size, hash, bytes)."""
    return {
        "filename": accepted.filename,
        "content_type": accepted.content_type,
        "file_kind": accepted.kind,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
    }
