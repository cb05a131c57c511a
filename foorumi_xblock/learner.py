"""The learner's forum: each learner operation as one transaction, and the learner's view.

This layer sits between the XBlock (which parses requests and maps errors to HTTP) and the
pure domain (``forum/``, which decides). It reaches the database only through the
repository (``store/``) and imports no XBlock, Django model or WebOb.

Every request runs the same way (``LearnerForum.run``), inside one transaction: apply the
pool timeout (so nobody waits past the deadline, whoever asks), find or create the
learner's participant row, apply the operation (raising a typed error changes nothing),
load what the learner's view needs, and work out the completion and grade to publish. The
learner's private, single-writer state (the draft and the grade last published) stays in
the runtime's ``user_state``, passed in and out as ``Private``.
"""
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, UTC

from . import store
from .forum import feedback, groups, requests, words
from .forum.errors import Invalid, TooLarge, WrongStage, _
from .forum.records import MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_FLAG_REASON_CHARS, check_text

#: Bounds on what one learner can accumulate in one forum.
MAX_COMMENTS_PER_LEARNER = 300
MAX_FLAGS_PER_LEARNER = 100

#: Operations that decide for the whole forum: they lock the forum row before anything else.
FORUM_WIDE = frozenset({"submit_reflection"})
#: Operations that change the learner's participant row (it is read again after them).
CHANGE_PARTICIPANT = frozenset({"accept_agreement", "submit_reflection"})


@dataclass(frozen=True)
class Viewer:
    """Who is asking: ``user_id`` is the anonymous id rows are keyed by; ``handle`` the
    forum-local id other learners may see."""

    handle: str
    username: str
    name: str
    is_staff: bool = False
    user_id: str = ""
    authenticated: bool = True


@dataclass
class Private:
    """The learner's own, single-writer state kept by the runtime (``Scope.user_state``)."""

    draft: dict = field(default_factory=dict)
    published_grade: float | None = None
    placement: str = ""  # the group the learner was last told they joined (for the event)


@dataclass
class Outcome:
    """What one request leaves behind: events to publish and the data of the learner view."""

    events: list
    person: store.Person
    reflection: object
    group: store.GroupView | None
    pool: store.Pool | None
    flags: set
    given: int
    continuity: store.Continuity | None = None  # in a group of a shared group set


