/*
 * Foorumi's learner page, the group: ``window.Foorumi.group(view, app, stages, comments)``
 * gives the group stage's parts: the group and its members, the reflections that need
 * feedback most, and one thread per reflection (the reflection, editing one's own, flagging
 * another's; its comments come from foorumi_comments.js). A long reflection folds behind
 * "Show all" (``comments.longText``); Escape closes the edit form.
 *
 * Each builder gets the data its part shows, nothing else of the state. Learner text is
 * only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.group = function (view, app, stages, comments) {
        var t = view.t;
        var fmt = view.fmt;
        var h = view.h;
        var P = view.P;
        var idOf = view.idOf;
        var byId = view.byId;
        var button = view.button;
        var isMe = view.isMe;
        var nameOf = view.nameOf;
        var ui = app.ui;
        var STAGE_HEADING = view.STAGE_HEADING;

        /** The group stage's parts. */
        function items() {
            var state = app.state;
            var parts = [{key: "group-head", data: {group: state.group, identity: state.identity}, build: buildGroupHead}];
            parts = parts.concat(app.sessions ? app.sessions.items(state) : []);  // groups that last (foorumi_sessions.js)
            parts = parts.concat(stages.groupItems(state));  // the ground rules, the "done" panel
            var suggested = suggestedThreads(state);
            if (suggested.length) {
                parts.push({key: "suggest", build: buildSuggest, data: suggested.map(function (th) {
                    return {id: th.id, name: nameOf(th.author)};
                })});
            }
            parts.push({key: "threads", data: null, build: buildThreadsSection, items: threadItems(state)});
            return parts;
        }

        // ---------------------------------------------------------- group and members
        function buildGroupHead(data) {
            var group = data.group || {name: "", members: []};
            var sec = view.section("foorumi-grouphead", STAGE_HEADING);
            sec.appendChild(view.stageHeading(group.name || t("Your group")));
            var note = t("What is shared in the group stays in the group.");
            if (data.identity === "pseudonymous") {
                note += " " + t("Names are pseudonyms: the others do not see your real name.");
            }
            sec.appendChild(h("p", {"class": "foorumi-help", text: note}));
            var list = h("ul", {"class": "foorumi-members", "aria-labelledby": P + "-members"});
            (group.members || []).forEach(function (m) {
                list.appendChild(h("li", {"class": isMe(m) ? "is-me" : null, text: view.nameWithYou(m)}));
            });
            sec.appendChild(h("div", {"class": "foorumi-members-row"}, [
                h("span", {"class": "foorumi-members-label", id: P + "-members", text: t("Members:")}),
                list
            ]));
            return sec;
        }

        // ------------------------------------------------------------- suggestions
        function suggestedThreads(state) {
            var out = [];
            state.suggested.forEach(function (id) {
                var th = app.findThread(id);
                if (th && !isMe(th.author) && !th.hidden && out.indexOf(th) < 0) {
                    out.push(th);
                }
            });
            return out;
        }

        /** ``threads``: ``[{id, name}]``, whose reflections need feedback most, first. */
        function buildSuggest(threads) {
            var sec = view.section("foorumi-suggest", P + "-suggest-h");
            sec.appendChild(h("h4", {"class": "foorumi-heading", id: P + "-suggest-h", text: t("Needs feedback")}));
            sec.appendChild(h("p", {"class": "foorumi-help",
                text: t("These reflections have received the fewest comments so far.")}));
            var list = h("ul", {"class": "foorumi-suggest-list"});
            threads.forEach(function (th) {
                list.appendChild(h("li", null, button(idOf("sug", th.id),
                    fmt(t("Comment on %(name)s's reflection"), {name: th.name}),
                    function () { comments.focusBox(th.id); }, {cls: "foorumi-btn-link"})));
            });
            sec.appendChild(list);
            return sec;
        }

        // ----------------------------------------------------------------- threads
        function buildThreadsSection() {
            var sec = view.section("foorumi-threads", P + "-threads-h");
            sec.appendChild(h("h4", {"class": "foorumi-heading", id: P + "-threads-h", text: t("Reflections in your group")}));
            var list = h("div", {"class": "foorumi-thread-list"});
            sec.appendChild(list);
            sec.foorumiList = list;
            return sec;
        }

        /** One's own thread first, then the others' in the state's order. */
        function threadItems(state) {
            var mine = [];
            var others = [];
            state.threads.forEach(function (th) {
                (isMe(th.author) ? mine : others).push(th);
            });
            return mine.concat(others).map(function (th) {
                return {
                    key: "t:" + th.id,
                    data: {id: th.id, mine: isMe(th.author)},
                    build: buildThreadShell,
                    items: [bodyItem(state, th)].concat(comments.items(th))
                };
            });
        }

        function buildThreadShell(data) {
            return h("article", {
                "class": "foorumi-thread" + (data.mine ? " is-mine" : ""),
                id: idOf("thread", data.id),
                "aria-labelledby": idOf("th", data.id)
            });
        }

        function bodyItem(state, th) {
            var mine = isMe(th.author);
            var editKey = "edit-reflection";
            return {
                key: "body",
                data: {
                    th: {id: th.id, author: th.author, answers: th.answers, hidden: th.hidden, edited: th.edited,
                        created_at: th.created_at},
                    isNew: !!ui.isNew[th.id],
                    expanded: !!ui.expanded["r:" + th.id],
                    prompts: state.prompts,
                    edit: mine ? {open: !!ui.editReflection, busy: !!ui.busy[editKey], err: app.errorOf(editKey)} : null,
                    flag: comments.flagData(th.id, th.flagged)
                },
                build: buildThreadBody,
                live: {
                    prompts: state.prompts,
                    edit: mine && ui.editReflection ? ui.editReflection.answers : null,
                    busy: !!ui.busy[editKey],
                    flag: ui.flagText[th.id] || ""
                },
                update: function (el, live) {
                    if (live.edit) {
                        paintEditReflection(live.prompts, live.edit, live.busy);
                    }
                    comments.paintFlag(th.id, live.flag);
                }
            };
        }

        function buildThreadBody(data) {
            var th = data.th;
            var mine = isMe(th.author);
            var wrap = h("div", {"class": "foorumi-thread-body"});
            var metaId = idOf("tm", th.id);
            wrap.appendChild(h("h5", {"class": "foorumi-thread-title", id: idOf("th", th.id), text: mine ?
                t("Your reflection") : fmt(t("%(name)s's reflection"), {name: nameOf(th.author)})}));
            wrap.appendChild(h("p", {"class": "foorumi-meta", id: metaId}, [
                mine ? null : h("span", {"class": "foorumi-author", text: nameOf(th.author)}),
                view.timeEl(th.created_at),
                th.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                data.isNew ? h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")}) : null
            ]));
            if (th.hidden) {
                wrap.appendChild(h("p", {"class": "foorumi-moderated", text: mine ?
                    t("Hidden by a moderator. The others in your group cannot see it.") :
                    t("Removed by a moderator.")}));
            }
            if (mine && data.edit.open && !th.hidden) {
                wrap.appendChild(buildEditReflection(data.prompts, data.edit));
                return wrap;
            }
            var text = null;
            if (!th.hidden || mine) {
                var sections = data.prompts.filter(function (p) { return view.has(th.answers, p.id); }).map(function (p) {
                    return {heading: p.text, text: String(th.answers[p.id] || "")};
                });
                text = comments.longText("r:" + th.id, sections, "h6", idOf("th", th.id));
                wrap.appendChild(text);
            }
            var actions = h("div", {"class": "foorumi-actions foorumi-actions-small"}, text && text.foorumiToggle);
            var forms = h("div");
            if (mine && !th.hidden) {
                actions.appendChild(button(P + "-edit-reflection", t("Edit reflection"), startEditReflection));
            }
            if (!mine && !th.hidden) {
                comments.flagControls(actions, forms, data.flag, metaId);
            }
            if (actions.childNodes.length) {
                wrap.appendChild(actions);
            }
            wrap.appendChild(forms);
            return wrap;
        }

        // --------------------------------------------------- editing one's reflection
        function startEditReflection() {
            var state = app.state;
            var own = null;
            state.threads.forEach(function (th) {
                if (!own && isMe(th.author)) {
                    own = th;
                }
            });
            var answers = own ? own.answers : state.reflection && state.reflection.answers;
            ui.editReflection = {answers: view.copy(answers || {})};
            delete ui.err["edit-reflection"];
            var first = state.prompts[0];
            ui.focusAfter = first ? idOf("edit", first.id) : null;
            app.render();
        }

        function closeEditReflection() {
            ui.editReflection = null;
            delete ui.err["edit-reflection"];
            ui.focusAfter = P + "-edit-reflection";
            app.render();
        }

        function buildEditReflection(prompts, edit) {
            var form = comments.closeOnEscape(h("fieldset", {"class": "foorumi-editform"}), closeEditReflection);
            form.appendChild(h("legend", {text: t("Edit your reflection")}));
            prompts.forEach(function (p) {
                form.appendChild(stages.answerField(idOf("edit", p.id), p, function (prompt, ta) {
                    ui.editReflection.answers[prompt.id] = ta.value;
                    paintEditReflection(prompts, ui.editReflection.answers, !!ui.busy["edit-reflection"]);
                }, null));
            });
            form.appendChild(h("div", {"class": "foorumi-actions"}, [
                button(P + "-edit-save", edit.busy ? t("Saving\u2026") : t("Save changes"), saveEditReflection, {
                    kind: "primary",
                    disabled: edit.busy,
                    whenDisabled: function () {
                        if (!ui.busy["edit-reflection"]) {
                            focusFirstProblem();
                        }
                    }
                }),
                button(P + "-edit-cancel", t("Cancel"), closeEditReflection)
            ]));
            form.appendChild(view.errorBox("edit-reflection", edit.err, P + "-edit-err"));
            return form;
        }

        /** Paint the edit form's fields; returns the prompts whose answers are not right yet. */
        function paintEditReflection(prompts, answers, busy) {
            var bad = prompts.filter(function (p) {
                return stages.paintField(idOf("edit", p.id), p, answers[p.id] || "", true).problem;
            });
            var btn = byId(P + "-edit-save");
            if (btn) {
                view.setDisabled(btn, bad.length > 0 || busy);
            }
            return bad;
        }

        function focusFirstProblem() {
            var bad = paintEditReflection(app.state.prompts, ui.editReflection.answers, false);
            var ta = bad.length ? byId(idOf("edit", bad[0].id)) : null;
            if (ta) {
                ta.focus();
            }
            return bad.length;
        }

        function saveEditReflection() {
            if (!ui.editReflection || focusFirstProblem()) {
                return;
            }
            app.act("edit-reflection", "edit_reflection", {answers: view.copy(ui.editReflection.answers)}, {
                ok: function () {
                    ui.editReflection = null;
                    ui.focusAfter = P + "-edit-reflection";
                    view.announce(t("Your changes are saved."));
                },
                retry: saveEditReflection
            });
        }

        return {items: items};
    };
}(window));
