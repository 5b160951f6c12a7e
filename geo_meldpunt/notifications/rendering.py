"""Turning an e-mail template and a context into subject and body, in the recipient's language.

Templates are looked up in this order, so a reader always gets the best text there is:
1. the admin's row for (key, language);
2. the shipped default for (key, language) (`defaults/<language>/<key>.txt`);
3. the admin's Dutch row, then the shipped Dutch default (Dutch is the city's language; every key has one).

Rendering uses an engine with autoescape off: the output is a text/plain e-mail, where HTML escaping would show
"&amp;" to the reader. Reporter-typed values are defanged by the caller (text.py) before they reach a context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, Template
from django.utils import translation

from geo_meldpunt.core.refdata import VersionedCache

from .models import EmailTemplate, TemplateKey

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
FALLBACK_LANGUAGE = "nl"

# One engine for e-mails: no HTML escaping, the default tags and filters (date, default, pluralize, ...).
_ENGINE = Engine(autoescape=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    language: str


@lru_cache(maxsize=128)
def shipped_default(key: str, language: str) -> tuple[str, str] | None:
    """(subject, body) of the shipped default, or None. File format: the subject line, a blank line, the body."""
    path = DEFAULTS_DIR / language / f"{key}.txt"
    if not path.is_file():
        return None
    subject, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
    return subject.strip(), body


def _templates_load() -> dict[tuple[str, str], tuple[str, str]]:
    return {(row.key, row.language): (row.subject, row.body) for row in EmailTemplate.objects.all()}


# Every admin row, per process, for report_create only (core/refdata.py: its creating statement checks the version,
# so a template edited in the admin is used by the very next report). A few dozen short rows.
TEMPLATES: VersionedCache[dict[tuple[str, str], tuple[str, str]]] = VersionedCache(_templates_load)


def _source(key: str, language: str, *, cached: bool = False) -> tuple[str, str, str]:
    """(subject, body, language) of the template to use (see the module docstring for the order)."""
    if cached:
        every = TEMPLATES.get()
        rows = {lang: every[(key, lang)] for lang in (language, FALLBACK_LANGUAGE) if (key, lang) in every}
    else:
        rows = {
            row.language: (row.subject, row.body)
            for row in EmailTemplate.objects.filter(key=key, language__in={language, FALLBACK_LANGUAGE})
        }
    for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        found = rows.get(lang) or shipped_default(key, lang)
        if found:
            return found[0], found[1], lang
    raise LookupError(f"no e-mail template for {key!r}")


def render_email(*, key: str, language: str, context: dict, cached: bool = False) -> RenderedEmail:
    """Subject and plain-text body of e-mail `key` for a reader of `language`.

    Dates and numbers are formatted in the language the text is written in (month names, decimal comma).
    `cached`: take the admin's rows from the process's TEMPLATES, for a caller whose write checks the reference
    data version (report_create); any other caller reads them from the database.
    """
    if key not in TemplateKey.values:
        raise ValueError(f"unknown e-mail template {key!r}")
    if language not in dict(settings.LANGUAGES):
        language = FALLBACK_LANGUAGE
    subject_src, body_src, used = _source(key, language, cached=cached)
    with translation.override(used):
        ctx = Context(context, autoescape=False)
        subject = _compiled(subject_src).render(ctx)
        body = _compiled(body_src).render(ctx)
    return RenderedEmail(subject=_one_line(subject), body=_tidy(body), language=used)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A template compiled once per process and source text (a Template renders any number of contexts)."""
    return Template(source, engine=_ENGINE)


def template_check(source: str) -> None:
    """Raise django.template.TemplateSyntaxError if `source` is not a valid e-mail template (admin form)."""
    Template(source, engine=_ENGINE)


def _one_line(subject: str) -> str:
    # A header holds one line; a name typed with a line break must not become a second header.
    return " ".join(subject.split())[:300]


def _tidy(body: str) -> str:
    # Template tags on lines of their own leave blank lines and trailing spaces behind.
    lines = [line.rstrip() for line in body.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
