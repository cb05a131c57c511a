/*
 * Foorumi's learner page, what members write in a thread besides the reflection:
 * ``window.Foorumi.comments(view, app)`` gives a thread's comment parts (heading, "Show
 * older comments", the list, the comment box) and the flag controls that reflections and
 * comments share, with what their buttons do (foorumi_sync.js runs the requests).
 *
 * Each builder gets the data its part shows, nothing else of the state. Learner text is
 * only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.comments = function (view, app) {
        var t = view.t;
        var ngettext = view.ngettext;
        var fmt = view.fmt;
        var h = view.h;
        var idOf = view.idOf;
        var button = view.button;
        var isMe = view.isMe;
        var ui = app.ui;
        var MAX_COMMENT = view.limits.comment;
        var MAX_REASON = view.limits.reason;

        // ------------------------------------------------------------------ flags
        /** What the flag controls of ``itemId`` show. */
        function flagData(itemId, flagged) {
            var key = "flag:" + itemId;
            return {id: itemId, flagged: !!flagged, open: !!ui.flagOpen[itemId], busy: !!ui.busy[key],
                err: app.errorOf(key)};
        }

        /** The Flag button into ``actions`` and, while open, its form into ``forms``. */
        function flagControls(actions, forms, flag, describedby) {
            var itemId = flag.id;
            if (flag.flagged) {
                actions.appendChild(h("span", {"class": "foorumi-flagged", id: idOf("flagged", itemId), tabindex: "-1",
                    text: t("Flagged for staff")}));
                return;
            }
            actions.appendChild(button(idOf("flag", itemId), t("Flag"), function () {
                ui.flagOpen[itemId] = !ui.flagOpen[itemId];
                delete ui.err["flag:" + itemId];
                ui.focusAfter = ui.flagOpen[itemId] ? idOf("reason", itemId) : idOf("flag", itemId);
                app.render();
            }, {expanded: flag.open, controls: flag.open ? idOf("flagform", itemId) : null, describedby: describedby,
                cls: "foorumi-btn-quiet"}));
            if (!flag.open) {
                return;
            }
            var key = "flag:" + itemId;
            var rid = idOf("reason", itemId);
            var form = h("div", {"class": "foorumi-flagform", id: idOf("flagform", itemId)});
            form.appendChild(h("label", {"for": rid, "class": "foorumi-label",
                text: t("Why should course staff look at this? (required)")}));
            var ta = view.textBox(rid, MAX_REASON, 3, rid + "-count " + rid + "-err", function (el) {
                ui.flagText[itemId] = el.value;
                paintFlag(itemId, el.value);
            });
            ta.setAttribute("aria-required", "true");
            form.appendChild(ta);
            form.appendChild(h("p", {"class": "foorumi-count", id: rid + "-count"}));
            form.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                button(idOf("flagsend", itemId), flag.busy ? t("Sending\u2026") : t("Send to staff"), function () {
                    sendFlag(itemId);
                }, {kind: "primary", disabled: flag.busy}),
                button(idOf("flagcancel", itemId), t("Cancel"), function () {
                    ui.flagOpen[itemId] = false;
                    delete ui.err[key];
                    ui.focusAfter = idOf("flag", itemId);
                    app.render();
                })
            ]));
            form.appendChild(view.errorBox(key, flag.err, rid + "-err"));
            forms.appendChild(form);
        }

        /** The open flag form's reason and its counter. */
        function paintFlag(itemId, text) {
            var rid = idOf("reason", itemId);
            var ta = view.byId(rid);
            if (ta) {
                view.setValue(ta, text);
                view.paintCounter(rid + "-count", (text || "").length, MAX_REASON);
            }
        }

        function sendFlag(itemId) {
            var key = "flag:" + itemId;
            var reason = (ui.flagText[itemId] || "").trim();
            if (!reason || reason.length > MAX_REASON) {
                ui.err[key] = {msg: reason ? fmt(ngettext("The reason can be at most %(max)s character.",
                    "The reason can be at most %(max)s characters.", MAX_REASON), {max: MAX_REASON}) :
                    t("Please tell course staff why you are flagging this.")};
                ui.focusAfter = idOf("reason", itemId);
                app.render();
                return;
            }
            app.act(key, "flag", {item_id: itemId, reason: reason}, {
                ok: function () {
                    ui.flagOpen[itemId] = false;
                    delete ui.flagText[itemId];
                    ui.focusAfter = idOf("flagged", itemId);
                    view.announce(t("Thank you. Course staff will look at it."));
                },
                retry: function () { sendFlag(itemId); }
            });
        }

        // ------------------------------------------------------- a thread's comments
        /** A thread's parts after its reflection: heading, older comments, list, comment box. */
        function items(th) {
            var shown = app.comments(th);
            var total = Math.max(Number(th.comments_total) || 0, shown.length);
            var parts = [{key: "chead", data: {id: th.id, count: total}, build: buildHeading}];
            if (shown.length && app.hasOlder(th)) {
                var okey = "older:" + th.id;
                parts.push({key: "older", build: buildOlder,
                    data: {id: th.id, busy: !!ui.busy[okey], err: app.errorOf(okey)}});
            }
            if (shown.length) {
                parts.push({
                    key: "clist",
                    data: {id: th.id},
                    build: function (data) {
                        return h("ol", {"class": "foorumi-comments", "aria-labelledby": idOf("ch", data.id)});
                    },
                    items: shown.map(function (c) { return commentItem(isMe(th.author), c); })
                });
            }
            if (!th.hidden) {
                var key = "comment:" + th.id;
                parts.push({
                    key: "box",
                    data: {id: th.id, name: view.nameOf(th.author), mine: isMe(th.author), busy: !!ui.busy[key],
                        err: app.errorOf(key)},
                    build: buildCommentBox,
                    live: ui.commentText[th.id] || "",
                    update: function (box, text) {
                        var fid = idOf("cbox", th.id);
                        view.setValue(view.byId(fid), text);
                        view.paintCounter(fid + "-count", text.length, MAX_COMMENT);
                    }
                });
            }
            return parts;
        }

        function buildHeading(data) {
            return data.count ?
                h("h6", {"class": "foorumi-comments-title", id: idOf("ch", data.id),
                    text: fmt(t("Comments (%(count)s)"), {count: data.count})}) :
                h("p", {"class": "foorumi-empty", text: t("No comments yet.")});
        }

        function buildOlder(data) {
            var key = "older:" + data.id;
            return h("div", {"class": "foorumi-older"}, [
                button(idOf("older", data.id), data.busy ? t("Loading\u2026") : t("Show older comments"), function () {
                    showOlder(data.id);
                }, {disabled: data.busy, describedby: idOf("ch", data.id), cls: "foorumi-btn-quiet"}),
                view.errorBox(key, data.err, idOf("older-err", data.id))
            ]);
        }

        function showOlder(threadId) {
            app.older(threadId, function (added, more) {
                view.announce(fmt(ngettext("%(count)s older comment shown.", "%(count)s older comments shown.",
                    added.length), {count: added.length}));
                // While there are more, the button keeps the focus; else the oldest comment gets it.
                ui.focusAfter = more || !added.length ? idOf("older", threadId) : idOf("c", added[0].id);
            });
        }

        function commentItem(threadMine, c) {
            var editing = view.has(ui.editComment, c.id);
            return {
                key: "c:" + c.id,
                data: {
                    c: c, threadMine: threadMine, editing: editing, isNew: !!ui.isNew[c.id],
                    edit: {busy: !!ui.busy["edit-comment:" + c.id], err: app.errorOf("edit-comment:" + c.id)},
                    helpful: {busy: !!ui.busy["helpful:" + c.id], err: app.errorOf("helpful:" + c.id)},
                    flag: flagData(c.id, c.flagged)
                },
                build: buildComment,
                live: {edit: editing ? ui.editComment[c.id] : null, flag: ui.flagText[c.id] || ""},
                update: function (li, live) {
                    if (live.edit !== null) {
                        var fid = idOf("cedit", c.id);
                        view.setValue(view.byId(fid), live.edit);
                        view.paintCounter(fid + "-count", live.edit.length, MAX_COMMENT);
                    }
                    paintFlag(c.id, live.flag);
                }
            };
        }

        function buildComment(data) {
            var c = data.c;
            var mine = isMe(c.author);
            var metaId = idOf("cmeta", c.id);
            var li = h("li", {
                "class": "foorumi-comment" + (mine ? " is-mine" : "") + (c.helpful ? " is-helpful" : "") +
                    (data.isNew ? " is-new" : ""),
                id: idOf("c", c.id),
                tabindex: "-1",
                "aria-labelledby": metaId
            });
            li.appendChild(h("p", {"class": "foorumi-meta", id: metaId}, [
                h("span", {"class": "foorumi-author", text: view.nameWithYou(c.author)}),
                view.timeEl(c.created_at),
                c.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                c.helpful && !data.threadMine ? h("span", {"class": "foorumi-badge foorumi-badge-helpful",
                    text: t("Helpful to the author")}) : null,
                data.isNew ? h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")}) : null
            ]));
            if (c.hidden) {
                li.appendChild(h("p", {"class": "foorumi-moderated", text: mine ?
                    t("Hidden by a moderator. The others in your group cannot see it.") :
                    t("Removed by a moderator.")}));
            }
            if (data.editing && !c.hidden) {
                li.appendChild(buildEditComment(c, data.edit));
                return li;
            }
            if (!c.hidden || mine) {
                li.appendChild(h("div", {"class": "foorumi-text", text: c.text}));
            }
            var actions = h("div", {"class": "foorumi-actions foorumi-actions-small"});
            var forms = h("div");
            if (mine && !c.hidden) {
                actions.appendChild(button(idOf("cedit-btn", c.id), t("Edit"), function () {
                    ui.editComment[c.id] = c.text || "";
                    delete ui.err["edit-comment:" + c.id];
                    ui.focusAfter = idOf("cedit", c.id);
                    app.render();
                }, {describedby: metaId, cls: "foorumi-btn-quiet"}));
            }
            if (data.threadMine && !mine && !c.hidden) {
                actions.appendChild(button(idOf("helpful", c.id), t("Mark as helpful"), function () {
                    toggleHelpful(c.id, !c.helpful);
                }, {pressed: !!c.helpful, disabled: data.helpful.busy, describedby: metaId,
                    cls: "foorumi-btn-toggle"}));
            }
            if (!mine && !c.hidden) {
                flagControls(actions, forms, data.flag, metaId);
            }
            if (actions.childNodes.length) {
                li.appendChild(actions);
            }
            li.appendChild(forms);
            li.appendChild(view.errorBox("helpful:" + c.id, data.helpful.err, idOf("helpful-err", c.id)));
            return li;
        }

        function buildEditComment(c, edit) {
            var key = "edit-comment:" + c.id;
            var fid = idOf("cedit", c.id);
            var form = h("div", {"class": "foorumi-editform"});
            form.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: t("Edit your comment")}));
            form.appendChild(view.textBox(fid, MAX_COMMENT, 4, fid + "-count " + fid + "-err", function (ta) {
                ui.editComment[c.id] = ta.value;
                view.paintCounter(fid + "-count", ta.value.length, MAX_COMMENT);
            }));
            form.appendChild(h("p", {"class": "foorumi-count", id: fid + "-count"}));
            form.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                button(idOf("cedit-save", c.id), edit.busy ? t("Saving\u2026") : t("Save changes"), function () {
                    saveEditComment(c.id);
                }, {kind: "primary", disabled: edit.busy}),
                button(idOf("cedit-cancel", c.id), t("Cancel"), function () {
                    delete ui.editComment[c.id];
                    delete ui.err[key];
                    ui.focusAfter = idOf("cedit-btn", c.id);
                    app.render();
                })
            ]));
            form.appendChild(view.errorBox(key, edit.err, fid + "-err"));
            return form;
        }

        function saveEditComment(commentId) {
            var key = "edit-comment:" + commentId;
            var text = ui.editComment[commentId] || "";
            var problem = commentProblem(text);
            if (problem) {
                ui.err[key] = {msg: problem};
                ui.focusAfter = idOf("cedit", commentId);
                app.render();
                return;
            }
            app.act(key, "edit_comment", {comment_id: commentId, text: text}, {
                ok: function () {
                    delete ui.editComment[commentId];
                    ui.focusAfter = idOf("cedit-btn", commentId);
                    view.announce(t("Your changes are saved."));
                },
                retry: function () { saveEditComment(commentId); }
            });
        }

        function toggleHelpful(commentId, helpful) {
            app.act("helpful:" + commentId, "mark_helpful", {comment_id: commentId, helpful: helpful}, {
                ok: function () {
                    view.announce(helpful ? t("Marked as helpful.") : t("No longer marked as helpful."));
                },
                retry: function () { toggleHelpful(commentId, helpful); }
            });
        }

        function commentProblem(text) {
            if (!String(text || "").trim()) {
                return t("Write a comment first.");
            }
            if (text.length > MAX_COMMENT) {
                return fmt(ngettext("A comment can be at most %(max)s character.",
                    "A comment can be at most %(max)s characters.", MAX_COMMENT), {max: MAX_COMMENT});
            }
            return "";
        }

        // ------------------------------------------------------------- comment box
        function buildCommentBox(data) {
            var key = "comment:" + data.id;
            var fid = idOf("cbox", data.id);
            var box = h("div", {"class": "foorumi-commentbox"});
            box.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: data.mine ? t("Reply") :
                fmt(t("Comment on %(name)s's reflection"), {name: data.name})}));
            var ta = view.textBox(fid, MAX_COMMENT, 4, fid + "-count " + fid + "-err", function (el) {
                ui.commentText[data.id] = el.value;
                view.paintCounter(fid + "-count", el.value.length, MAX_COMMENT);
            });
            ta.readOnly = data.busy;
            box.appendChild(ta);
            box.appendChild(h("div", {"class": "foorumi-actions"}, [
                button(idOf("cpost", data.id), data.busy ? t("Posting\u2026") : t("Post comment"), function () {
                    postComment(data.id);
                }, {kind: "primary", disabled: data.busy}),
                h("p", {"class": "foorumi-count", id: fid + "-count"})
            ]));
            box.appendChild(view.errorBox(key, data.err, fid + "-err"));
            return box;
        }

        function postComment(threadId) {
            var key = "comment:" + threadId;
            var th = app.findThread(threadId);
            if (!th || ui.busy[key]) {
                return;
            }
            var text = ui.commentText[threadId] || "";
            var problem = commentProblem(text);
            if (problem) {
                ui.err[key] = {msg: problem};
                ui.focusAfter = idOf("cbox", threadId);
                app.render();
                return;
            }
            // A retry of the same text keeps its request_id, so the server creates one comment only.
            var pending = ui.pending[key];
            if (!pending || pending.key !== text) {
                pending = ui.pending[key] = {request_id: app.uuid(), key: text};
            }
            var before = {};
            th.comments.forEach(function (c) { before[c.id] = true; });
            app.act(key, "comment", {reflection_id: th.reflection_id || th.id, text: text, request_id: pending.request_id}, {
                ok: function () {
                    delete ui.pending[key];
                    ui.commentText[threadId] = "";
                    var now = app.findThread(threadId);
                    var added = now ? now.comments.filter(function (c) { return !before[c.id] && isMe(c.author); }) : [];
                    ui.focusAfter = added.length ? idOf("c", added[added.length - 1].id) : idOf("cbox", threadId);
                    view.announce(t("Comment posted"));
                },
                retry: function () { postComment(threadId); }
            });
        }

        return {
            items: items,
            flagData: flagData,
            flagControls: flagControls,
            paintFlag: paintFlag,
            focusBox: function (threadId) {
                var ta = view.byId(idOf("cbox", threadId));
                if (ta) {
                    if (typeof ta.scrollIntoView === "function") {
                        ta.scrollIntoView({block: "center"});
                    }
                    ta.focus({preventScroll: true});
                }
            }
        };
    };
}(window));
