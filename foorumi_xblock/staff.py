"""The staff side of a forum: the report, any group's threads, moderation, groups, export.

Like ``learner.py``, this layer reaches the database only through the repository
(``store/``) and decides nothing the domain decides. The XBlock checks the staff role
before it calls anything here (``block.staff_handler``).
"""
import csv
import io
from datetime import datetime, UTC

from . import store
from .forum import feedback
from .forum.errors import Invalid, _
from .forum.records import MAX_REASON_CHARS, check_text
from .learner import group_rules, open_forum

#: A group with no activity for this long is "silent" in the report.
SILENT_HOURS = 48
#: The decision log in the report shows at most this many of the latest decisions.
DECISIONS_SHOWN = 200
#: A CSV cell that starts with one of these is prefixed with ``'``: spreadsheet programs
#: would read it as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iso(epoch):
    """Epoch seconds as ISO 8601 UTC (None stays None)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


def safe_cell(value):
    """A CSV cell that no spreadsheet program runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class StaffForum:
    """Course staff's operations on one forum.

    ``usernames(anonymous_ids)`` gives ``{anonymous id: username}`` for those the platform
    knows (one lookup for the whole report); ``gettext`` translates group names.
    """

    def __init__(self, config, viewer, now, new_id, usage_key, course_key, usernames, gettext):
        self.config = config
        self.viewer = viewer
        self.now = now
        self.new_id = new_id
        self.usage_key = str(usage_key)
        self.course_key = str(course_key)
        self.usernames = usernames
        self.gettext = gettext
        self.group_template = gettext("Group %(number)s")  # once per request, not once per learner
        self.rules = group_rules(config)

    def _run(self, fn):
        def unit():
            forum = open_forum(self.config, self.usage_key, self.course_key, self.now)
            store.apply_pool_timeout(forum, self.rules, self.now, self.new_id)
            return fn(forum)

        return store.transaction(unit)

    # -- reading --------------------------------------------------------------------------

    def report(self):
        """The staff report of docs/design.md ("Handler API"), with totals and warnings."""
        def load(forum):
            report = self._report(store.report(forum, self.config.feedback_min_words))[0]
            report["sessions"] = self._sessions(forum) if forum.shared else None
            return report

        return self._run(load)

    def _sessions(self, forum):
        """Group health across the forums of the group set: per group, its members now and
        who took part in which session; ``few_active`` when fewer than ``min_group_size``
        of its members took part in this session or the one before it."""
        sessions, groups, names = store.set_health(forum)
        usernames = self.usernames({u for g in groups for u in g["members"]})
        mine = next((s.number for s in sessions if s.pk == forum.pk), None)
        recent = {mine, mine - 1} if mine else set()
        rows = []
        for group in groups:
            took_part = group["took_part"]
            active = {u for number in recent for u in took_part.get(number, ())} & set(group["members"])
            rows.append({
                "id": group["uid"],
                "name": self._group_name(group["number"]),
                "members": [{"name": names.get(u, ""), "username": usernames.get(u, "")} for u in group["members"]],
                "took_part": {str(number): [names.get(u, "") for u in users] for number, users in took_part.items()},
                "active": len(active),
                "warnings": ["few_active"] if group["members"] and len(active) < self.config.min_group_size else [],
            })
        return {
            "sessions": [
                {"number": s.number, "title": self.gettext(s.title) if s.title else "", "current": s.pk == forum.pk}
                for s in sessions
            ],
            "groups": rows,
        }

    def _group_name(self, number):
        return self.group_template % {"number": number}

    def _report(self, data):
        people, membership = data["people"], data["membership"]
        usernames = self.usernames(set(people) | {d["decided_by"] for d in data["decisions"]})
        groups = {g["uid"]: g for g in data["groups"]}
        sizes = {uid: g["size"] for uid, g in groups.items()}
        learners = []
        for user_id, person in people.items():
            group_uid = membership.get(user_id)
            submitted = person.submitted_at is not None
            group_size = sizes.get(group_uid, 0) or self.config.min_group_size
            required = feedback.required_comments(self.config.comments_required, group_size)
            given = data["given"].get(user_id, 0)
            learners.append({
                "id": person.handle,
                "name": person.name,
                "username": usernames.get(user_id, ""),
                "group_id": group_uid,
                "group_name": self._group_name(groups[group_uid]["number"]) if group_uid in groups else None,
                "accepted": person.accepted_at is not None,
                "submitted": submitted,
                "submitted_at": iso(person.submitted_at),
                "waiting_since": iso(person.waiting_since),
                "comments_given": given,
                "comments_received": data["received"].get(user_id, 0),
                "helpful_received": data["helpful"].get(user_id, 0),
                "complete": submitted and group_uid is not None and given >= required,
                "last_activity": iso(data["last_seen"].get(user_id)),
                "_user_id": user_id,
            })
        by_group = {}
        for learner in learners:
            if learner["group_id"]:
                by_group.setdefault(learner["group_id"], []).append(learner)
        group_rows = [self._group_row(g, by_group.get(g["uid"], []), data) for g in data["groups"] if g["size"]]
        pool = sorted((learner for learner in learners if learner["waiting_since"]), key=lambda learner: learner["waiting_since"])
        flags = self._flags(data, people)
        user_ids = {learner["id"]: learner.pop("_user_id") for learner in learners}
        return {
            "totals": {
                "learners": len(learners),
                "accepted": sum(learner["accepted"] for learner in learners),
                "submitted": sum(learner["submitted"] for learner in learners),
                "in_groups": sum(1 for learner in learners if learner["group_id"]),
                "waiting": len(pool),
                "groups": len(group_rows),
                "comments": sum(data["comments_by_reflection_author"].values()),
                "complete": sum(learner["complete"] for learner in learners),
                "flagged_items": len(flags),
            },
            "pool": pool,
            "pool_warnings": self._pool_warnings(pool),
            "groups": group_rows,
            "learners": learners,
            "flags": flags,
            "decisions": [
                {"item_id": d["item_uid"], "action": d["action"], "reason": d["reason"],
                 "by": usernames.get(d["decided_by"]) or d["decided_by"][:8], "at": iso(d["decided_at"])}
                for d in data["decisions"]
            ],
            "settings": {"min_group_size": self.config.min_group_size, "max_group_size": self.config.max_group_size,
                         "pool_timeout_hours": self.config.pool_timeout_hours},
        }, user_ids

    def _group_row(self, group, members, data):
        reflections = {m["_user_id"]: data["reflections"][m["_user_id"]] for m in members if m["_user_id"] in data["reflections"]}
        required = feedback.required_comments(self.config.comments_required, len(members))
        needs = [
            uid for author, (uid, hidden) in reflections.items()
            if not hidden and data["received"].get(author, 0) < required
        ]
        warnings = []
        last = group["last_activity"]
        if last is not None and self.now - last >= SILENT_HOURS * 3600:
            warnings.append("silent")
        if len(members) < self.config.min_group_size:
            warnings.append("small")
        return {
            "id": group["uid"],
            "name": self._group_name(group["number"]),
            "members": members,
            "reflections": len(reflections),
            "comments": sum(data["comments_by_reflection_author"].get(m["_user_id"], 0) for m in members),
            "needs_feedback": needs,
            "last_activity": iso(last),
            "warnings": warnings,
        }

    def _pool_warnings(self, pool):
        warnings = []
        deadline = self.config.pool_timeout_hours * 3600
        if len(pool) == 1:  # they wait until someone else submits, or until the deadline
            warnings.append("alone")
        if any(self.now - datetime.fromisoformat(learner["waiting_since"]).timestamp() >= deadline for learner in pool):
            warnings.append("overdue")
        return warnings

    def _flags(self, data, people):
        flags = []
        for item_uid, reasons in data["flags"].items():
            kind, author, text, hidden = data["texts"].get(item_uid, ("gone", None, "", False))
            if kind == "reflection":
                text = "\n\n".join(f"{p.text}\n{text.get(p.id, '')}" for p in self.config.prompts if text.get(p.id))
            author_person = people.get(author)
            flags.append({
                "item_id": item_uid,
                "kind": kind,
                "text": text,
                "author": author_person.name if author_person else "",
                "group_id": data["membership"].get(author),
                "reasons": [reason for reason, _at in reasons],
                "count": len(reasons),
                "hidden": hidden,
                "last_flagged": iso(max(at for _reason, at in reasons)),
            })
        flags.sort(key=lambda f: (f["hidden"], f["last_flagged"]), reverse=False)
        return flags

    def group(self, group_uid):
        """Any group's threads as staff see them: every item, hidden ones marked."""
        if not isinstance(group_uid, str):
            raise Invalid(_("%(field)s must be text."), field="group_id")
        view = self._run(lambda forum: store.staff_group(forum, group_uid))
        handles = {p.handle: p for p in view.people.values()}
        members = [view.people[m] for m in view.members if m in view.people]

        def who(handle):
            person = handles.get(handle)
            return {"id": handle, "name": person.name if person else self.gettext("A participant")}

        threads = []
        for reflection in view.reflections:
            threads.append({
                "id": reflection.id,
                "author": who(reflection.author),
                "answers": dict(reflection.answers),
                "hidden": reflection.hidden,
                "hidden_reason": view.reasons.get(reflection.id, ""),
                "edited": reflection.edited,
                "created_at": iso(reflection.submitted_at),
                "comments": [
                    {"id": c.id, "author": who(c.author), "text": c.text, "hidden": c.hidden,
                     "hidden_reason": view.reasons.get(c.id, ""), "helpful": c.helpful, "edited": c.edited,
                     "reply_to": c.reply_to, "created_at": iso(c.created_at)}
                    for c in view.comments if c.reflection_id == reflection.id
                ],
            })
        return {
            "id": view.uid,
            "name": self._group_name(view.number),
            "members": [{"id": p.handle, "name": p.name} for p in members],
            "threads": threads,
        }

    # -- changing ---------------------------------------------------------------------------

    def moderate(self, item_id, action, reason):
        """Hide or restore an item, with a reason; every decision is logged."""
        if action not in ("hide", "restore"):
            raise Invalid(_("action must be hide or restore."))
        if not isinstance(item_id, str) or not item_id:
            raise Invalid(_("%(field)s must be text."), field="item_id")
        reason = check_text(reason, MAX_REASON_CHARS, _("reason"), required=action == "hide").strip()
        changed = self._run(lambda forum: store.moderate(
            forum, item_id, action == "hide", reason, self.viewer.user_id, self.now))
        return changed

    def form_groups(self):
        """Place everyone waiting in the pool now; the changes made."""
        return self._run(lambda forum: store.form_groups_now(forum, self.rules, self.now, self.new_id))

    def move(self, learner_id, group_id):
        """Move a learner (by handle) into another group of the forum."""
        for name, value in (("learner_id", learner_id), ("group_id", group_id)):
            if not isinstance(value, str) or not value:
                raise Invalid(_("%(field)s must be text."), field=name)
        return self._run(lambda forum: store.move_learner(forum, learner_id, group_id, self.rules, self.now))

    def merge(self, group_id, into_group_id):
        """Merge group ``group_id`` into ``into_group_id`` (both of the forum's group set)."""
        for name, value in (("group_id", group_id), ("into_group_id", into_group_id)):
            if not isinstance(value, str) or not value:
                raise Invalid(_("%(field)s must be text."), field=name)
        return self._run(lambda forum: store.merge_groups(forum, group_id, into_group_id, self.rules, self.now))

    # -- export -----------------------------------------------------------------------------

    def export_csv(self, include_text=False):
        """Participation as CSV text (UTF-8 with a BOM); texts only when asked."""
        def load(forum):
            report, user_ids = self._report(store.report(forum, self.config.feedback_min_words))
            return report, user_ids, store.reflection_texts(forum) if include_text else {}

        report, user_ids, texts = self._run(load)
        columns = ["username", "name", "group", "accepted", "submitted_at", "waiting_since", "comments_given",
                   "comments_received", "helpful_received", "complete", "last_activity"]
        prompts = list(self.config.prompts) if include_text else []
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(columns + [f"answer:{p.id}" for p in prompts])
        for learner in report["learners"]:
            row = [learner["username"], learner["name"], learner["group_name"] or "", learner["accepted"],
                   learner["submitted_at"] or "", learner["waiting_since"] or "", learner["comments_given"],
                   learner["comments_received"], learner["helpful_received"], learner["complete"],
                   learner["last_activity"] or ""]
            if include_text:
                answers = texts.get(user_ids[learner["id"]]) or {}
                row += [answers.get(p.id, "") for p in prompts]
            writer.writerow([safe_cell(cell) for cell in row])
        return out.getvalue()
