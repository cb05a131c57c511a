"""The learner's forum: each learner operation as one transaction, and the learner's view.

This layer sits between the XBlock (which parses requests and maps errors to HTTP) and the
pure domain (``forum/``, which decides). It knows the storage port (``store.FieldStore``
and a ``PeerStateReader``) but imports no XBlock, Django or WebOb.

Every operation runs the same way (``LearnerForum.run``): under the learner's lock, read
own state fresh, let the operation change a copy (raising a typed error changes nothing),
write own state, then re-merge the learner into the shared index under the index lock
(fresh read, write only if changed), record the group the index placed them in, and
return the analytics events to publish.
"""
import copy
from dataclasses import dataclass, field

from .forum import feedback, groups, requests, words
from .forum.errors import Conflict, Invalid, NotFound, TooLarge, WrongStage, _
from .forum.index import Index, LearnerSnapshot, merge_learner
from .forum.records import MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_FLAG_REASON_CHARS, Comment, Flag, Reflection, check_text
from .store import index_lock, learner_lock

#: Bounds on what one learner can accumulate in one forum.
MAX_COMMENTS_PER_LEARNER = 300
MAX_FLAGS_PER_LEARNER = 100


@dataclass(frozen=True)
class Viewer:
    """Who is asking: ``handle`` is the forum-local id other learners may see."""

    handle: str
    username: str
    name: str
    is_staff: bool = False


@dataclass
class Outcome:
    """What an operation leaves behind: analytics events and the fresh index."""

    events: list = field(default_factory=list)
    index: Index | None = None
    own: dict | None = None


def group_rules(config):
    """The grouping rules of a forum configuration."""
    return groups.GroupRules(
        group_size=config.group_size,
        min_group_size=config.min_group_size,
        max_group_size=config.max_group_size,
        pool_timeout_hours=config.pool_timeout_hours,
    )


