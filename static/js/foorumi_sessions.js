/*
 * Foorumi's learner page, groups that last: ``window.Foorumi.sessions(view, app, post)``
 * gives the group stage's continuity parts, for a group of a group set (forums of a course
 * that share their small groups from session to session): "Your group meets again", who is
 * new since the last session, how many have not written in this session yet, the group's
 * earlier sessions, and one of them opened read-only below (``earlier_session``).
 *
 * ``post(handler, body, opts)`` is the view's POST to the block's handlers (foorumi_core.js
 * ``kit.post``). The session opened is page state kept here, not in the learner state: a
 * poll re-renders it as it is. Nothing in an earlier session can be edited, commented on or
 * flagged; Escape and "Close" close it and give the focus back to the button that opened it.
 * Learner text is only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.sessions = function (view, app, post) {
        var t = view.t;
        var ngettext = view.ngettext;
        var fmt = view.fmt;
        var h = view.h;
        var P = view.P;
        var idOf = view.idOf;
        var button = view.button;
        var nameOf = view.nameOf;
        var ui = app.ui;
        var unitsOf = Foorumi.comments.unitsOf;  // comments with their replies, one level
        var READER = P + "-earlier";
        var READER_HEADING = P + "-earlier-h";

        // The earlier session asked for or shown: {group, number, data, busy, err}, or null.
        var reader = null;
        var seq = 0;

        function sessionLabel(s) {
            var count = Number(s.took_part) || 0;
            return s.title ?
                fmt(ngettext("Session %(number)s: %(title)s, %(count)s person took part",
                    "Session %(number)s: %(title)s, %(count)s people took part", count),
                {number: s.number, title: s.title, count: count}) :
                fmt(ngettext("Session %(number)s, %(count)s person took part",
                    "Session %(number)s, %(count)s people took part", count), {number: s.number, count: count});
        }

        /** The continuity parts of the group stage (none for a group of this forum alone). */
        function items(state) {
            var group = state.group;
            var continuity = group && group.continuity;
            if (!continuity || !(continuity.sessions || []).length) {
                reader = null;
                return [];
            }
            var sessions = continuity.sessions;
            if (reader && (reader.group !== group.id || !sessions.some(function (s) {
                return s.number === reader.number && s.readable;
            }))) {
                reader = null;  // another group now, or the session is no longer readable
            }
            var isNew = {};
            (continuity["new"] || []).forEach(function (handle) { isNew[handle] = true; });
            var parts = [{
                key: "continuity",
                build: buildContinuity,
                data: {
                    name: group.name || "",
                    notYet: Number(group.not_yet) || 0,
                    members: (group.members || []).filter(function (m) { return isNew[m.id]; }),
                    sessions: sessions,
                    open: reader ? reader.number : null,
                    busy: !!(reader && reader.busy),
                    shown: !!(reader && reader.data),
                    err: reader && reader.err ? {msg: reader.err, retry: true} : null
                }
            }];
            if (reader && reader.data) {
                parts.push({key: "earlier", build: buildEarlier, data: reader.data});
            }
            return parts;
        }

        // ------------------------------------------------------------ "meets again"
        function buildContinuity(data) {
            var headingId = P + "-continuity-h";
            var sec = view.section("foorumi-continuity", headingId);
            sec.appendChild(h("h4", {"class": "foorumi-heading", id: headingId, text: t("Your group meets again")}));
            sec.appendChild(h("p", {"class": "foorumi-help", text: fmt(
                t("%(group)s is the same group as in the earlier sessions of this course."), {group: data.name})}));
            if (data.members.length) {
                var listId = P + "-newcomers";
                var list = h("ul", {"class": "foorumi-members foorumi-newcomers", "aria-labelledby": listId});
                data.members.forEach(function (m) {
                    list.appendChild(h("li", {"class": view.isMe(m) ? "is-me" : null}, [
                        h("span", {"class": "foorumi-member-name", text: view.nameWithYou(m)}), " ",
                        h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")})
                    ]));
                });
                sec.appendChild(h("div", {"class": "foorumi-members-row"}, [
                    h("span", {"class": "foorumi-members-label", id: listId, text: t("New to the group:")}),
                    list
                ]));
            } else {
                sec.appendChild(h("p", {text: t("Nobody new has joined since the last session.")}));
            }
            if (data.notYet > 0) {
                sec.appendChild(h("p", {"class": "foorumi-notyet", text: fmt(ngettext(
                    "%(count)s member of your group has not written in this session yet. They are still in the group and may write later.",
                    "%(count)s members of your group have not written in this session yet. They are still in the group and may write later.",
                    data.notYet), {count: data.notYet})}));
            }
            var listHeadId = P + "-sessions-h";
            sec.appendChild(h("h5", {"class": "foorumi-sessions-title", id: listHeadId, text: t("Earlier sessions")}));
            var sessions = h("ul", {"class": "foorumi-sessions", "aria-labelledby": listHeadId});
            data.sessions.forEach(function (s) {
                var labelId = idOf("sesslabel", s.number);
                var li = h("li", {"class": "foorumi-session"}, h("span", {id: labelId, text: sessionLabel(s)}));
                if (s.readable) {
                    var open = data.open === s.number;
                    var shown = open && data.shown;
                    li.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, button(
                        idOf("sess", s.number),
                        open && data.busy ? t("Loading\u2026") : fmt(t("Read session %(number)s"), {number: s.number}),
                        function () { toggle(s.number); },
                        {disabled: open && data.busy, expanded: shown, controls: shown ? READER : null,
                            describedby: labelId, cls: "foorumi-btn-quiet"})));
                    if (open && data.err) {
                        li.appendChild(view.errorBox("earlier", data.err, P + "-earlier-err"));
                    }
                } else {
                    li.appendChild(h("p", {"class": "foorumi-help foorumi-session-closed", text:
                        t("Only those who were in the group then can read it: the ground rules promised confidentiality to the group as it was.")}));
                }
                sessions.appendChild(li);
            });
            sec.appendChild(sessions);
            return sec;
        }

        /** "Read session N": open it (loading it), or close it when it is open. */
        function toggle(number) {
            if (reader && reader.number === number && reader.data) {
                close();
                return;
            }
            load(number);
        }

        function load(number) {
            var group = app.state && app.state.group;
            if (!group) {
                return;
            }
            seq += 1;
            var mine = seq;
            reader = {group: group.id, number: number, data: null, busy: true, err: null};
            ui.retry.earlier = function () { load(number); };
            app.render();
            post("earlier_session", {session: number}, {accept: function (data) {
                return typeof data.number === "number" && Array.isArray(data.threads);
            }}).then(function (r) {
                if (!reader || mine !== seq) {
                    return;  // closed, or another session asked for meanwhile
                }
                reader.busy = false;
                if (r.ok) {
                    reader.data = r.data;
                    ui.focusAfter = READER_HEADING;
                    view.announce(fmt(t("Session %(number)s is shown below, read only."), {number: number}));
                } else {
                    reader.err = r.error;
                    ui.focusAfter = idOf("sess", number);
                }
                app.render();
            });
        }

        function close() {
            var number = reader ? reader.number : null;
            reader = null;
            seq += 1;
            if (number !== null) {
                ui.focusAfter = idOf("sess", number);
            }
            app.render();
        }

        // ------------------------------------------------------- the earlier session
        /** ``data``: the earlier session as ``earlier_session`` returns it. */
        function buildEarlier(data) {
            var sec = h("section", {"class": "foorumi-section foorumi-earlier", id: READER, "aria-labelledby": READER_HEADING});
            sec.addEventListener("keydown", function (event) {
                if (event.key === "Escape" && !event.isComposing && !event.defaultPrevented) {
                    event.preventDefault();
                    event.stopPropagation();
                    close();
                }
            });
            var subtitle = data.title ? fmt(t("Session %(number)s: %(title)s"), {number: data.number, title: data.title}) :
                fmt(t("Session %(number)s"), {number: data.number});
            sec.appendChild(h("div", {"class": "foorumi-earlier-head"}, [
                h("h4", {"class": "foorumi-heading", id: READER_HEADING, tabindex: "-1", text: t("Earlier session (read only)")}),
                button(P + "-earlier-close", t("Close"), close, {describedby: READER_HEADING})
            ]));
            sec.appendChild(h("p", {"class": "foorumi-earlier-title", text: subtitle}));
            sec.appendChild(h("p", {"class": "foorumi-help", text:
                t("What your group wrote then, as it was. Nothing here can be changed or commented on.")}));
            var threads = data.threads || [];
            if (!threads.length) {
                sec.appendChild(h("p", {"class": "foorumi-empty", text: t("Nothing of this session can be shown.")}));
            }
            threads.forEach(function (th) {
                sec.appendChild(buildThread(data, th));
            });
            return sec;
        }

        function buildThread(data, th) {
            var titleId = idOf("eth", data.number + "-" + th.id);
            var art = h("article", {"class": "foorumi-thread foorumi-earlier-thread", "aria-labelledby": titleId});
            art.appendChild(h("h5", {"class": "foorumi-thread-title", id: titleId, text: view.isMe(th.author) ?
                t("Your reflection") : fmt(t("%(name)s's reflection"), {name: nameOf(th.author)})}));
            if (th.edited) {
                art.appendChild(h("p", {"class": "foorumi-meta"}, h("span", {"class": "foorumi-edited", text: t("(edited)")})));
            }
            art.appendChild(view.answersBlock(data.prompts || [], th.answers || {}, "h6"));
            var comments = th.comments || [];
            var total = Math.max(Number(th.comments_total) || 0, comments.length);
            if (!comments.length) {
                art.appendChild(h("p", {"class": "foorumi-empty", text: t("No comments yet.")}));
                return art;
            }
            var headId = idOf("ech", data.number + "-" + th.id);
            art.appendChild(h("h6", {"class": "foorumi-comments-title", id: headId,
                text: fmt(t("Comments (%(count)s)"), {count: total})}));
            if (total > comments.length) {
                art.appendChild(h("p", {"class": "foorumi-help", text: fmt(
                    t("The latest %(shown)s of %(total)s comments are shown."), {shown: comments.length, total: total})}));
            }
            var list = h("ol", {"class": "foorumi-comments", "aria-labelledby": headId});
            unitsOf(comments).forEach(function (unit) {
                var li = commentEl(unit.c, unit.orphan);
                if (unit.replies.length) {
                    var replies = h("ol", {"class": "foorumi-replies"});
                    unit.replies.forEach(function (r) { replies.appendChild(commentEl(r, false, true)); });
                    li.appendChild(replies);
                }
                list.appendChild(li);
            });
            art.appendChild(list);
            return art;
        }


        function commentEl(c, orphan, reply) {
            var li = h("li", {"class": "foorumi-comment" + (reply || orphan ? " is-reply" : "") +
                (view.isMe(c.author) ? " is-mine" : "")});
            li.appendChild(h("p", {"class": "foorumi-meta"}, [
                h("span", {"class": "foorumi-author", text: view.nameWithYou(c.author)}),
                c.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                orphan ? h("span", {"class": "foorumi-replyto", text: t("In reply to an earlier comment")}) : null
            ]));
            li.appendChild(h("div", {"class": "foorumi-text", text: c.text || ""}));
            return li;
        }

        return {items: items};
    };
}(window));
