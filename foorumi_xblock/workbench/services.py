"""Workbench stand-ins for the LMS's ``user`` and ``i18n`` services.

The workbench's own user service knows nothing of staff or anonymous ids. Here ids that
start with ``staff`` are course staff, and every id has a display name and a stable
anonymous id, as the LMS gives one per user and course.
"""
import hashlib
import warnings
from types import SimpleNamespace

from xblock.reference.user_service import UserService, XBlockUser

STAFF_PREFIX = "staff"
#: The workbench's no-auth handler route (``/unauth_handler/``) runs as this user id: it
#: stands for a request without a logged-in user, as the LMS's no-auth route does.
ANONYMOUS_ID = "none"


def is_staff_id(user_id):
    """Workbench rule: a user id starting with ``staff`` is course staff."""
    return str(user_id or "").startswith(STAFF_PREFIX)


def display_name_for(user_id):
    """A readable name for a workbench id: ``anna_k`` becomes ``Anna K``."""
    words = str(user_id or "anonymous").replace("_", " ").replace("-", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Anonymous"


def anonymous_id_for(user_id):
    """A stable anonymous id, as the LMS gives one per user and course."""
    return hashlib.sha256(f"foorumi-workbench:{user_id}".encode()).hexdigest()[:32]


#: Anonymous id -> workbench user id, for ``get_user_by_anonymous_id``.
_KNOWN_USERS = {}


class WorkbenchUserService(UserService):
    """The current workbench user, with the ``edx-platform.*`` attributes the LMS provides.

    The workbench instantiates configured services without arguments and then sets
    ``runtime``; the user id is read from the runtime when asked.
    """

    runtime = None

    def __init__(self, user_id=None, **kwargs):
        super().__init__(**kwargs)
        self._user_id = user_id

    def get_current_user(self):
        uid = self._user_id
        if uid is None:
            with warnings.catch_warnings():  # the workbench runtime still carries the user id itself
                warnings.simplefilter("ignore")
                uid = getattr(self.runtime, "user_id", None)
        if uid is not None:
            _KNOWN_USERS[anonymous_id_for(uid)] = str(uid)
        user = XBlockUser(
            is_current_user=True,
            emails=[f"{uid}@example.com"],
            full_name=display_name_for(uid),
        )
        user.opt_attrs.update({
            "xblock-workbench.user_id": uid,
            "edx-platform.user_id": uid,
            "edx-platform.username": uid,
            "edx-platform.anonymous_user_id": anonymous_id_for(uid),
            "edx-platform.user_is_staff": is_staff_id(uid),
            "edx-platform.user_role": "staff" if is_staff_id(uid) else "student",
            "edx-platform.is_authenticated": uid is not None and str(uid) != ANONYMOUS_ID,
        })
        return user


    def get_user_by_anonymous_id(self, uid=None):
        """The user (with ``username``) behind an anonymous id, as the LMS's service gives.

        The workbench has no table of users: ids seen by this process are remembered, and
        otherwise the workbench's state table names everyone who ever had state.
        """
        if uid is None:
            return SimpleNamespace(username=str(self.get_current_user().opt_attrs["edx-platform.username"]))
        if uid not in _KNOWN_USERS:
            from workbench.models import XBlockState

            for user_id in XBlockState.objects.exclude(user_id=None).values_list("user_id", flat=True).distinct():
                _KNOWN_USERS.setdefault(anonymous_id_for(user_id), str(user_id))
        username = _KNOWN_USERS.get(uid)
        return SimpleNamespace(username=username) if username else None


class WorkbenchI18nService:
    """The LMS's ``XBlockI18nService``, as the workbench's i18n service.

    Like the LMS, it reads the block package's own ``translations/<lang>/LC_MESSAGES/text.mo``
    in the request's language (Django's active language, set by ``LocaleMiddleware``), so
    the workbench exercises the catalogs exactly as an LMS would.
    """

    runtime = None
    domain = "text"
    _cache = {}

    def _translator(self):
        import gettext
        import os

        from django.utils import translation

        language = translation.to_locale(translation.get_language() or "en")
        if language not in self._cache:
            localedir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations")
            self._cache[language] = gettext.translation(self.domain, localedir=localedir, languages=[language], fallback=True)
        return self._cache[language]

    def get_language(self):
        """The request's language code, e.g. ``fi``."""
        from django.utils import translation

        return translation.get_language() or "en"

    def __getattr__(self, name):
        return getattr(self._translator(), name)
