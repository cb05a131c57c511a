"""Foorumi's strings in the request's language, whatever the platform's i18n service does.

The LMS's ``XBlockI18nService`` delegates every attribute to one translator object. Under
Tutor it may be the platform's own catalog only (when an atlas folder
``conf/plugins-locale/xblock.v1/<module>`` exists, even an empty one), which knows none of
Foorumi's strings; elsewhere it is a ``GNUTranslations`` of the block's own catalog. Neither
offers ``get_language``. So:

- the language is Django's active language (the LMS activates the learner's);
- a string the service leaves untranslated is looked up in Foorumi's own catalog
  (``translations/<locale>/LC_MESSAGES/text.mo``); the service wins where it has one, so a
  site's own translations (atlas, ``openedx-translations``) override Foorumi's.
"""
import contextlib
import copy
import functools
import gettext as _gettext
import os

from django.utils import translation

LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")
DOMAIN = "text"


def language():
    """The request's language code (``fi``, ``en``...): Django's active language."""
    return translation.get_language() or "en"


@functools.lru_cache(maxsize=16)
def own_catalog(language_code):
    """Foorumi's catalog for a language (a ``NullTranslations`` when it has none)."""
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[translation.to_locale(language_code)], fallback=True)


class Translator:
    """``gettext``/``ngettext`` over the platform's i18n service, then Foorumi's catalog."""

    def __init__(self, service):
        self.service = service
        self.language = language()
        self.own = own_catalog(self.language)

    def gettext(self, message):
        """``message`` in the request's language."""
        translated = self.service.gettext(message) if self.service is not None else message
        return self.own.gettext(message) if translated == message else translated

    def ngettext(self, singular, plural, count):
        """The singular or plural form for ``count`` in the request's language."""
        english = singular if count == 1 else plural
        translated = self.service.ngettext(singular, plural, count) if self.service is not None else english
        return self.own.ngettext(singular, plural, count) if translated == english else translated

    def for_templates(self):
        """A translations object for ``{% trans %}`` (XBlock's template tags merge its
        ``_catalog`` into Django's): Foorumi's catalog with the service's entries on top."""
        merged = copy.copy(self.own)
        catalog = dict(getattr(self.own, "_catalog", {}) or {})
        with contextlib.suppress(AttributeError, TypeError, ValueError):  # a service without a plain catalog
            catalog.update(getattr(self.service, "_catalog", None) or {})
        if not catalog:
            return None
        merged._catalog = catalog
        if not hasattr(merged, "plural"):
            merged.plural = lambda n: int(n != 1)
        if not hasattr(merged, "_info"):
            merged._info = {}
        return merged
