"""Typed errors of the forum domain.

Every rule that refuses something raises one of these. The XBlock maps each class to
an HTTP status in exactly one place (``block.py``); the domain knows nothing of HTTP.

A message is an English sentence marked for translation with ``_`` (a no-op here, so
that the domain imports no framework); ``params`` fill its ``%(name)s`` placeholders
after the caller has translated the message.
"""


def _(text):
    """Mark ``text`` for translation; the caller translates it when it is shown."""
    return text


class ForumError(Exception):
    """Base class: ``message`` is an untranslated English template, ``params`` fill it.

    ``details`` are extra facts for the client beside the message (e.g. which prompt an
    answer error concerns), sent as they are.
    """

    def __init__(self, message, details=None, **params):
        super().__init__(message)
        self.message = message
        self.params = params
        self.details = dict(details or {})

    def render(self, gettext=None):
        """The message translated with ``gettext`` (identity when none) and filled in."""
        template = gettext(self.message) if gettext else self.message
        return template % self.params if self.params else template

    def __str__(self):
        return self.render()


class NotAllowed(ForumError):
    """The person asking may not do this (HTTP 403)."""


class NotFound(ForumError):
    """No such item, or none that this person may see (HTTP 404)."""


class WrongStage(ForumError):
    """The learner is not at the stage where this makes sense (HTTP 409)."""


class Conflict(ForumError):
    """The request contradicts the current state (HTTP 409)."""


class TooLarge(ForumError):
    """Text or a collection is over its bound; nothing is truncated (HTTP 413)."""


class Invalid(ForumError):
    """The input is malformed or breaks a rule (HTTP 400)."""
