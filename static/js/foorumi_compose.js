/*
 * Foorumi's learner page, writing in a thread: ``window.Foorumi.compose(view, app, words)``
 * gives the comment box of a thread and the reply box of a comment, each behind its button
 * ("Comment", "Reply"), with what their buttons do (foorumi_sync.js runs the requests).
 *
 * - A box opens from its button, which gives the box the focus; Cancel (beside the primary
 *   button) and Escape close it and give the focus back to the button. What was typed is
 *   kept: opening the box again shows it.
 * - Feedback that counts: while a learner writes on a peer's reflection, the comment box says
 *   before posting when the comment is too short to count toward the feedback they still
 *   need (fewer than the forum's ``feedback_min_words`` words, counted by
 *   foorumi_words.js exactly as the server counts). The note is a polite status region: the
 *   comment box's description is its counter and its error. Replies never count; a reply box
 *   on a peer's reflection says so while feedback is still needed.
 * - A reply answers a comment (``comment`` with ``reply_to``), one level deep: foorumi_comments.js
 *   shows replies under the comment they answer and offers "Reply" on comments only.
 *
 * Learner text is only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.compose = function (view, app, words) {
        var t = view.t;
        var ngettext = view.ngettext;
        var fmt = view.fmt;
        var h = view.h;
        var idOf = view.idOf;
        var byId = view.byId;
        var button = view.button;
        var isMe = view.isMe;
        var ui = app.ui;
        var MAX_COMMENT = view.limits.comment;

        ui.boxOpen = ui.boxOpen || {};     // thread id -> true while its comment box is open
        ui.replyOpen = ui.replyOpen || {}; // comment id -> true while its reply box is open
        ui.replyText = ui.replyText || {}; // comment id -> unsent reply text

        /** Escape closes ``form`` (``close()``), unless a composition or another handler has it. */
        function closeOnEscape(form, close) {
            form.addEventListener("keydown", function (event) {
                if (event.key === "Escape" && !event.isComposing && !event.defaultPrevented) {
                    event.preventDefault();
                    event.stopPropagation();
                    close();
                }
            });
            return form;
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

        /**
         * How feedback counts in ``th`` for the viewer: ``min`` words a comment needs to count
         * (0: no note), and ``need`` (feedback is still needed: not complete, not one's own
         * thread, no comment of theirs counts here yet).
         */
        function feedbackOf(th) {
            var state = app.state;
            var progress = state.progress || {};
            var counted = th.comments.some(function (c) { return isMe(c.author) && c.counts; });
            return {
                min: Math.max(0, Number(state.feedback_min_words) || 0),
                need: !isMe(th.author) && !progress.complete && Number(progress.comments_required) > 0 && !counted
            };
        }

        // ------------------------------------------------------------- comment box
        /** The thread's comment box part: its "Comment" button, or the open box. */
        function boxItem(th) {
            var key = "comment:" + th.id;
            var feedback = feedbackOf(th);
            return {
                key: "box",
                data: {id: th.id, name: view.nameOf(th.author), mine: isMe(th.author), open: !!ui.boxOpen[th.id],
                    busy: !!ui.busy[key], err: app.errorOf(key)},
                build: buildCommentBox,
                live: {text: ui.commentText[th.id] || "", feedback: feedback},
                update: function (box, live) {
                    var fid = idOf("cbox", th.id);
                    if (!byId(fid)) {
                        return;
                    }
                    view.setValue(byId(fid), live.text);
                    view.paintCounter(fid + "-count", live.text.length, MAX_COMMENT);
                    paintNote(fid + "-note", live.text, live.feedback);
                }
            };
        }

        /** The note under a comment box: said when the comment is too short to count. */
        function paintNote(id, text, feedback) {
            var el = byId(id);
            if (!el) {
                return;
            }
            var short = feedback.need && feedback.min > 0 && String(text).trim() !== "" &&
                words.countWords(text) < feedback.min;
            var message = short ? fmt(ngettext(
                "Too short to count toward your feedback: a comment counts with at least %(min)s word.",
                "Too short to count toward your feedback: a comment counts with at least %(min)s words.",
                feedback.min), {min: feedback.min}) : "";
            if (el.textContent !== message) {
                el.textContent = message;
            }
        }

        function openBox(threadId) {
            ui.boxOpen[threadId] = true;
            ui.focusAfter = idOf("cbox", threadId);
            app.render();
        }

        function closeBox(threadId) {
            delete ui.boxOpen[threadId];
            delete ui.err["comment:" + threadId];
            ui.focusAfter = idOf("cbtn", threadId);
            app.render();
        }

        function buildCommentBox(data) {
            if (!data.open) {
                return h("div", {"class": "foorumi-compose"}, button(idOf("cbtn", data.id), t("Comment"), function () {
                    openBox(data.id);
                }, {describedby: idOf("th", data.id)}));
            }
            var key = "comment:" + data.id;
            var fid = idOf("cbox", data.id);
            var box = h("div", {"class": "foorumi-commentbox", id: idOf("cform", data.id)});
            box.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: data.mine ?
                t("Comment on your reflection") : fmt(t("Comment on %(name)s's reflection"), {name: data.name})}));
            var ta = view.textBox(fid, MAX_COMMENT, 4, fid + "-count " + fid + "-err", function (el) {
                ui.commentText[data.id] = el.value;
                view.paintCounter(fid + "-count", el.value.length, MAX_COMMENT);
                var th = app.findThread(data.id);
                if (th) {
                    paintNote(fid + "-note", el.value, feedbackOf(th));
                }
            });
            ta.readOnly = data.busy;
            box.appendChild(ta);
            box.appendChild(h("p", {"class": "foorumi-feedback-note", id: fid + "-note", role: "status"}));
            box.appendChild(h("div", {"class": "foorumi-actions"}, [
                button(idOf("cpost", data.id), data.busy ? t("Posting\u2026") : t("Post comment"), function () {
                    postComment(data.id);
                }, {kind: "primary", disabled: data.busy}),
                button(idOf("ccancel", data.id), t("Cancel"), function () { closeBox(data.id); }),
                h("p", {"class": "foorumi-count", id: fid + "-count"})
            ]));
            box.appendChild(view.errorBox(key, data.err, fid + "-err"));
            return closeOnEscape(box, function () { closeBox(data.id); });
        }

        /** Post ``text`` to ``th`` (a reply when ``replyTo``); ``key`` names the action. */
        function send(key, th, text, replyTo, done) {
            // A retry of the same text keeps its request_id, so the server creates one comment only.
            var pending = ui.pending[key];
            if (!pending || pending.key !== text) {
                pending = ui.pending[key] = {request_id: app.uuid(), key: text};
            }
            var before = {};
            app.comments(th).forEach(function (c) { before[c.id] = true; });
            var body = {reflection_id: th.reflection_id || th.id, text: text, request_id: pending.request_id};
            if (replyTo) {
                body.reply_to = replyTo;
            }
            app.act(key, "comment", body, {
                ok: function () {
                    delete ui.pending[key];
                    var now = app.findThread(th.id);
                    var added = now ? now.comments.filter(function (c) { return !before[c.id] && isMe(c.author); }) : [];
                    done(added.length ? added[added.length - 1] : null);
                },
                retry: function () { done.retry(); }
            });
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
            var done = function (added) {
                ui.commentText[threadId] = "";
                ui.focusAfter = added ? idOf("c", added.id) : idOf("cbox", threadId);
                view.announce(t("Comment posted"));
            };
            done.retry = function () { postComment(threadId); };
            send(key, th, text, null, done);
        }

        // --------------------------------------------------------------- reply box
        /** The "Reply" button of the comment ``c`` (a comment, not a reply) in ``th``. */
        function replyButton(th, c, describedby) {
            var open = !!ui.replyOpen[c.id];
            return button(idOf("rbtn", c.id), t("Reply"), function () {
                if (ui.replyOpen[c.id]) {
                    closeReply(c.id);
                    return;
                }
                ui.replyOpen[c.id] = true;
                ui.focusAfter = idOf("rbox", c.id);
                app.render();
            }, {expanded: open, controls: open ? idOf("rform", c.id) : null, describedby: describedby,
                cls: "foorumi-btn-quiet"});
        }

        function closeReply(commentId) {
            delete ui.replyOpen[commentId];
            delete ui.err["reply:" + commentId];
            ui.focusAfter = idOf("rbtn", commentId);
            app.render();
        }

        /** The reply box part under the comment ``c`` of ``th`` while it is open, else null. */
        function replyItem(th, c) {
            if (!ui.replyOpen[c.id] || th.hidden || c.hidden) {
                return null;
            }
            var key = "reply:" + c.id;
            return {
                key: "reply-box",
                data: {id: c.id, threadId: th.id, name: view.nameWithYou(c.author), busy: !!ui.busy[key],
                    err: app.errorOf(key), note: feedbackOf(th).need},
                build: buildReplyBox,
                live: ui.replyText[c.id] || "",
                update: function (box, text) {
                    var fid = idOf("rbox", c.id);
                    view.setValue(byId(fid), text);
                    view.paintCounter(fid + "-count", text.length, MAX_COMMENT);
                }
            };
        }

        function buildReplyBox(data) {
            var key = "reply:" + data.id;
            var fid = idOf("rbox", data.id);
            var box = h("div", {"class": "foorumi-replybox", id: idOf("rform", data.id)});
            box.appendChild(h("label", {"for": fid, "class": "foorumi-label",
                text: fmt(t("Reply to %(name)s"), {name: data.name})}));
            var described = fid + "-count " + (data.note ? fid + "-note " : "") + fid + "-err";
            var ta = view.textBox(fid, MAX_COMMENT, 3, described, function (el) {
                ui.replyText[data.id] = el.value;
                view.paintCounter(fid + "-count", el.value.length, MAX_COMMENT);
            });
            ta.readOnly = data.busy;
            box.appendChild(ta);
            if (data.note) {
                box.appendChild(h("p", {"class": "foorumi-feedback-note", id: fid + "-note",
                    text: t("Replies do not count toward your feedback.")}));
            }
            box.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                button(idOf("rpost", data.id), data.busy ? t("Posting\u2026") : t("Post reply"), function () {
                    postReply(data.threadId, data.id);
                }, {kind: "primary", disabled: data.busy}),
                button(idOf("rcancel", data.id), t("Cancel"), function () { closeReply(data.id); }),
                h("p", {"class": "foorumi-count", id: fid + "-count"})
            ]));
            box.appendChild(view.errorBox(key, data.err, fid + "-err"));
            return closeOnEscape(box, function () { closeReply(data.id); });
        }

        function postReply(threadId, commentId) {
            var key = "reply:" + commentId;
            var th = app.findThread(threadId);
            if (!th || ui.busy[key]) {
                return;
            }
            var text = ui.replyText[commentId] || "";
            var problem = commentProblem(text);
            if (problem) {
                ui.err[key] = {msg: problem};
                ui.focusAfter = idOf("rbox", commentId);
                app.render();
                return;
            }
            var done = function (added) {
                delete ui.replyOpen[commentId];
                ui.replyText[commentId] = "";
                ui.focusAfter = added ? idOf("c", added.id) : idOf("rbtn", commentId);
                view.announce(t("Reply posted"));
            };
            done.retry = function () { postReply(threadId, commentId); };
            send(key, th, text, commentId, done);
        }

        return {
            boxItem: boxItem,
            replyButton: replyButton,
            replyItem: replyItem,
            commentProblem: commentProblem,
            closeOnEscape: closeOnEscape,
            /** Open ``threadId``'s comment box and give it the focus (the suggestions' buttons). */
            focusBox: function (threadId) {
                if (!ui.boxOpen[threadId]) {
                    openBox(threadId);
                }
                var ta = byId(idOf("cbox", threadId));
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
