/*
 * Foorumi's staff console, groups: ``window.Foorumi.staffGroups(c)`` (``c`` the console,
 * foorumi_staff_console.js) gives the pool (who waits, its warnings, "Form groups now" asked
 * once more inline), group health (members, reflections, comments, reflections lacking
 * feedback, last activity, warnings) and the reader of any group's threads, hidden items
 * marked. The report's learner text is only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.staffGroups = function (c) {
        var t = c.t;
        var ngettext = c.ngettext;
        var fmt = c.fmt;
        var h = c.h;
        var P = c.P;
        var idOf = c.idOf;
        var ui = c.ui;

        // --------------------------------------------------------------------- pool
        /** The pool: ``pool`` (who waits), its ``warnings`` and the forum's ``settings``. */
        function poolSection(pool, warnings, settings) {
            var kids = [];
            warnings.forEach(function (warning) {
                var text = warning === "alone" ?
                    fmt(t("One learner waits alone. They join a group when someone else submits, or when the longest wait (%(hours)s h) is over."),
                        {hours: settings.pool_timeout_hours}) :
                    warning === "overdue" ?
                        fmt(t("Someone has waited longer than the longest wait (%(hours)s h)."), {hours: settings.pool_timeout_hours}) :
                        warning;
                kids.push(h("p", {"class": "foorumi-staff-warning", text: text}));
            });
            if (!pool.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("Nobody is waiting for a group.")}));
                return c.section("pool", t("Waiting for a group"), kids);
            }
            var list = h("ul", {"class": "foorumi-staff-pool"});
            pool.forEach(function (learner) {
                list.appendChild(h("li", null, [
                    h("span", {"class": "foorumi-author", text: c.nameOf(learner)}),
                    learner.username ? " (" + learner.username + ")" : null,
                    learner.waiting_since ? h("span", {"class": "foorumi-staff-since"},
                        [" \u2014 "].concat(c.withTime(t("waiting since %(time)s"), learner.waiting_since))) : null
                ]));
            });
            kids.push(list);
            var confirmId = P + "-formconfirm";
            kids.push(h("div", {"class": "foorumi-actions"}, [
                c.button(P + "-form", t("Form groups now"), function () {
                    ui.confirmForm = !ui.confirmForm;
                    delete ui.err.form;
                    ui.focusAfter = ui.confirmForm ? P + "-form-yes" : P + "-form";
                    c.render();
                }, {expanded: ui.confirmForm, controls: ui.confirmForm ? confirmId : null})
            ]));
            if (ui.confirmForm) {
                var max = settings.max_group_size;
                kids.push(h("div", {"class": "foorumi-staff-confirm", id: confirmId}, [
                    h("p", {id: confirmId + "-q", text: fmt(ngettext(
                        "Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s member), or form a group of their own when there is none.",
                        "Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s members), or form a group of their own when there is none.",
                        max), {count: pool.length, max: max})}),
                    h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                        c.button(P + "-form-yes", t("Yes, form groups"), function () { formGroups(pool.length); },
                            {kind: "primary", busy: !!ui.busy.form, describedby: confirmId + "-q"}),
                        c.button(P + "-form-no", t("Cancel"), function () {
                            ui.confirmForm = false;
                            ui.focusAfter = P + "-form";
                            c.render();
                        })
                    ])
                ]));
            }
            kids.push(c.errorBox("form"));
            return c.section("pool", t("Waiting for a group"), kids);
        }

        function formGroups(waiting) {
            c.act("form", "form_groups", {}, {ok: function (data) {
                ui.confirmForm = false;
                ui.focusAfter = P + "-h-pool";
                var left = (data.pool || []).length;
                c.announce(fmt(t("Learners placed in groups: %(count)s."), {count: Math.max(0, waiting - left)}));
            }});
        }

        // ------------------------------------------------------------ group health
        function groupWarning(code, settings) {
            if (code === "silent") {
                return t("Silent: no recent activity");
            }
            if (code === "small") {
                return fmt(ngettext("Small: fewer than %(min)s member", "Small: fewer than %(min)s members",
                    settings.min_group_size), {min: settings.min_group_size});
            }
            return code;
        }

        /** Group health: ``groups`` (the report's) and the forum's ``settings``; the reader below. */
        function healthSection(groups, settings) {
            var kids = [];
            if (!groups.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("No groups yet.")}));
            } else {
                var table = h("table", {"class": "foorumi-staff-table foorumi-staff-groups"}, [
                    h("caption", {"class": "foorumi-sr", text: t("Group health")}),
                    h("thead", null, h("tr", null, [
                        c.th(t("Group")), c.th(t("Members")), c.th(t("Reflections"), "is-num"), c.th(t("Comments"), "is-num"),
                        c.th(t("Lacking feedback"), "is-num"), c.th(t("Last activity")), c.th(t("Warnings")),
                        h("th", {scope: "col"}, h("span", {"class": "foorumi-sr", text: t("Actions")}))
                    ]))
                ]);
                var tbody = h("tbody");
                groups.forEach(function (g) {
                    tbody.appendChild(groupRow(g, settings));
                });
                table.appendChild(tbody);
                kids.push(c.tableBox(table));
            }
            kids.push(c.errorBox("read"));
            if (ui.reader) {
                kids.push(buildReader(ui.reader.data, c.groupName(groups, ui.reader.id)));
            }
            return c.section("groups", t("Groups"), kids);
        }

        function groupRow(g, settings) {
            var members = h("ul", {"class": "foorumi-staff-names"});
            (g.members || []).forEach(function (m) {
                members.appendChild(h("li", {text: c.nameOf(m)}));
            });
            var warnings = h("ul", {"class": "foorumi-staff-names"});
            (g.warnings || []).forEach(function (code) {
                warnings.appendChild(h("li", {"class": "foorumi-staff-warning-text", text: groupWarning(code, settings)}));
            });
            var open = !!(ui.reader && ui.reader.id === g.id);
            return h("tr", {"class": (g.warnings || []).length ? "has-warning" : null}, [
                h("th", {scope: "row", text: g.name}),
                c.td(members),
                c.td(String(Number(g.reflections) || 0), "is-num"),
                c.td(String(Number(g.comments) || 0), "is-num"),
                c.td(String((g.needs_feedback || []).length), "is-num"),
                c.td(c.timeEl(g.last_activity, true)),
                c.td((g.warnings || []).length ? warnings : ""),
                c.td(c.button(idOf("read", g.id), fmt(t("Read %(group)s"), {group: g.name}), function () {
                    openGroup(g.id, true);
                }, {cls: "foorumi-btn-small", expanded: open, controls: open ? P + "-reader" : null}))
            ]);
        }

        // -------------------------------------------------------------- the reader
        /** Open a group's threads for reading (``focus``: the reader's heading gets the focus). */
        function openGroup(groupId, focus) {
            var seq = (ui.reader && ui.reader.seq || 0) + 1;
            ui.reader = {id: groupId, data: ui.reader && ui.reader.id === groupId ? ui.reader.data : null, seq: seq};
            delete ui.err.read;
            if (focus) {
                c.render();
            }
            c.post("staff_group", {group_id: groupId}, {accept: function (data) {
                return Array.isArray(data.threads);
            }}).then(function (r) {
                if (!ui.reader || ui.reader.id !== groupId || ui.reader.seq !== seq) {
                    return;  // closed, or another group opened meanwhile
                }
                if (r.ok) {
                    ui.reader.data = r.data;
                    if (focus) {
                        ui.focusAfter = P + "-reader-h";
                    }
                } else {
                    c.setError("read", r.error);
                    ui.reader = null;
                    if (focus) {
                        ui.focusAfter = idOf("read", groupId);
                    }
                }
                c.render();
            });
        }

        /** Read the open group again (after a change, or a refresh of the report). */
        function reread() {
            if (ui.reader) {
                openGroup(ui.reader.id, false);
            }
        }

        function hiddenNote(item) {
            return h("p", {"class": "foorumi-staff-hidden-note", text: item.hidden_reason ?
                fmt(t("Hidden from the group. Reason: %(reason)s"), {reason: item.hidden_reason}) :
                t("Hidden from the group")});
        }

        /** The reader: ``data`` (the group's threads, null while loading), ``fallbackName``. */
        function buildReader(data, fallbackName) {
            var sec = h("section", {"class": "foorumi-staff-reader", id: P + "-reader", "aria-labelledby": P + "-reader-h"});
            var name = data ? data.name : fallbackName;
            sec.appendChild(h("div", {"class": "foorumi-staff-reader-head"}, [
                h("h5", {"class": "foorumi-staff-item-title", id: P + "-reader-h", tabindex: "-1",
                    text: fmt(t("Reading %(group)s"), {group: name})}),
                c.button(P + "-reader-close", t("Close"), function () {
                    var id = ui.reader.id;
                    ui.reader = null;
                    ui.focusAfter = idOf("read", id);
                    c.render();
                }, {cls: "foorumi-btn-small"})
            ]));
            if (!data) {
                sec.appendChild(h("p", {"class": "foorumi-loading", text: t("Loading\u2026")}));
                return sec;
            }
            sec.appendChild(h("p", {"class": "foorumi-help"}, [
                t("Members:"), " ",
                (data.members || []).map(c.nameOf).join(", ")
            ]));
            if (!(data.threads || []).length) {
                sec.appendChild(h("p", {"class": "foorumi-help", text: t("No reflections yet.")}));
            }
            (data.threads || []).forEach(function (thread) {
                sec.appendChild(buildReaderThread(thread));
            });
            return sec;
        }

        function buildReaderThread(thread) {
            var titleId = idOf("rt", thread.id);
            var art = h("article", {"class": "foorumi-staff-thread" + (thread.hidden ? " is-hidden" : ""),
                "aria-labelledby": titleId});
            art.appendChild(h("h6", {"class": "foorumi-staff-thread-title", id: titleId,
                text: fmt(t("%(name)s's reflection"), {name: c.nameOf(thread.author)})}));
            art.appendChild(h("p", {"class": "foorumi-meta"}, [
                c.timeEl(thread.created_at),
                thread.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null
            ]));
            if (thread.hidden) {
                art.appendChild(hiddenNote(thread));
            }
            var answers = thread.answers || {};
            var shown = {};
            c.prompts.forEach(function (p) {
                if (c.has(answers, p.id)) {
                    shown[p.id] = true;
                    art.appendChild(h("p", {"class": "foorumi-prompt", text: p.text}));
                    art.appendChild(h("div", {"class": "foorumi-text", text: answers[p.id]}));
                }
            });
            Object.keys(answers).forEach(function (id) {
                if (!shown[id]) {
                    art.appendChild(h("p", {"class": "foorumi-prompt", text: id}));
                    art.appendChild(h("div", {"class": "foorumi-text", text: answers[id]}));
                }
            });
            var comments = thread.comments || [];
            if (!comments.length) {
                art.appendChild(h("p", {"class": "foorumi-empty", text: t("No comments yet.")}));
                return art;
            }
            var headId = idOf("rch", thread.id);
            art.appendChild(h("p", {"class": "foorumi-comments-title", id: headId,
                text: fmt(t("Comments (%(count)s)"), {count: comments.length})}));
            var list = h("ol", {"class": "foorumi-comments", "aria-labelledby": headId});
            comments.forEach(function (cm) {
                var li = h("li", {"class": "foorumi-comment" + (cm.hidden ? " is-hidden" : "")}, [
                    h("p", {"class": "foorumi-meta"}, [
                        h("span", {"class": "foorumi-author", text: c.nameOf(cm.author)}),
                        c.timeEl(cm.created_at),
                        cm.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                        cm.helpful ? h("span", {"class": "foorumi-badge foorumi-badge-helpful", text: t("Helpful to the author")}) : null
                    ])
                ]);
                if (cm.hidden) {
                    li.appendChild(hiddenNote(cm));
                }
                li.appendChild(h("div", {"class": "foorumi-text", text: cm.text}));
                list.appendChild(li);
            });
            art.appendChild(list);
            return art;
        }

        return {pool: poolSection, health: healthSection, reread: reread};
    };
}(window));
