"""Call documents linked from an article page: find them, and read their text.

Funding calls often state the deadline, budget and eligibility only in a linked document
("Utlysningstext", "Call text", "Guide for applicants", "Terms of reference"). Such a document
is stored as a page of its own with `parent_url` set to the article that links to it; detect
lets its facts complete the article's call. Text comes from pypdf (PDF) and python-docx (DOCX).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import TextResponse

MAX_DOCUMENTS_PER_PAGE = 5
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a call text is a few hundred kB; a 100 MB annex is not read
MAX_PDF_PAGES = 60

DOCUMENT_EXTENSIONS = {".pdf": "pdf", ".docx": "docx"}
# Link texts that name a call document, in Swedish and English.
CALL_DOCUMENT_TEXTS = re.compile(
    r"utlysningstext|utlysningen\s+(som\s+)?pdf|anvisningar|villkor|call\s+(text|document)|guide\s+for\s+applicants"
    r"|terms\s+of\s+reference|work\s+programme|call\s+for\s+proposals|programme\s+guide", re.I)


class DocumentError(Exception):
    """A document whose text cannot be read (corrupt, encrypted, not what it claims to be)."""


@dataclass(frozen=True)
class DocumentText:
    title: str | None
    text: str


def document_links(response: TextResponse, limit: int = MAX_DOCUMENTS_PER_PAGE) -> list[str]:
    """PDF and DOCX links of an article page (by extension, or by a call-document link text)."""
    found: list[str] = []
    for link in response.css("a[href]"):
        url = response.urljoin(link.attrib["href"].strip()).split("#")[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = " ".join(link.css("::text").getall())
        if document_type(url) or (CALL_DOCUMENT_TEXTS.search(text) and re.search(r"\.(pdf|docx)\b", url, re.I)):
            found.append(url)
    return list(dict.fromkeys(found))[:limit]


def document_type(url: str, content_type: str = "") -> str | None:
    """"pdf", "docx" or None, from the Content-Type or else the URL's extension."""
    content_type = content_type.lower()
    if "pdf" in content_type:
        return "pdf"
    if "wordprocessingml" in content_type:
        return "docx"
    path = urlsplit(url).path.lower()
    return next((kind for ext, kind in DOCUMENT_EXTENSIONS.items() if path.endswith(ext)), None)


def read_document(body: bytes, url: str, content_type: str = "") -> DocumentText:
    """The title and text of a PDF or DOCX; `DocumentError` with a plain reason otherwise."""
    kind = document_type(url, content_type)
    if body[:5] == b"%PDF-":
        kind = "pdf"
    elif body[:2] == b"PK" and kind != "pdf":
        kind = "docx"
    if kind == "pdf":
        return _read_pdf(body)
    if kind == "docx":
        return _read_docx(body)
    raise DocumentError(f"not a PDF or DOCX document ({content_type or 'no content type'})")


def _read_pdf(body: bytes) -> DocumentText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

    if not body.startswith(b"%PDF-"):
        raise DocumentError("corrupt PDF: no PDF header")
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            # Many PDFs are encrypted only against editing, with an empty password to read them.
            if not reader.decrypt(""):
                raise DocumentError("encrypted PDF: a password is needed to read it")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
        title = (reader.metadata.title if reader.metadata else None) or None
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise DocumentError(f"encrypted PDF: {exc}") from None
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        # pypdf raises several types on a damaged file; they all mean one thing to the user.
        raise DocumentError(f"corrupt PDF: {exc}") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise DocumentError("PDF without text (a scan?)")
    return DocumentText(str(title).strip() or None if title else None, text)


def _read_docx(body: bytes) -> DocumentText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"corrupt DOCX: {exc}") from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text for cell in row.cells))
    text = "\n\n".join(b.strip() for b in blocks if b.strip())
    if not text:
        raise DocumentError("DOCX without text")
    return DocumentText(document.core_properties.title or None, text)
