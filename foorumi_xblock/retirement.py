"""Learners as the platform knows them: usernames for staff, and user retirement.

Usernames: staff tools show them through the LMS's user-id table in one query where it
can be imported, else through the user service's ``get_user_by_anonymous_id`` one by one.

Retirement: a retired learner's names and texts are blanked in every forum.

``store.retire_user`` does the work for anonymous user ids; this module finds those ids
for a platform user and connects to the LMS's retirement signal (``USER_RETIRE_LMS_MISC``)
when the platform is there to import it. Anywhere else, the management command
``foorumi_retire_user <anonymous id>...`` does the same.
"""
import logging

log = logging.getLogger(__name__)


def anonymous_ids_of(user):
    """Every course-specific anonymous id the LMS ever gave ``user`` (empty outside it)."""
    try:
        from common.djangoapps.student.models import AnonymousUserId
    except ImportError:
        return []
    return list(AnonymousUserId.objects.filter(user=user).values_list("anonymous_user_id", flat=True))


def usernames_by_anonymous_id(user_service, anonymous_ids):
    """``{anonymous id: username}`` for those the platform knows (others are left out)."""
    anonymous_ids = [a for a in set(anonymous_ids) if a]
    try:
        from common.djangoapps.student.models import AnonymousUserId
    except ImportError:
        AnonymousUserId = None  # outside the LMS
    if AnonymousUserId is not None:
        rows = AnonymousUserId.objects.filter(anonymous_user_id__in=anonymous_ids).select_related("user")
        return {row.anonymous_user_id: row.user.username for row in rows}
    lookup = getattr(user_service, "get_user_by_anonymous_id", None)
    if not callable(lookup):
        return {}
    found = {}
    for anonymous_id in anonymous_ids:
        username = getattr(lookup(anonymous_id), "username", None)
        if username:
            found[anonymous_id] = username
    return found


def retire_platform_user(sender, user=None, **kwargs):
    """Receiver of the LMS's ``USER_RETIRE_LMS_MISC``: blank this user's names and texts."""
    from . import store

    if user is None:
        return
    counts = store.retire_user(anonymous_ids_of(user))
    log.info("Foorumi retired user %s: %s", getattr(user, "id", "?"), counts)


def connect_lms_signal():
    """Connect the receiver where the LMS's retirement signal can be imported; True if so."""
    try:
        from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC
    except ImportError:
        return False
    USER_RETIRE_LMS_MISC.connect(retire_platform_user, dispatch_uid="foorumi_retire_user")
    return True
