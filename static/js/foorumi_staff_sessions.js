/*
 * Foorumi's staff console, groups across sessions: ``window.Foorumi.staffSessions(c)`` (``c``
 * the console, foorumi_staff_console.js) gives the section shown when the forum's groups
 * belong to a group set (``report.sessions``): per group, who took part in which session of
 * the set, how many of its members were active in this session or the one before, a warning
 * when fewer than ``min_group_size`` were, and "Merge into…": a group picker and a Merge
 * button, asked once more inline (``merge_groups``; the console re-renders from the report it
 * answers with). Escape closes the confirmation. Names are only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.staffSessions = function (c) {
        var t = c.t;
        var ngettext = c.ngettext;
        var fmt = c.fmt;
        var h = c.h;
        var P = c.P;
        var idOf = c.idOf;
        var ui = c.ui;
        var CONFIRM = P + "-mergeconfirm";

        ui.mergeInto = ui.mergeInto || {};  // group id -> the group picked to merge it into
        ui.mergeAsk = null;                 // group id whose merge is being confirmed

        function warning(code, settings) {
            if (code === "few_active") {
                return fmt(ngettext("Fewer than %(min)s member took part in this session or the one before",
                    "Fewer than %(min)s members took part in this session or the one before",
                    settings.min_group_size), {min: settings.min_group_size});
            }
            return code;
        }

        function sessionTitle(s) {
            var label = s.title ? fmt(t("Session %(number)s: %(title)s"), {number: s.number, title: s.title}) :
                fmt(t("Session %(number)s"), {number: s.number});
            return s.current ? [label, " ", h("span", {"class": "foorumi-staff-current", text: t("(this session)")})] : label;
        }

        /** The section: ``data`` (the report's ``sessions``) and the forum's ``settings``. */
        function section(data, settings) {
            var sessions = data.sessions || [];
            var groups = data.groups || [];
            var kids = [h("p", {"class": "foorumi-help", text:
                t("This forum's groups continue in the other forums of its group set. Who took part in each session, by group:")})];
            if (!groups.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("No groups yet.")}));
                return c.section("sessions", t("Groups across sessions"), kids);
            }
            if (ui.mergeAsk && !groups.some(function (g) { return g.id === ui.mergeAsk; })) {
                ui.mergeAsk = null;
            }
            var head = [c.th(t("Group")), c.th(t("Members"))];
            sessions.forEach(function (s) {
                head.push(h("th", {scope: "col", "class": s.current ? "is-current" : null}, sessionTitle(s)));
            });
            head.push(c.th(t("Active"), "is-num"), c.th(t("Warnings")), c.th(t("Merge into\u2026")));
            var tbody = h("tbody");
            groups.forEach(function (g) {
                tbody.appendChild(row(g, groups, sessions, settings));
            });
            kids.push(c.tableBox(h("table", {"class": "foorumi-staff-table foorumi-staff-sessions"}, [
                h("caption", {"class": "foorumi-sr", text: t("Who took part in each session, by group")}),
                h("thead", null, h("tr", null, head)),
                tbody
            ])));
            kids.push(h("p", {"class": "foorumi-help", id: P + "-active-note", text: fmt(t(
                "Active: members who took part in this session or the one before. A group needs at least %(min)s."),
            {min: settings.min_group_size})}));
            var asked = ui.mergeAsk ? groups.filter(function (g) { return g.id === ui.mergeAsk; })[0] : null;
            if (asked) {
                kids.push(confirmBox(asked, groups));
            }
            kids.push(c.errorBox("merge"));
            return c.section("sessions", t("Groups across sessions"), kids);
        }

        function names(list) {
            if (!list || !list.length) {
                return h("span", {"class": "foorumi-staff-none", text: t("Nobody")});
            }
            var ul = h("ul", {"class": "foorumi-staff-names"});
            list.forEach(function (name) {
                ul.appendChild(h("li", {text: name ? c.isolate(String(name)) : t("Participant")}));
            });
            return ul;
        }

        function row(g, groups, sessions, settings) {
            var warnings = g.warnings || [];
            var cells = [
                h("th", {scope: "row", id: idOf("sgname", g.id), text: g.name}),
                c.td(names((g.members || []).map(function (m) { return m.name; })))
            ];
            var tookPart = g.took_part || {};
            sessions.forEach(function (s) {
                cells.push(c.td(names(tookPart[String(s.number)]), s.current ? "is-current" : null));
            });
            var warn = h("ul", {"class": "foorumi-staff-names"});
            warnings.forEach(function (code) {
                warn.appendChild(h("li", {"class": "foorumi-staff-warning-text", text: warning(code, settings)}));
            });
            cells.push(
                c.td(String(Number(g.active) || 0), "is-num"),
                c.td(warnings.length ? warn : ""),
                c.td(mergeControl(g, groups), "foorumi-staff-movecell")
            );
            return h("tr", {"class": warnings.length ? "has-warning" : null}, cells);
        }

        function mergeControl(g, groups) {
            var targets = groups.filter(function (other) { return other.id !== g.id; });
            if (!targets.length) {
                return "";
            }
            var key = "merge:" + g.id;
            var selectId = idOf("mergeinto", g.id);
            var select = h("select", {id: selectId, "class": "foorumi-staff-select",
                "aria-invalid": ui.invalid[key] ? "true" : null,
                "aria-describedby": ui.err[key] ? idOf("err", key) : null});
            select.appendChild(h("option", {value: "", text: t("Choose a group")}));
            targets.forEach(function (other) {
                select.appendChild(h("option", {value: other.id, text: fmt(t("%(group)s (members: %(count)s)"),
                    {group: other.name, count: (other.members || []).length})}));
            });
            select.value = ui.mergeInto[g.id] || "";
            select.addEventListener("change", function () {
                ui.mergeInto[g.id] = select.value;
                delete ui.invalid[key];
            });
            var open = ui.mergeAsk === g.id;
            return [
                h("div", {"class": "foorumi-staff-inline"}, [
                    h("label", {"for": selectId, "class": "foorumi-sr", text: fmt(t("Merge %(group)s into"), {group: g.name})}),
                    select,
                    c.button(idOf("merge", g.id), t("Merge"), function () { ask(g, groups); }, {
                        cls: "foorumi-btn-small", describedby: idOf("sgname", g.id),
                        expanded: open, controls: open ? CONFIRM : null
                    })
                ]),
                ui.err[key] ? c.errorBox(key) : null
            ];
        }

        /** "Merge": the group to merge into must be picked first; then the question. */
        function ask(g, groups) {
            var key = "merge:" + g.id;
            if (ui.mergeAsk === g.id) {
                cancel();
                return;
            }
            var into = ui.mergeInto[g.id] || "";
            delete ui.err.merge;
            if (!into || !groups.some(function (other) { return other.id === into; })) {
                c.setError(key, fmt(t("Choose the group to merge %(group)s into first."), {group: g.name}));
                ui.invalid[key] = true;
                ui.focusAfter = idOf("mergeinto", g.id);
                c.render();
                return;
            }
            delete ui.err[key];
            delete ui.invalid[key];
            ui.mergeAsk = g.id;
            ui.focusAfter = P + "-merge-yes";
            c.render();
        }

        function cancel() {
            var id = ui.mergeAsk;
            ui.mergeAsk = null;
            ui.focusAfter = id ? idOf("merge", id) : null;
            c.render();
        }

        function confirmBox(g, groups) {
            var into = groups.filter(function (other) { return other.id === ui.mergeInto[g.id]; })[0];
            if (!into) {
                ui.mergeAsk = null;
                return null;
            }
            var count = (g.members || []).length;
            var box = h("div", {"class": "foorumi-staff-confirm", id: CONFIRM}, [
                h("p", {id: CONFIRM + "-q", text: fmt(ngettext(
                    "Merge %(group)s into %(into)s? Its %(count)s member joins %(into)s in this session and the later ones; earlier sessions keep their groups.",
                    "Merge %(group)s into %(into)s? Its %(count)s members join %(into)s in this session and the later ones; earlier sessions keep their groups.",
                    count), {group: g.name, into: into.name, count: count})}),
                h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                    c.button(P + "-merge-yes", t("Yes, merge"), function () { merge(g, into); },
                        {kind: "primary", busy: !!ui.busy.merge, describedby: CONFIRM + "-q"}),
                    c.button(P + "-merge-no", t("Cancel"), cancel)
                ])
            ]);
            box.addEventListener("keydown", function (event) {
                if (event.key === "Escape" && !event.defaultPrevented) {
                    event.preventDefault();
                    cancel();
                }
            });
            return box;
        }

        function merge(g, into) {
            c.act("merge", "merge_groups", {group_id: g.id, into_group_id: into.id}, {
                ok: function () {
                    ui.mergeAsk = null;
                    delete ui.mergeInto[g.id];
                    ui.focusAfter = P + "-h-sessions";
                    c.announce(fmt(t("%(group)s was merged into %(into)s."), {group: g.name, into: into.name}));
                },
                fail: function () {
                    ui.focusAfter = P + "-merge-yes";
                }
            });
        }

        return {section: section};
    };
}(window));