class LearnerForum:
    """One learner's operations on one forum.

    ``config`` is a ``ForumConfig``; ``store`` a ``FieldStore``-like adapter with
    ``read_own/write_own/read_index/write_index``; ``peers`` a ``PeerStateReader``;
    ``now`` the request time (epoch seconds); ``new_id`` makes fresh ids.
    """

    def __init__(self, config, store, peers, viewer, now, new_id, block_id):
        self.config = config
        self.store = store
        self.peers = peers
        self.viewer = viewer
        self.now = now
        self.new_id = new_id
        self.block_id = str(block_id)

    # -- the transaction ------------------------------------------------------------------

    def run(self, operation=None, **kwargs):
        """Apply ``operation(own, index, **kwargs)`` (or nothing) and re-merge the index.

        Under the learner's lock and then the index lock, with both read fresh once: the
        operation changes a copy of own state (raising changes nothing), own state is
        written first (it is authoritative), then the index if the merge changed it, then
        what own state records of the result (the group placed in, the grade published).
        The events returned are for the caller to publish afterwards.
        """
        with learner_lock(self.block_id, self.viewer.username):
            own = self.store.read_own()
            with index_lock(self.block_id):
                index = Index.from_dict(self.store.read_index())
                events = []
                if operation is not None:
                    changed = copy.deepcopy(own)
                    events = operation(changed, index, **kwargs) or []
                    self.store.write_own({k: v for k, v in changed.items() if v != own.get(k)})
                    own = changed
                merged, changes = merge_learner(index, self._snapshot(own), self.now, group_rules(self.config), self.new_id)
                if merged is not index:
                    self.store.write_index(merged.to_dict())
            events.extend(self._record_placement(own, merged, changes))
            events.extend(self._record_progress(own, merged))
            return Outcome(events=events, index=merged, own=own)

    def _snapshot(self, own):
        """The learner's own entries for the index, in ids only."""
        return LearnerSnapshot(
            handle=self.viewer.handle,
            username=self.viewer.username,
            name=self.viewer.name,
            reflection_id=(own.get("reflection") or {}).get("id"),
            group_id=(own.get("placement") or {}).get("group_id"),
            comments=tuple((c["id"], c["reflection_id"]) for c in own.get("my_comments") or ()),
            flags=tuple(f["item_id"] for f in own.get("my_flags") or ()),
        )

    def _record_placement(self, own, index, changes):
        """Own state remembers the group the index placed this learner in."""
        events = [
            ("foorumi.group.formed", {"group_id": c.group_id, "size": len(c.members)})
            for c in changes
            if isinstance(c, groups.GroupFormed)
        ]
        group = index.roster.group_of(self.viewer.handle)
        if group is not None and (own.get("placement") or {}).get("group_id") != group.id:
            own["placement"] = {"group_id": group.id, "at": self.now}
            self.store.write_own({"placement": own["placement"]})
            events.append(("foorumi.group.joined", {"group_id": group.id, "group_size": len(group.members)}))
        return events

    def _record_progress(self, own, index):
        """Completion once complete; a grade whenever the fraction met changes (when scored)."""
        progress = self.progress(own, index)
        previous = own.get("published_grade") or 0.0
        if abs(previous - progress.grade) < 1e-9:
            return []
        events = []
        if progress.complete and previous < 1:
            events.append(("completion", {"completion": 1.0}))
        if self.config.scored:
            events.append(("grade", {"value": progress.grade, "max_value": 1}))
        own["published_grade"] = progress.grade
        self.store.write_own({"published_grade": progress.grade})
        return events

    # -- operations (each changes ``own`` in place or raises) ------------------------------

    def _require_agreement(self, own):
        if self.config.agreement_required and not own.get("accepted_at"):
            raise WrongStage(_("Please accept the group's ground rules first."))

    def _check_answers(self, answers, final):
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
            if prompt.id not in answers and not final:
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

    def accept_agreement(self, own, index):
        """The learner accepts the ground rules (once; accepting again changes nothing)."""
        if own.get("accepted_at"):
            return []
        own["accepted_at"] = self.now
        return [("foorumi.agreement.accepted", {})]

    def save_draft(self, own, index, answers):
        """Drafts may be incomplete or over the word limit (never over the character bound);
        they are kept until submit, where every limit applies."""
        self._require_agreement(own)
        if own.get("reflection"):
            raise WrongStage(_("Your reflection is already submitted; edit it instead."))
        cleaned = self._check_answers(answers, final=False)
        own["draft"] = {**(own.get("draft") or {}), **cleaned}
        return []

    def submit_reflection(self, own, index, answers, request_id):
        """Submitting makes the reflection one post and puts the learner in line for a group."""
        request_id = requests.valid_request_id(request_id)
        if requests.earlier_result([own.get("reflection")], request_id):
            return []
        self._require_agreement(own)
        if own.get("reflection"):
            raise Conflict(_("Your reflection is already submitted; edit it instead."))
        cleaned = self._check_answers(answers, final=True)
        reflection = Reflection(
            id="r" + self.new_id(), author=self.viewer.handle, answers=cleaned,
            submitted_at=self.now, edited_at=None, request_id=request_id,
        )
        own["reflection"] = reflection.to_dict()
        own["draft"] = {}
        return [("foorumi.reflection.submitted", {"reflection_id": reflection.id})]

    def edit_reflection(self, own, index, answers):
        """The author may edit their submitted reflection; it is then shown as edited."""
        if not own.get("reflection"):
            raise WrongStage(_("Submit your reflection before editing it."))
        cleaned = self._check_answers(answers, final=True)
        reflection = Reflection.from_dict(own["reflection"])
        if cleaned == reflection.answers:
            return []
        own["reflection"] = Reflection(
            id=reflection.id, author=reflection.author, answers=cleaned,
            submitted_at=reflection.submitted_at, edited_at=self.now, request_id=reflection.request_id,
        ).to_dict()
        return [("foorumi.reflection.edited", {"reflection_id": reflection.id})]

    def _visible_reflections(self, index):
        """Reflection id -> author handle for the viewer's group (empty when not in one)."""
        group = index.roster.group_of(self.viewer.handle)
        if group is None:
            return {}
        return {index.reflections[m]: m for m in group.members if m in index.reflections}

    def comment(self, own, index, reflection_id, text, request_id):
        """A group member comments in a thread of their own group (post first, then read)."""
        request_id = requests.valid_request_id(request_id)
        if requests.earlier_result(own.get("my_comments") or [], request_id):
            return []
        if not own.get("reflection"):
            raise WrongStage(_("Submit your own reflection before commenting."))
        if index.roster.group_of(self.viewer.handle) is None:
            raise WrongStage(_("You are not in a group yet."))
        if not isinstance(reflection_id, str) or reflection_id not in self._visible_reflections(index):
            raise NotFound(_("There is no such reflection in your group."))
        if index.is_hidden(reflection_id):
            raise Conflict(_("This reflection was removed by a moderator."))
        text = check_text(text, MAX_COMMENT_CHARS, _("comment")).strip()
        mine = list(own.get("my_comments") or [])
        if len(mine) >= MAX_COMMENTS_PER_LEARNER:
            raise TooLarge(_("You have reached the limit of %(limit)s comments."), limit=MAX_COMMENTS_PER_LEARNER)
        item = Comment(
            id="c" + self.new_id(), author=self.viewer.handle, reflection_id=reflection_id, text=text,
            created_at=self.now, edited_at=None, request_id=request_id, helpful=False,
        )
        own["my_comments"] = mine + [item.to_dict()]
        return [("foorumi.comment.created", {"comment_id": item.id, "reflection_id": reflection_id})]

    def edit_comment(self, own, index, comment_id, text):
        """The author may edit their own comment; it is then shown as edited."""
        text = check_text(text, MAX_COMMENT_CHARS, _("comment")).strip()
        mine = [dict(c) for c in own.get("my_comments") or []]
        for position, item in enumerate(mine):
            if item.get("id") == comment_id:
                if item.get("text") == text:
                    return []
                comment = Comment.from_dict(item)
                mine[position] = Comment(
                    id=comment.id, author=comment.author, reflection_id=comment.reflection_id, text=text,
                    created_at=comment.created_at, edited_at=self.now, request_id=comment.request_id,
                    helpful=comment.helpful,
                ).to_dict()
                own["my_comments"] = mine
                return [("foorumi.comment.edited", {"comment_id": comment_id})]
        raise NotFound(_("You have no such comment."))

    def mark_helpful(self, own, index, comment_id, helpful):
        """The author of a reflection marks others' comments on it as helpful (or not)."""
        if not isinstance(helpful, bool):
            raise Invalid(_("helpful must be true or false."))
        my_reflection = (own.get("reflection") or {}).get("id")
        edge = index.edges.get(comment_id) if isinstance(comment_id, str) else None
        if not my_reflection or not edge or edge[1] != my_reflection or edge[0] == self.viewer.handle:
            raise NotFound(_("There is no such comment on your reflection."))
        marks = [m for m in own.get("helpful_marks") or [] if m != comment_id]
        if helpful:
            marks.append(comment_id)
        if marks == list(own.get("helpful_marks") or []):
            return []
        own["helpful_marks"] = marks
        return [("foorumi.comment.helpful", {"comment_id": comment_id, "helpful": helpful})]

    def flag(self, own, index, item_id, reason):
        """Anyone may flag another's reflection or comment in their group for staff."""
        reason = check_text(reason, MAX_FLAG_REASON_CHARS, _("reason")).strip()
        visible = self._visible_reflections(index)
        owner = index.owner_of(item_id) if isinstance(item_id, str) else None
        target = item_id if item_id in visible else (index.edges.get(item_id) or [None, None])[1]
        if owner is None or target not in visible:
            raise NotFound(_("There is no such item in your group."))
        if owner == self.viewer.handle:
            raise Conflict(_("You cannot flag your own text."))
        flags = [f for f in own.get("my_flags") or [] if f.get("item_id") != item_id]
        if len(flags) >= MAX_FLAGS_PER_LEARNER:
            raise TooLarge(_("You have reached the limit of %(limit)s flags."), limit=MAX_FLAGS_PER_LEARNER)
        flags.append(Flag(item_id=item_id, reporter=self.viewer.handle, reason=reason, at=self.now).to_dict())
        own["my_flags"] = flags
        return [("foorumi.flagged", {"item_id": item_id})]

    # -- the learner's view ---------------------------------------------------------------

    def required(self, index):
        """Comments required of the viewer: the setting, capped by what their group allows."""
        group = index.roster.group_of(self.viewer.handle) if index else None
        if group is None:
            return self.config.comments_required
        return feedback.required_comments(self.config.comments_required, len(group.members))

    def progress(self, own, index):
        """The viewer's progress: what they gave comes from their own state alone."""
        handle = self.viewer.handle
        reflection_id = (own.get("reflection") or {}).get("id")
        edges = [
            feedback.CommentEdge(c["id"], handle, c["reflection_id"], "" if c["reflection_id"] != reflection_id else handle)
            for c in own.get("my_comments") or []
        ]
        required = self.required(index)
        if (own.get("published_grade") or 0) >= 1:
            # A requirement once met stays met: a late joiner who makes the group larger
            # does not take back a completion (or a grade) already given.
            required = min(required, len(feedback.commented_on(handle, edges)))
        return feedback.progress(handle, bool(reflection_id), edges, required)

    def view(self, outcome, gettext):
        """The learner state of DESIGN.md for this viewer (nothing of other groups)."""
        own, index = outcome.own, outcome.index
        handle = self.viewer.handle
        reflection = own.get("reflection") or None
        group = index.roster.group_of(handle) if reflection else None
        accepted = bool(own.get("accepted_at"))
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
            "draft": dict(own.get("draft") or {}),
            "reflection": None,
            "group": None,
            "threads": [],
            "suggested": [],
            "progress": self.progress(own, index).to_dict(),
            "pool": None,
            "identity": self.config.identity,
            "is_staff": self.viewer.is_staff,
        }
        if reflection:
            state["reflection"] = {
                "id": reflection["id"],
                "answers": dict(reflection.get("answers") or {}),
                "submitted_at": reflection.get("submitted_at"),
                "edited": bool(reflection.get("edited_at")),
                "hidden": index.is_hidden(reflection["id"]),
            }
        if stage == "pool":
            waiting = [w.learner_id for w in index.roster.pool]
            state["pool"] = {
                "waiting": len(waiting),
                "position": waiting.index(handle) + 1 if handle in waiting else None,
                "needed": self.config.min_group_size,
                "timeout_hours": self.config.pool_timeout_hours,
            }
        if group:
            self._group_view(state, own, index, group, gettext)
        return state

    def _person(self, index, group, member, gettext):
        if self.config.identity == "pseudonymous":
            if member in group.members:
                name = gettext("Participant %(number)s") % {"number": group.members.index(member) + 1}
            else:
                name = gettext("A former member")
        else:
            name = (index.learners.get(member) or {}).get("n") or gettext("A participant")
        return {"id": member, "name": name, "is_me": member == self.viewer.handle}

    def _group_view(self, state, own, index, group, gettext):
        handle = self.viewer.handle
        position = next(i for i, g in enumerate(index.roster.groups) if g.id == group.id) + 1
        state["group"] = {
            "id": group.id,
            "name": gettext("Group %(number)s") % {"number": position},
            "members": [self._person(index, group, m, gettext) for m in group.members],
        }
        authors = self._visible_reflections(index)
        edges = [  # the comment edges of this group's threads, once
            feedback.CommentEdge(cid, edge[0], edge[1], authors[edge[1]])
            for cid, edge in index.edges.items()
            if edge[1] in authors
        ]
        commenters = {edge.commenter for edge in edges}
        states = {}

        def state_of(member):
            if member == handle:
                return own
            if member not in states:
                username = (index.learners.get(member) or {}).get("u")
                states[member] = self.peers.read(username) if username else {}
            return states[member]

        comments_by_reflection = {rid: [] for rid in authors}
        for commenter in sorted(commenters | {handle}):
            for item in state_of(commenter).get("my_comments") or []:
                if item.get("reflection_id") in comments_by_reflection:
                    comments_by_reflection[item["reflection_id"]].append(item)

        threads = []
        for member in group.members:
            rid = index.reflections.get(member)
            reflection = (state_of(member).get("reflection") or {}) if rid else {}
            if not rid or reflection.get("id") != rid:
                continue
            hidden = index.is_hidden(rid)
            mine = member == handle
            helpful = set(state_of(member).get("helpful_marks") or [])
            thread_comments = []
            for item in sorted(comments_by_reflection[rid], key=lambda c: (c.get("created_at") or 0, c["id"])):
                comment_hidden = index.is_hidden(item["id"])
                own_comment = item.get("author") == handle
                thread_comments.append({
                    "id": item["id"],
                    "author": self._person(index, group, item.get("author"), gettext),
                    "text": item.get("text", "") if (own_comment or not comment_hidden) else "",
                    "helpful": item["id"] in helpful,
                    "hidden": comment_hidden,
                    "edited": bool(item.get("edited_at")),
                    "created_at": item.get("created_at"),
                    "flagged": any(f.get("item_id") == item["id"] for f in own.get("my_flags") or []),
                })
            threads.append({
                "id": rid,
                "reflection_id": rid,
                "author": self._person(index, group, member, gettext),
                "answers": dict(reflection.get("answers") or {}) if (mine or not hidden) else {},
                "hidden": hidden,
                "edited": bool(reflection.get("edited_at")),
                "created_at": reflection.get("submitted_at"),
                "flagged": any(f.get("item_id") == rid for f in own.get("my_flags") or []),
                "comments": thread_comments,
            })
        state["threads"] = threads
        visible = {t["author"]["id"]: t["id"] for t in threads if not t["hidden"]}
        state["suggested"] = feedback.suggestions(handle, group.members, visible, edges, self.required(index))