def iso_utc(epoch):
    """Epoch seconds as ISO 8601 UTC to the second (None stays None)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


def group_rules(config):
    """The grouping rules of a forum configuration."""
    return groups.GroupRules(
        group_size=config.group_size,
        min_group_size=config.min_group_size,
        max_group_size=config.max_group_size,
        pool_timeout_hours=config.pool_timeout_hours,
    )


def open_forum(config, usage_key, course_key, now):
    """The forum's row (``store.open_forum``) in its group set, described as later sessions
    of the set show it."""
    described = store.Described(
        title=config.display_name, prompts=tuple((p.id, p.text) for p in config.prompts),
        pseudonymous=config.identity == "pseudonymous",
    )
    return store.open_forum(usage_key, course_key, now, config.group_set, described)


def shown_name(group, handle, pseudonymous, gettext):
    """How the author ``handle`` of a group view (``store.GroupView``) is named to its
    members: "Participant N" by their place among the members in a pseudonymous forum (a
    former member otherwise), else their display name."""
    if pseudonymous:
        handles = [group.people[m].handle for m in group.members if m in group.people]
        if handle in handles:
            return gettext("Participant %(number)s") % {"number": handles.index(handle) + 1}
        return gettext("A former member")
    return next((p.name for p in group.people.values() if p.handle == handle), "") or gettext("A participant")


def _roster_events(changes):
    """Analytics events of groups formed by this request (who joined: ``_record_placement``)."""
    return [
        ("foorumi.group.formed", {"group_id": change.group_id, "size": len(change.members)})
        for change in changes
        if isinstance(change, groups.GroupFormed)
    ]


class LearnerForum:
    """One learner's operations on one forum.

    ``config`` is a ``ForumConfig``; ``private`` the learner's ``Private`` state (changed in
    place); ``now`` the request time (epoch seconds); ``new_id`` makes fresh ids;
    ``usage_key``/``course_key`` name the forum's row.
    """

    def __init__(self, config, viewer, private, now, new_id, usage_key, course_key):
        self.config = config
        self.viewer = viewer
        self.private = private
        self.now = now
        self.new_id = new_id
        self.usage_key = str(usage_key)
        self.course_key = str(course_key)
        self.rules = group_rules(config)

    # -- the transaction ------------------------------------------------------------------

    def run(self, operation=None, **kwargs):
        """Apply ``operation`` (a method name, or None for a plain read) as one transaction.

        Returns an ``Outcome``; the events in it are for the caller to publish once the
        transaction has committed.
        """
        private_before = (dict(self.private.draft), self.private.published_grade, self.private.placement)

        def restore_private():
            self.private.draft = dict(private_before[0])
            self.private.published_grade, self.private.placement = private_before[1:]

        def unit():
            # Each attempt starts from the private state as it was: a deadlock retried by
            # ``store.transaction`` must not see what the rolled-back attempt recorded.
            restore_private()
            forum = self._open()
            if operation in FORUM_WIDE:
                store.lock_roster(forum)
            events = _roster_events(store.apply_pool_timeout(forum, self.rules, self.now, self.new_id))
            person = self._enter(forum)
            if operation is not None:
                events.extend(getattr(self, operation)(forum, person, **kwargs) or [])
                if operation in CHANGE_PARTICIPANT:
                    person = self._enter(forum)
            outcome = self._load(forum, person, events)
            outcome.events.extend(self._record_placement(outcome))
            outcome.events.extend(self._record_progress(outcome))
            return outcome

        try:
            return store.transaction(unit)
        except Exception:
            restore_private()
            raise

    def unchanged(self, since):
        """``since`` again when nothing this learner sees has changed since the state that
        carried it (``state["version"]``), else None: one indexed query, no transaction.

        Only a learner in a group has a version; a pool deadline that has passed also
        counts as a change, so the full request that follows applies it.
        """
        forum = self._open()
        found = store.group_version(forum, self.viewer.user_id)
        if found is None:
            return None
        uid, version, oldest = found
        if oldest is not None and self.now - oldest >= self.rules.pool_timeout_seconds:
            return None
        return since if since == f"{uid}:{version}" else None

    def _open(self):
        return open_forum(self.config, self.usage_key, self.course_key, self.now)

    def _enter(self, forum):
        """The viewer's participant row, created or refreshed (``store.enter``)."""
        viewer = self.viewer
        return store.enter(forum, viewer.user_id, viewer.handle, viewer.name, self.now, viewer.is_staff)

    def _load(self, forum, person, events):
        reflection = store.my_reflection(forum, person)
        group = store.group_view(forum, person, self.config.feedback_min_words) if reflection else None
        pool = store.pool_view(forum, person) if reflection and group is None else None
        return Outcome(
            events=events, person=person, reflection=reflection, group=group, pool=pool,
            flags=store.my_flags(forum, person) if group else set(),
            given=store.comments_given(forum, person, self.config.feedback_min_words) if reflection else 0,
            continuity=store.continuity(forum, group.uid, group.members) if group and forum.shared else None,
        )

    def _record_placement(self, outcome):
        """The learner's own "joined a group" event, once per group, on their own request
        (the platform attributes events to the user whose request publishes them)."""
        group = outcome.group
        if group is None or self.private.placement == group.uid:
            return []
        self.private.placement = group.uid
        return [("foorumi.group.joined", {"group_id": group.uid, "group_size": len(group.members)})]

    def _record_progress(self, outcome):
        """Completion once complete; a grade whenever the fraction met changes (when scored)."""
        progress = self.progress(outcome)
        previous = self.private.published_grade or 0.0
        if abs(previous - progress.grade) < 1e-9:
            return []
        events = []
        if progress.complete and previous < 1:
            events.append(("completion", {"completion": 1.0}))
        if self.config.scored:
            events.append(("grade", {"value": progress.grade, "max_value": 1}))
        self.private.published_grade = progress.grade
        return events

    # -- operations (each writes through the store or raises) ----------------------------

    def _require_agreement(self, person):
        if self.config.agreement_required and not person.accepted_at:
            raise WrongStage(_("Please accept the group's ground rules first."))

    def _check_answers(self, answers, final, optional=frozenset()):
        """The answers cleaned, or a typed error naming the prompt. ``final`` applies every
        limit; prompts in ``optional`` may be left out even then (see ``edit_reflection``)."""
        if not isinstance(answers, dict):
            raise Invalid(_("Answers must be an object of prompt ids to text."))
        prompts = {p.id: p for p in self.config.prompts}
        for prompt_id, text in answers.items():
            if prompt_id not in prompts:
                raise Invalid(_("There is no prompt %(prompt)s."), prompt=str(prompt_id)[:40])
            if not isinstance(text, str):
                raise Invalid(_("An answer must be text."))
        cleaned = {}
        for prompt in self.config.prompts:
            if prompt.id not in answers and (not final or prompt.id in optional):
                continue
            text = answers.get(prompt.id, "")
            try:
                if final:
                    words.check_answer(text, prompt.min_words, prompt.max_words, final=True)
                else:  # a draft may run over the word limit while it is being edited
                    check_text(text, MAX_ANSWER_CHARS, _("answer"), required=False)
            except (Invalid, TooLarge) as error:
                error.details.setdefault("prompt_id", prompt.id)  # shown next to that answer
                raise
            cleaned[prompt.id] = text.strip() if final else text
        return cleaned

    def accept_agreement(self, forum, person):
        """The learner accepts the ground rules (once; accepting again changes nothing)."""
        if store.accept_agreement(forum, person.user_id, self.now):
            return [("foorumi.agreement.accepted", {})]
        return []

    def save_draft(self, forum, person, answers):
        """Drafts may be incomplete or over the word limit (never over the character bound);
        they are kept until submit, where every limit applies."""
        self._require_agreement(person)
        if person.submitted_at is not None:
            raise WrongStage(_("Your reflection is already submitted; edit it instead."))
        cleaned = self._check_answers(answers, final=False)
        self.private.draft = {**self.private.draft, **cleaned}
        return []

    def submit_reflection(self, forum, person, answers, request_id):
        """Submitting makes the reflection one post and places the learner (group or pool)."""
        request_id = requests.valid_request_id(request_id)
        existing = store.my_reflection(forum, person)
        if existing is not None and existing.request_id == request_id:
            return []  # a retry: the first request's result stands
        self._require_agreement(person)
        cleaned = self._check_answers(answers, final=True)
        reflection, created, changes = store.submit(
            forum, person, cleaned, request_id, self.now, self.rules, self.new_id,
        )
        if not created:
            return []
        self.private.draft = {}
        return [("foorumi.reflection.submitted", {"reflection_id": reflection.id})] + _roster_events(changes)

    def edit_reflection(self, forum, person, answers):
        """The author may edit their submitted reflection; it is then shown as edited."""
        existing = store.my_reflection(forum, person)
        if existing is None:
            raise WrongStage(_("Submit your reflection before editing it."))
        # A prompt added after the learner submitted does not block them: they may answer
        # it when they edit, but need not.
        added_later = {p.id for p in self.config.prompts if p.id not in existing.answers}
        cleaned = self._check_answers(answers, final=True, optional=added_later)
        reflection, changed = store.edit_reflection(forum, person, cleaned, self.now)
        if reflection is None:
            raise WrongStage(_("Submit your reflection before editing it."))
        return [("foorumi.reflection.edited", {"reflection_id": reflection.id})] if changed else []

    def comment(self, forum, person, reflection_id, text, request_id, reply_to=None):
        """A group member comments in a thread of their own group (post first, then read)."""
        request_id = requests.valid_request_id(request_id)
        if person.submitted_at is None:
            raise WrongStage(_("Submit your own reflection before commenting."))
        text = check_text(text, MAX_COMMENT_CHARS, _("comment")).strip()
        limit = (MAX_COMMENTS_PER_LEARNER, TooLarge(
            _("You have reached the limit of %(limit)s comments."), limit=MAX_COMMENTS_PER_LEARNER))
        comment_id, created = store.add_comment(
            forum, person, reflection_id, text, request_id, self.now, self.new_id, reply_to=reply_to, limit=limit,
        )
        if not created:
            return []
        return [("foorumi.comment.created", {"comment_id": comment_id, "reflection_id": reflection_id})]

    def edit_comment(self, forum, person, comment_id, text):
        """The author may edit their own comment; it is then shown as edited."""
        text = check_text(text, MAX_COMMENT_CHARS, _("comment")).strip()
        if store.edit_comment(forum, person, comment_id, text, self.now):
            return [("foorumi.comment.edited", {"comment_id": comment_id})]
        return []

    def mark_helpful(self, forum, person, comment_id, helpful):
        """The author of a reflection marks others' comments on it as helpful (or not)."""
        if not isinstance(helpful, bool):
            raise Invalid(_("helpful must be true or false."))
        if store.set_helpful(forum, person, comment_id, helpful, self.now):
            return [("foorumi.comment.helpful", {"comment_id": comment_id, "helpful": helpful})]
        return []

    def flag(self, forum, person, item_id, reason):
        """Anyone may flag another's reflection or comment in their group for staff."""
        reason = check_text(reason, MAX_FLAG_REASON_CHARS, _("reason")).strip()
        limit = (MAX_FLAGS_PER_LEARNER, TooLarge(
            _("You have reached the limit of %(limit)s flags."), limit=MAX_FLAGS_PER_LEARNER))
        store.flag(forum, person, item_id, reason, self.now, limit=limit)
        return [("foorumi.flagged", {"item_id": item_id})]

    # -- the learner's view ---------------------------------------------------------------

    def required(self, group):
        """Comments required of the viewer: the setting, capped by what their group allows."""
        if group is None:
            return self.config.comments_required
        return feedback.required_comments(self.config.comments_required, len(group.members))

    def progress(self, outcome):
        """The viewer's progress: distinct peers' reflections they commented on."""
        required = self.required(outcome.group)
        if (self.private.published_grade or 0) >= 1:
            # A requirement once met stays met: a late joiner who makes the group larger
            # does not take back a completion (or a grade) already given.
            required = min(required, outcome.given)
        submitted = outcome.reflection is not None
        return feedback.Progress(
            submitted=submitted, comments_given=outcome.given, comments_required=required,
            complete=submitted and outcome.given >= required,
        )

    def _when(self, epoch):
        """A time as learners receive it: to the minute in a pseudonymous forum, so that
        peers cannot match posts to other activity by the microsecond."""
        if epoch is None or self.config.identity != "pseudonymous":
            return epoch
        return float(int(epoch) // 60 * 60)

    def view(self, outcome, gettext):
        """The learner state of docs/design.md for this viewer (nothing of other groups)."""
        person, reflection, group = outcome.person, outcome.reflection, outcome.group
        accepted = bool(person.accepted_at)
        if reflection is None:
            stage = "agreement" if self.config.agreement_required and not accepted else "reflect"
        else:
            stage = "group" if group else "pool"
        state = {
            "stage": stage,
            "agreement": {
                "required": self.config.agreement_required,
                "accepted": accepted,
                "items": [gettext(item) for item in self.config.agreement_items],
            },
            "prompts": [p.to_dict() for p in self.config.prompts],
            "draft": dict(self.private.draft or {}),
            "reflection": None,
            "group": None,
            "threads": [],
            "suggested": [],
            "progress": self.progress(outcome).to_dict(),
            "pool": None,
            "identity": self.config.identity,
            # What the page says about the rules: words a comment needs to count, and whether
            # the forum is scored (the grade is the fraction of requirements met).
            "feedback_min_words": self.config.feedback_min_words,
            "scored": self.config.scored,
            "is_staff": self.viewer.is_staff,
            # Sent back as ``state {"since": version}``: answered "unchanged" cheaply.
            "version": f"{group.uid}:{group.version}" if group and reflection else None,
        }
        if reflection:
            state["reflection"] = {
                "id": reflection.id,
                "answers": dict(reflection.answers),
                "submitted_at": self._when(reflection.submitted_at),
                "edited": reflection.edited,
                "hidden": reflection.hidden,
                # The author is told why a moderator hid it; nobody else sees the reason.
                "hidden_reason": group.reasons.get(reflection.id, "") if group else "",
            }
        if stage == "pool":
            pool = outcome.pool
            deadline = person.waiting_since + self.rules.pool_timeout_seconds if person.waiting_since else None
            state["pool"] = {
                "waiting": pool.waiting,
                "position": pool.position,
                "needed": self.config.min_group_size,
                "timeout_hours": self.config.pool_timeout_hours,
                # When the learner is placed at the latest (ISO 8601, UTC): the timeout applies
                # on any request to the forum, whoever makes it.
                "deadline": iso_utc(deadline),
                # Nobody else has submitted and no group exists: they are alone so far.
                "alone": pool.waiting <= 1 and not pool.groups,
            }
        if group:
            self._group_view(state, outcome, gettext)
        return state

    def _comment(self, group, comment, flags, gettext):
        """A comment as this viewer receives it (a hidden one's text only to its author)."""
        me = self.viewer.handle
        return {
            "id": comment.id,
            "author": self._person(group, comment.author, gettext),
            "text": comment.text if (comment.author == me or not comment.hidden) else "",
            "helpful": comment.helpful,
            "hidden": comment.hidden,
            "hidden_reason": group.reasons.get(comment.id, "") if comment.author == me else "",
            "edited": comment.edited,
            "created_at": self._when(comment.created_at),
            "reply_to": comment.reply_to,
            "flagged": comment.id in flags,
            # Whether the viewer's own comment counts toward their feedback (not a reply, not
            # in their own thread, at least ``feedback_min_words`` words).
            "counts": comment.author == me and comment.reply_to is None
            and comment.words >= self.config.feedback_min_words
            and self._thread_author(group, comment.reflection_id) != me,
        }

    @staticmethod
    def _thread_author(group, reflection_id):
        return next((r.author for r in group.reflections if r.id == reflection_id), None)

    @staticmethod
    def _authors(group):
        """User ids of the group's members who have a reflection in this forum."""
        handles = {r.author for r in group.reflections}
        return {user_id for user_id, person in group.people.items() if person.handle in handles}

    def _continuity(self, outcome, gettext):
        """The group's earlier sessions in its group set, and who is new since the last one."""
        group, continuity = outcome.group, outcome.continuity
        me = self.viewer.user_id
        return {
            "sessions": [
                {
                    "number": session.number,
                    "title": gettext(session.title) if session.title else "",
                    "took_part": len(took_part),
                    "was_member": me in took_part,
                    # Readable by this viewer: they were in the group then, or the forum
                    # lets newcomers read the group's earlier sessions.
                    "readable": me in took_part or self.config.newcomers_see_earlier,
                }
                for session, took_part in continuity.sessions
            ],
            "new": [group.people[m].handle for m in group.members if m in continuity.new and m in group.people],
        }

    def earlier_session(self, number, gettext):
        """A read-only earlier session of the learner's group (``store.earlier_session``)."""
        if not isinstance(number, int) or isinstance(number, bool):
            raise Invalid(_("%(field)s must be a whole number."), field="session")

        def unit():
            forum = self._open()
            person = self._enter(forum)
            session, view = store.earlier_session(forum, person, number, self.config.newcomers_see_earlier)
            return self._session_view(session, view, gettext)

        return store.transaction(unit)

    def _session_view(self, session, view, gettext):
        """An earlier session as the learner reads it: names as that forum showed them,
        nothing hidden by a moderator, replies under what they answer."""
        me = next((p.handle for u, p in view.people.items() if u == self.viewer.user_id), None)

        def who(handle):
            return {"name": shown_name(view, handle, session.pseudonymous, gettext), "is_me": handle == me}

        threads = []
        for reflection in view.reflections:
            if reflection.hidden:
                continue
            comments = [
                {"id": c.id, "author": who(c.author), "text": c.text, "reply_to": c.reply_to, "edited": c.edited}
                for c in view.comments if c.reflection_id == reflection.id and not c.hidden
            ]
            threads.append({
                "id": reflection.id, "author": who(reflection.author), "answers": dict(reflection.answers),
                "edited": reflection.edited, "comments": comments,
                "comments_total": view.totals.get(reflection.id, 0),
            })
        return {
            "number": session.number,
            "title": gettext(session.title) if session.title else "",
            "prompts": [{"id": i, "text": gettext(t) if t else ""} for i, t in session.prompts],
            "pseudonymous": session.pseudonymous,
            "threads": threads,
        }

    def older_comments(self, reflection_id, before, gettext):
        """A page of a thread's older comments: ``{"reflection_id", "comments", "more"}``."""
        for name, value in (("reflection_id", reflection_id), ("before", before)):
            if not isinstance(value, str):
                raise Invalid(_("%(field)s must be text."), field=name)

        def unit():
            forum = self._open()
            person = self._enter(forum)
            group = store.group_view(forum, person, self.config.feedback_min_words)
            if group is None:
                raise WrongStage(_("You are not in a group yet."))
            comments, reasons, _people, more = store.older_comments(forum, person, reflection_id, before)
            flags = store.my_flags(forum, person)
            view = dataclasses.replace(group, reasons={**group.reasons, **reasons})
            return {
                "reflection_id": reflection_id,
                "comments": [self._comment(view, c, flags, gettext) for c in comments],
                "more": more,
            }

        return store.transaction(unit)

    def _person(self, group, handle, gettext):
        """How a member (by handle) is shown to this viewer."""
        name = shown_name(group, handle, self.config.identity == "pseudonymous", gettext)
        return {"id": handle, "name": name, "is_me": handle == self.viewer.handle}

    def _group_view(self, state, outcome, gettext):
        group, me = outcome.group, self.viewer.handle
        members = [group.people[m].handle for m in group.members if m in group.people]
        state["group"] = {
            "id": group.uid,
            "name": gettext("Group %(number)s") % {"number": group.number},
            "members": [self._person(group, h, gettext) for h in members],
            "version": group.version,
            # Members of the group who have not written in this session yet (a group that
            # lasts across the forums of a group set meets again in each).
            "not_yet": len(set(group.members) - self._authors(group)),
            "continuity": self._continuity(outcome, gettext) if outcome.continuity is not None else None,
        }
        authors = {r.id: r.author for r in group.reflections}
        by_thread = {r.id: [] for r in group.reflections}
        for comment in group.comments:
            by_thread[comment.reflection_id].append(comment)
        threads = []
        for reflection in group.reflections:
            mine = reflection.author == me
            thread_comments = [self._comment(group, c, outcome.flags, gettext) for c in by_thread[reflection.id]]
            threads.append({
                "id": reflection.id,
                "reflection_id": reflection.id,
                "author": self._person(group, reflection.author, gettext),
                "answers": dict(reflection.answers) if (mine or not reflection.hidden) else {},
                "hidden": reflection.hidden,
                "hidden_reason": group.reasons.get(reflection.id, "") if mine else "",
                "edited": reflection.edited,
                "created_at": self._when(reflection.submitted_at),
                "flagged": reflection.id in outcome.flags,
                "comments": thread_comments,
                # The state carries the newest comments of a thread; ``older_comments`` pages
                # back from the first one shown.
                "comments_total": group.totals.get(reflection.id, 0),
                "older": group.totals.get(reflection.id, 0) > len(thread_comments),
            })
        state["threads"] = threads
        edges = [  # every thread's feedback, also from comments older than those shown
            feedback.CommentEdge(f"{commenter}>{rid}", commenter, rid, authors[rid])
            for commenter, rid in group.edges
        ]
        visible = {r.author: r.id for r in group.reflections if not r.hidden}
        state["suggested"] = feedback.suggestions(me, members, visible, edges, self.required(group))
