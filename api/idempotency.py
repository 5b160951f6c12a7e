"""The `Idempotency-Key` header of POST /api/v1/reports/: its syntax and what "the same request" means."""

from __future__ import annotations

import hashlib
import json
import re

from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError

HEADER = "Idempotency-Key"
# A UUID fits; so do other clients' schemes (ULIDs, "device:counter").
KEY_PATTERN = re.compile(r"[A-Za-z0-9_:.\-]{8,100}")
# Not part of what the reporter sent: the CSRF token of a page changes between a phone's attempts.
IGNORED_FIELDS = frozenset({"csrfmiddlewaretoken"})


def idempotency_key_from(request) -> str | None:
    """The request's key, None without the header; a malformed key is a field error, not silently ignored."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not KEY_PATTERN.fullmatch(key):
        raise ApplicationError(
            _("An idempotency key has 8 to 100 letters, digits, “-”, “_”, “:” or “.”."),
            field="idempotency_key",
        )
    return key


def request_fingerprint(data) -> str:
    """sha256 over the request's fields and the contents of its files, in a fixed order.

    Parsed data, not raw bytes: a resent multipart form has a new boundary but the same fields and photos. Files
    are read in chunks and rewound, so the serializer reads them afterwards as if untouched.
    """
    digest = hashlib.sha256()
    for name in sorted(data.keys()):
        if name in IGNORED_FIELDS:
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        digest.update(json.dumps(name).encode())
        for value in values:
            if hasattr(value, "chunks"):
                file_digest = hashlib.sha256()
                for chunk in value.chunks():
                    file_digest.update(chunk)
                value.seek(0)
                digest.update(b"file:" + file_digest.hexdigest().encode())
            else:
                digest.update(b"value:" + json.dumps(value, sort_keys=True, default=str).encode())
    return digest.hexdigest()
