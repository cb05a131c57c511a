/*
 * Foorumi's learner page, what members write in a thread besides the reflection:
 * ``window.Foorumi.comments(view, app, links, compose)`` gives a thread's comment parts
 * (heading, the control for older comments, the list with replies, the comment box of
 * foorumi_compose.js), the flag controls that reflections and comments share, and
 * ``longText``, learner text with its links (foorumi_links.js) that folds when it is long.
 *
 * Shorter pages:
 * - Learner text over ``FOLD_CHARS`` characters or ``FOLD_LINES`` lines shows a preview and
 *   "Show all" / "Show less" (aria-expanded, aria-controls).
 * - A thread of more than ``NEWEST`` comments shows the newest (with its replies) and "Show
 *   all N comments", as phones' social feeds do: on a 375 px screen a comment of two
 *   sentences is about 300 px high. The others stay in the list, hidden, so nothing typed or
 *   loaded is lost; a comment that is new, or has a form open, is shown anyway. When the
 *   server has older comments still, the control is "Show older comments": it shows the
 *   hidden ones and loads the page before them.
 * - Replies sit under the comment they answer, indented, one level deep (a reply to a reply
 *   sits under the first comment of its chain). A reply whose comment is not loaded (paged
 *   out) is shown where it falls in time, marked as a reply to an earlier comment.
 *
 * Escape closes the flag and edit forms and gives the focus back to the button that opened
 * them. Each builder gets the data its part shows, nothing else of the state. Learner text is
 * only ever inserted with textContent or as text nodes and ``<a>`` elements built by
 * foorumi_links.js.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    var FOLD_CHARS = 600;
    var FOLD_LINES = 8;
    var PREVIEW_CHARS = 160;
    var PREVIEW_LINES = 3;
    var PREVIEW_MIN = 40;
    var NEWEST = 1;

    Foorumi.comments = function (view, app, links, compose) {
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
        var closeOnEscape = compose.closeOnEscape;

        ui.expanded = ui.expanded || {};   // long text key -> true while shown in full
        ui.threadOpen = ui.threadOpen || {}; // thread id -> true once all its comments are shown

        // -------------------------------------------------------------- long text
        /** ``text`` cut to at most ``chars`` characters and ``lines`` lines, at a space. */
        function cut(text, chars, lines) {
            var rows = text.split("\n").slice(0, Math.max(1, lines));
            var out = rows.join("\n");
            if (out.length > chars) {
                var end = out.lastIndexOf(" ", chars);
                var next = out.slice(chars).search(/\s/);
                out = out.slice(0, end > chars / 2 ? end : next >= 0 && next < 200 ? chars + next : chars);
            }
            return out.replace(/\s+$/, "");
        }

        /** Whether ``sections`` (``[{heading, text}]``) are long enough to fold. */
        function isLong(sections) {
            var chars = 0;
            var lines = 0;
            sections.forEach(function (s) {
                chars += s.text.length;
                lines += s.text.split("\n").length + (s.heading ? 1 : 0);
            });
            return chars > FOLD_CHARS || lines > FOLD_LINES;
        }

        /**
         * The sections as far as a preview goes (about three lines on a phone); the last one
         * shown ends with "…". A section starts only with room for a few words of it.
         */
        function preview(sections) {
            var chars = PREVIEW_CHARS;
            var lines = PREVIEW_LINES;
            var out = [];
            for (var i = 0; i < sections.length && (i === 0 || (chars >= PREVIEW_MIN && lines > 1)); i++) {
                var s = sections[i];
                var text = cut(s.text, chars, Math.max(1, lines - (s.heading ? 1 : 0)));
                chars -= text.length;
                lines -= text.split("\n").length + (s.heading ? 1 : 0);
                out.push({heading: s.heading, text: text});
            }
            out[out.length - 1].text += "\u2026";
            return out;
        }

        /** One piece of learner text, its http(s) addresses as links. */
        function textEl(text) {
            return links.append(h("div", {"class": "foorumi-text"}), text);
        }

        /**
         * Learner text ``sections`` (``[{heading, text}]``; ``headingTag`` for the headings)
         * under the key ``key``: in full, or folded with "Show all" when long. The toggle is
         * the element's ``foorumiToggle``, for the caller's row of actions (a row less).
         * ``describedby`` names what the toggle belongs to (a title or a comment's meta line).
         */
        function longText(key, sections, headingTag, describedby) {
            var id = idOf("txt", key);
            var wrap = h("div", {"class": "foorumi-longtext"});
            var body = h("div", {"class": "foorumi-answers", id: id});
            var long = isLong(sections);
            var open = !long || !!ui.expanded[key];
            (open ? sections : preview(sections)).forEach(function (s) {
                if (s.heading) {
                    body.appendChild(h(headingTag, {"class": "foorumi-prompt", text: s.heading}));
                }
                body.appendChild(textEl(s.text));
            });
            wrap.appendChild(body);
            if (long) {
                var bid = idOf("more", key);
                wrap.foorumiToggle = button(bid, open ? t("Show less") : t("Show all"), function () {
                    ui.expanded[key] = !ui.expanded[key];
                    ui.focusAfter = bid;
                    app.render();
                }, {expanded: open, controls: id, describedby: describedby, cls: "foorumi-btn-quiet foorumi-more"});
            }
            return wrap;
        }

        // ------------------------------------------------------------------ flags
        /** What the flag controls of ``itemId`` show. */
        function flagData(itemId, flagged) {
            var key = "flag:" + itemId;
            return {id: itemId, flagged: !!flagged, open: !!ui.flagOpen[itemId], busy: !!ui.busy[key],
                err: app.errorOf(key)};
        }

        function closeFlag(itemId) {
            ui.flagOpen[itemId] = false;
            delete ui.err["flag:" + itemId];
            ui.focusAfter = idOf("flag", itemId);
            app.render();
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
                if (ui.flagOpen[itemId]) {
                    closeFlag(itemId);
                    return;
                }
                ui.flagOpen[itemId] = true;
                delete ui.err["flag:" + itemId];
                ui.focusAfter = idOf("reason", itemId);
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
                button(idOf("flagcancel", itemId), t("Cancel"), function () { closeFlag(itemId); })
            ]));
            form.appendChild(view.errorBox(key, flag.err, rid + "-err"));
            forms.appendChild(closeOnEscape(form, function () { closeFlag(itemId); }));
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
        var unitsOf = Foorumi.comments.unitsOf;

        /** Whether a unit must stay in view in a folded thread: something new or open in it. */
        function busyUnit(unit) {
            return [unit.c].concat(unit.replies).some(function (c) {
                return ui.isNew[c.id] || ui.replyOpen[c.id] || ui.flagOpen[c.id] || view.has(ui.editComment, c.id);
            });
        }

        /** A thread's parts after its reflection: heading, older comments, list, comment box. */
        function items(th) {
            var shown = app.comments(th);
            var total = Math.max(Number(th.comments_total) || 0, shown.length);
            var units = unitsOf(shown);
            var older = shown.length > 0 && app.hasOlder(th);
            var folded = !ui.threadOpen[th.id] && units.length > NEWEST;
            var parts = [{key: "chead", data: {id: th.id, count: total}, build: buildHeading}];
            if (older || folded) {
                var okey = "older:" + th.id;
                parts.push({key: "older", build: buildOlder,
                    data: {id: th.id, older: older, total: total, busy: !!ui.busy[okey], err: app.errorOf(okey)}});
            }
            if (units.length) {
                var threadMine = isMe(th.author);
                parts.push({
                    key: "clist",
                    data: {id: th.id},
                    build: function (data) {
                        return h("ol", {"class": "foorumi-comments", id: idOf("clist", data.id),
                            "aria-labelledby": idOf("ch", data.id)});
                    },
                    items: units.map(function (unit, i) {
                        var hide = folded && i < units.length - NEWEST && !busyUnit(unit);
                        return commentItem(th, threadMine, unit.c, {unit: unit, hidden: hide});
                    })
                });
            }
            if (!th.hidden) {
                parts.push(compose.boxItem(th));
            }
            return parts;
        }

        function buildHeading(data) {
            return data.count ?
                h("h6", {"class": "foorumi-comments-title", id: idOf("ch", data.id),
                    text: fmt(t("Comments (%(count)s)"), {count: data.count})}) :
                h("p", {"class": "foorumi-empty", text: t("No comments yet.")});
        }

        /** "Show older comments" (the server has more) or "Show all N comments" (a folded thread). */
        function buildOlder(data) {
            var key = "older:" + data.id;
            var label = data.busy ? t("Loading\u2026") : data.older ? t("Show older comments") :
                fmt(ngettext("Show all %(count)s comment", "Show all %(count)s comments", data.total), {count: data.total});
            return h("div", {"class": "foorumi-older"}, [
                button(idOf("older", data.id), label, function () {
                    showOlder(data.id, data.older);
                }, {disabled: data.busy, describedby: idOf("ch", data.id), cls: "foorumi-btn-quiet",
                    expanded: data.older ? null : false, controls: data.older ? null : idOf("clist", data.id)}),
                view.errorBox(key, data.err, idOf("older-err", data.id))
            ]);
        }

        function showOlder(threadId, fromServer) {
            var th = app.findThread(threadId);
            var wasFolded = !ui.threadOpen[threadId];
            var firstShown = null;
            if (th && wasFolded) {
                var units = unitsOf(app.comments(th));
                var firstHidden = units.length > NEWEST ? units[0] : null;
                firstShown = firstHidden ? firstHidden.c.id : null;
            }
            ui.threadOpen[threadId] = true;
            if (!fromServer) {
                ui.focusAfter = firstShown ? idOf("c", firstShown) : idOf("older", threadId);
                app.render();
                return;
            }
            app.older(threadId, function (added, more) {
                view.announce(fmt(ngettext("%(count)s older comment shown.", "%(count)s older comments shown.",
                    added.length), {count: added.length}));
                // While there are more, the button keeps the focus; else the oldest comment gets it.
                ui.focusAfter = more || !added.length ? idOf("older", threadId) : idOf("c", added[0].id);
            });
        }

        /** A comment's part (``opts.unit``: a comment with its replies; else a reply). */
        function commentItem(th, threadMine, c, opts) {
            var editing = view.has(ui.editComment, c.id);
            var unit = opts.unit;
            var item = {
                key: "c:" + c.id,
                data: {
                    c: c, threadMine: threadMine, editing: editing, isNew: !!ui.isNew[c.id],
                    reply: !unit || unit.orphan, orphan: !!(unit && unit.orphan),
                    canReply: !!unit && !unit.orphan && !th.hidden && !c.hidden, replyOpen: !!ui.replyOpen[c.id],
                    expanded: !!ui.expanded["c:" + c.id],
                    edit: {busy: !!ui.busy["edit-comment:" + c.id], err: app.errorOf("edit-comment:" + c.id)},
                    helpful: {busy: !!ui.busy["helpful:" + c.id], err: app.errorOf("helpful:" + c.id)},
                    flag: flagData(c.id, c.flagged)
                },
                build: function (data) { return buildComment(th, data); },
                live: {edit: editing ? ui.editComment[c.id] : null, flag: ui.flagText[c.id] || "", hidden: !!opts.hidden},
                update: function (li, live) {
                    li.hidden = live.hidden;
                    if (live.edit !== null) {
                        var fid = idOf("cedit", c.id);
                        view.setValue(view.byId(fid), live.edit);
                        view.paintCounter(fid + "-count", live.edit.length, MAX_COMMENT);
                    }
                    paintFlag(c.id, live.flag);
                }
            };
            if (unit && !unit.orphan) {
                var after = [];
                if (unit.replies.length) {
                    after.push({
                        key: "replies",
                        data: {id: c.id},
                        build: function () { return h("ol", {"class": "foorumi-replies"}); },
                        items: unit.replies.map(function (r) { return commentItem(th, threadMine, r, {}); })
                    });
                }
                var box = compose.replyItem(th, c);
                if (box) {
                    after.push(box);
                }
                item.items = after;
            }
            return item;
        }

        function buildComment(th, data) {
            var c = data.c;
            var mine = isMe(c.author);
            var metaId = idOf("cmeta", c.id);
            var li = h("li", {
                "class": "foorumi-comment" + (data.reply ? " is-reply" : "") + (mine ? " is-mine" : "") +
                    (c.helpful ? " is-helpful" : "") + (data.isNew ? " is-new" : ""),
                id: idOf("c", c.id),
                tabindex: "-1",
                "aria-labelledby": metaId
            });
            var after = h("div", {"class": "foorumi-comment-after"});
            li.foorumiList = after;
            li.appendChild(h("p", {"class": "foorumi-meta", id: metaId}, [
                h("span", {"class": "foorumi-author", text: view.nameWithYou(c.author)}),
                view.timeEl(c.created_at),
                c.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                c.helpful && !data.threadMine ? h("span", {"class": "foorumi-badge foorumi-badge-helpful",
                    text: t("Helpful to the author")}) : null,
                data.isNew ? h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")}) : null,
                data.orphan ? h("span", {"class": "foorumi-replyto", text: t("In reply to an earlier comment")}) : null
            ]));
            if (c.hidden) {
                li.appendChild(h("p", {"class": "foorumi-moderated", text: mine ?
                    t("Hidden by a moderator. The others in your group cannot see it.") :
                    t("Removed by a moderator.")}));
            }
            if (data.editing && !c.hidden) {
                li.appendChild(buildEditComment(c, data.edit));
                li.appendChild(after);
                return li;
            }
            var text = !c.hidden || mine ? longText("c:" + c.id, [{heading: null, text: c.text || ""}], "h6", metaId) : null;
            var actions = h("div", {"class": "foorumi-actions foorumi-actions-small"}, text && text.foorumiToggle);
            if (text) {
                li.appendChild(text);
            }
            var forms = h("div");
            if (data.canReply) {
                actions.appendChild(compose.replyButton(th, c, metaId));
            }
            if (mine && !c.hidden) {
                actions.appendChild(button(idOf("cedit-btn", c.id), t("Edit"), function () {
                    ui.editComment[c.id] = c.text || "";
                    delete ui.err["edit-comment:" + c.id];
                    ui.focusAfter = idOf("cedit", c.id);
                    app.render();
                }, {describedby: metaId, cls: "foorumi-btn-quiet"}));
            }
            if (data.threadMine && !mine && !c.hidden) {
                // A toggle: aria-pressed says whether it is marked; the label says what a press does.
                actions.appendChild(button(idOf("helpful", c.id), c.helpful ? t("Unmark as helpful") : t("Mark as helpful"),
                    function () { toggleHelpful(c.id, !c.helpful); },
                    {pressed: !!c.helpful, disabled: data.helpful.busy, describedby: metaId, cls: "foorumi-btn-toggle"}));
            }
            if (!mine && !c.hidden) {
                flagControls(actions, forms, data.flag, metaId);
            }
            if (actions.childNodes.length) {
                li.appendChild(actions);
            }
            li.appendChild(forms);
            li.appendChild(view.errorBox("helpful:" + c.id, data.helpful.err, idOf("helpful-err", c.id)));
            li.appendChild(after);
            return li;
        }

        function closeEditComment(commentId) {
            delete ui.editComment[commentId];
            delete ui.err["edit-comment:" + commentId];
            ui.focusAfter = idOf("cedit-btn", commentId);
            app.render();
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
            form.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                button(idOf("cedit-save", c.id), edit.busy ? t("Saving\u2026") : t("Save changes"), function () {
                    saveEditComment(c.id);
                }, {kind: "primary", disabled: edit.busy}),
                button(idOf("cedit-cancel", c.id), t("Cancel"), function () { closeEditComment(c.id); }),
                h("p", {"class": "foorumi-count", id: fid + "-count"})
            ]));
            form.appendChild(view.errorBox(key, edit.err, fid + "-err"));
            return closeOnEscape(form, function () { closeEditComment(c.id); });
        }

        function saveEditComment(commentId) {
            var key = "edit-comment:" + commentId;
            var text = ui.editComment[commentId] || "";
            var problem = compose.commentProblem(text);
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

        return {
            items: items,
            flagData: flagData,
            flagControls: flagControls,
            paintFlag: paintFlag,
            longText: longText,
            closeOnEscape: closeOnEscape,
            focusBox: compose.focusBox
        };
    };

    /**
     * The comments shown as units, oldest first: ``{c, replies, orphan}``, a comment with
     * the replies to it (its chain's first comment shown); a reply whose comment is not
     * shown is a unit of its own (``orphan``). Also the earlier sessions' reader's
     * (foorumi_sessions.js).
     */
    Foorumi.comments.unitsOf = function (shown) {
        var byId = {};
        shown.forEach(function (c) { byId[c.id] = c; });
        var rootOf = function (c) {
            var seen = {};
            while (c.reply_to && byId[c.reply_to] && !seen[c.id]) {
                seen[c.id] = true;
                c = byId[c.reply_to];
            }
            return c;
        };
        var units = [];
        var unitOf = {};
        shown.forEach(function (c) {
            var top = rootOf(c);
            if (top === c) {
                unitOf[c.id] = {c: c, replies: [], orphan: !!c.reply_to};
                units.push(unitOf[c.id]);
            } else if (unitOf[top.id]) {
                unitOf[top.id].replies.push(c);
            }
        });
        return units;
    };
}(window));
