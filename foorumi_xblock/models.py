"""Foorumi's tables: the forum's shared records, in the LMS database.

Only ``store/`` imports these models; everything else gets plain data from it. Times are
epoch seconds (floats), as the domain (``forum/``) counts them. Learners are keyed by the
course-specific anonymous user id from the user service, never by username. Why these
tables exist at all: ``docs/decisions/0001-own-tables.md``.
"""
from django.db import models


class GroupSet(models.Model):
    """Groups that may outlive one forum: the forums of a course with the same ``set_id``.

    A forum with no group set has one of its own (``set_id`` starts with ``@``).

    .. no_pii:
    """

    course_key = models.CharField(max_length=255)
    set_id = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_key", "set_id"], name="foorumi_groupset_unique")]


class Forum(models.Model):
    """One Foorumi block (usage key). Its row is the lock for decisions that span the forum.

    .. no_pii:
    """

    usage_key = models.CharField(max_length=255, unique=True)
    course_key = models.CharField(max_length=255)
    group_set = models.ForeignKey(GroupSet, on_delete=models.PROTECT, related_name="forums")
    created_at = models.FloatField()
    # What a later forum of the set shows of this one as an earlier session, kept current
    # by the block (``store.open_forum``): its title, prompts and identity mode.
    title = models.CharField(max_length=255, blank=True, default="")
    prompts = models.JSONField(default=list)  # [{"id": ..., "text": ...}]
    pseudonymous = models.BooleanField(default=False)


class PeerGroup(models.Model):
    """A small group of a group set. ``version`` counts every change its members would see.

    ``size`` is its number of members, kept by the roster writer under the forum lock, so
    that placement finds the groups with room through an index, not by counting them all.

    .. no_pii:
    """

    uid = models.CharField(max_length=32, unique=True)
    group_set = models.ForeignKey(GroupSet, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()  # "Group 3": the third group formed in the set
    size = models.PositiveIntegerField(default=0)
    created_at = models.FloatField()
    version = models.PositiveBigIntegerField(default=0)
    last_activity = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group_set", "number"], name="foorumi_group_number_unique")]
        indexes = [models.Index(fields=["group_set", "size"], name="foorumi_groups_with_room")]


class Membership(models.Model):
    """A learner's place in a group set: at most one group per learner and set.

    .. no_pii:
    """

    group_set = models.ForeignKey(GroupSet, on_delete=models.CASCADE, related_name="memberships")
    user_id = models.CharField(max_length=64)  # anonymous user id
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group_set", "user_id"], name="foorumi_membership_unique")]
        indexes = [models.Index(fields=["group", "id"], name="foorumi_member_by_group")]


class Participant(models.Model):
    """A learner in one forum: agreement, submission, the pool, last activity.

    ``waiting_since`` is set while the learner waits in the pool (submitted, no group) and
    cleared when they are placed; it is written only under the forum row's lock.

    .. pii: display_name is the learner's full name (blanked on retirement)
    .. pii_types: name
    .. pii_retirement: local_api
    """

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="participants")
    user_id = models.CharField(max_length=64)  # anonymous user id
    handle = models.CharField(max_length=16)  # the forum-local id learners may see
    display_name = models.CharField(max_length=255, blank=True)
    accepted_at = models.FloatField(null=True)
    submitted_at = models.FloatField(null=True)
    waiting_since = models.FloatField(null=True)
    last_seen = models.FloatField()
    is_staff = models.BooleanField(default=False)  # course staff trying the learner view
    # The group the learner takes part in in this forum (their threads are that group's),
    # set when they are placed; a later move or merge in another forum of the set leaves it.
    group = models.ForeignKey("PeerGroup", on_delete=models.SET_NULL, null=True, related_name="participants")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["forum", "user_id"], name="foorumi_participant_unique"),
            models.UniqueConstraint(fields=["forum", "handle"], name="foorumi_participant_handle"),
        ]
        indexes = [
            models.Index(fields=["forum", "waiting_since"], name="foorumi_pool"),
            models.Index(fields=["forum", "group"], name="foorumi_participants_of_group"),
        ]


class Reflection(models.Model):
    """A learner's submitted answers in one forum: one post in their group.

    .. pii: answers are free text written by the learner (blanked on retirement)
    .. pii_types: other
    .. pii_retirement: local_api
    """

    uid = models.CharField(max_length=16, unique=True)
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="reflections")
    author = models.CharField(max_length=64)  # anonymous user id
    answers = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64)
    submitted_at = models.FloatField()
    edited_at = models.FloatField(null=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)  # the moderator's reason, shown to the author

    class Meta:
        # One reflection per learner and forum: a retried or concurrent submit finds it.
        constraints = [models.UniqueConstraint(fields=["forum", "author"], name="foorumi_reflection_unique")]


class Comment(models.Model):
    """A comment in the thread of a reflection (or a reply to another comment there).

    .. pii: text is free text written by the learner (blanked on retirement)
    .. pii_types: other
    .. pii_retirement: local_api
    """

    uid = models.CharField(max_length=16, unique=True)
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="comments")
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="comments")
    reply_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, related_name="replies")
    author = models.CharField(max_length=64)  # anonymous user id
    text = models.TextField()
    words = models.PositiveIntegerField(default=0)  # forum/words.count_words of the text
    request_id = models.CharField(max_length=64)
    created_at = models.FloatField()
    edited_at = models.FloatField(null=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)  # the moderator's reason, shown to the author

    class Meta:
        # A retried request (same author and request id) creates nothing twice.
        constraints = [models.UniqueConstraint(fields=["forum", "author", "request_id"], name="foorumi_comment_request")]
        indexes = [
            models.Index(fields=["reflection", "created_at"], name="foorumi_comments_of_thread"),
            models.Index(fields=["forum", "author"], name="foorumi_comments_by_author"),
        ]


class HelpfulMark(models.Model):
    """The reflection's author marked this comment helpful (removing the mark deletes it).

    .. no_pii:
    """

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="helpful_mark")
    marked_at = models.FloatField()


class Flag(models.Model):
    """A learner asked staff to look at a reflection or comment; one flag per item and learner.

    .. pii: reason is free text written by the learner (blanked on retirement)
    .. pii_types: other
    .. pii_retirement: local_api
    """

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="flags")
    item_uid = models.CharField(max_length=16)
    flagger = models.CharField(max_length=64)  # anonymous user id
    reason = models.TextField()
    flagged_at = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_uid", "flagger"], name="foorumi_flag_unique")]
        indexes = [models.Index(fields=["forum", "flagger"], name="foorumi_flags_by_flagger")]


class ModerationDecision(models.Model):
    """Append-only: staff hid or restored an item, when and why.

    .. pii: reason is free text written by staff
    .. pii_types: other
    .. pii_retirement: retained
    """

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="decisions")
    item_uid = models.CharField(max_length=16)
    action = models.CharField(max_length=16)  # "hide" or "restore"
    reason = models.TextField(blank=True)
    decided_by = models.CharField(max_length=64)  # the staff member's anonymous user id
    decided_at = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["forum", "item_uid"], name="foorumi_decisions_of_item")]
