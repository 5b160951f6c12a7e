"""Reporter-typed text in e-mails: shown as text, never as a link.

Our e-mails are plain text only (no HTML part, so nothing is ever urlized), but mail clients turn anything that
looks like an address into a link by themselves: "http://…", "www.…", "bank.example" or "x@bank.example".
A description typed by anyone would then arrive as a clickable link in a mail signed by the city, which is a
phishing vector. `defang` breaks such text the way security reports do ("https[:]//bank[.]example/login"): still
readable, no longer a link. Only text typed by reporters passes through it; our own links (tracking page,
survey) and staff-written answers are left as they are.

What it costs: any word.word with a final part of two letters or more gets brackets, so a sentence typed without
a space after its full stop ("kapot.Graag") reads "kapot[.]Graag" in the e-mail. The stored report is untouched.
"""

from __future__ import annotations

import re

# "scheme://" (http, https, ftp, javascript:// ...) and the bare schemes clients also link.
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{1,20}):(//)", re.IGNORECASE)
_BARE_SCHEME = re.compile(r"\b(mailto|tel|sms|javascript|data|file):", re.IGNORECASE)
# A host name: labels of letters/digits (any script: look-alike letters too) joined by dots, ending in a
# label of two or more letters; or a dotted IPv4 address.
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,63}\b|\b\d{1,3}(?:\.\d{1,3}){3}\b")


def defang(text: str) -> str:
    """`text` with every URL, host name and e-mail address broken so that no mail client links it."""
    if not text:
        return ""
    text = _SCHEME.sub(r"\1[:]\2", text)
    text = _BARE_SCHEME.sub(r"\1[:]", text)
    return _HOST.sub(lambda m: m.group(0).replace(".", "[.]"), text)
