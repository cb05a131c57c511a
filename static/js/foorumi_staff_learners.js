/*
 * Foorumi's staff console, learners: ``window.Foorumi.staffLearners(c)`` (``c`` the
 * console, foorumi_staff_console.js) gives the learner table (name, username, group,
 * submitted, comments given / received, helpful received, complete, last activity),
 * sortable by its column headings and filterable, with a group picker per learner to move
 * them. The report's names are only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.staffLearners = function (c) {
        var t = c.t;
        var fmt = c.fmt;
        var h = c.h;
        var P = c.P;
        var idOf = c.idOf;
        var ui = c.ui;
        var lang = c.lang;
        var shown = {learners: [], groups: []};  // what the table was last built from

        function columns() {
            return [
                {key: "name", label: t("Name")},
                {key: "username", label: t("Username")},
                {key: "group", label: t("Group")},
                {key: "submitted", label: t("Submitted")},
                {key: "comments_given", label: t("Comments given"), num: true},
                {key: "comments_received", label: t("Comments received"), num: true},
                {key: "helpful_received", label: t("Helpful received"), num: true},
                {key: "complete", label: t("Complete")},
                {key: "last_activity", label: t("Last activity")}
            ];
        }

        function groupLabel(learner, groups) {
            if (learner.group_id) {
                return learner.group_name || c.groupName(groups, learner.group_id);
            }
            return learner.waiting_since ? t("Waiting") : "";
        }

        function sortValue(learner, key, groups) {
            switch (key) {
            case "name":
                return String(learner.name || "");
            case "username":
                return String(learner.username || "");
            case "group":
                // Groups in their order, then those waiting, then those not yet placed.
                return learner.group_id && groups[learner.group_id] ? groups[learner.group_id].index :
                    learner.waiting_since ? 1e9 : 2e9;
            case "submitted":
            case "complete":
                return learner[key] ? 1 : 0;
            case "last_activity":
                var date = c.dateOf(learner.last_activity);
                return date ? date.getTime() : null;
            default:
                return Number(learner[key]) || 0;
            }
        }

        function compareValues(a, b) {
            if (a === b) {
                return 0;
            }
            if (a === null) {
                return 1;
            }
            if (b === null) {
                return -1;
            }
            if (typeof a === "string") {
                return a.localeCompare(b, lang, {sensitivity: "base", numeric: true});
            }
            return a < b ? -1 : 1;
        }

        function sorted(learners, groups) {
            var byId = c.groupsById(groups);
            var key = ui.sort.key;
            var dir = ui.sort.dir;
            return learners.slice().sort(function (a, b) {
                var va = sortValue(a, key, byId);
                var vb = sortValue(b, key, byId);
                // No date sorts last, whichever the direction.
                var order = va === null || vb === null ? compareValues(va, vb) : dir * compareValues(va, vb);
                return order || compareValues(String(a.name || ""), String(b.name || "")) ||
                    compareValues(String(a.username || ""), String(b.username || ""));
            });
        }

        function matchesFilter(learner, groups) {
            var needle = ui.filter.trim().toLocaleLowerCase(lang);
            if (!needle) {
                return true;
            }
            var hay = [learner.name, learner.username, groupLabel(learner, groups)].join(" ").toLocaleLowerCase(lang);
            return hay.indexOf(needle) >= 0;
        }

        /** The learner table: ``learners`` and ``groups`` (the report's). */
        function section(learners, groups) {
            shown = {learners: learners, groups: groups};
            var filterId = P + "-filter";
            var kids = [];
            if (!learners.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("Nobody has opened this forum yet.")}));
                return c.section("learners", t("Learners"), kids);
            }
            var input = h("input", {type: "search", id: filterId, "class": "foorumi-staff-input", autocomplete: "off",
                "aria-describedby": filterId + "-help " + P + "-count", "aria-controls": P + "-learners"});
            input.value = ui.filter;
            input.addEventListener("input", function () {
                ui.filter = input.value;
                fillRows();
            });
            kids.push(h("div", {"class": "foorumi-staff-filter"}, [
                h("label", {"for": filterId, "class": "foorumi-label", text: t("Filter learners")}),
                input,
                h("p", {"class": "foorumi-count", id: filterId + "-help", text: t("By name, username or group.")})
            ]));
            kids.push(h("p", {"class": "foorumi-staff-count", id: P + "-count", role: "status"}));

            var headRow = h("tr");
            columns().forEach(function (col) {
                var on = ui.sort.key === col.key;
                headRow.appendChild(h("th", {
                    scope: "col",
                    "class": col.num ? "is-num" : null,
                    "aria-sort": on ? (ui.sort.dir > 0 ? "ascending" : "descending") : null
                }, h("button", {type: "button", "class": "foorumi-staff-sort", id: P + "-sort-" + col.key,
                    onclick: function () { sortBy(col.key); }}, [
                    col.label,
                    h("span", {"class": "foorumi-staff-arrow", "aria-hidden": "true",
                        text: on ? (ui.sort.dir > 0 ? "\u25b2" : "\u25bc") : "\u25b4\u25be"})
                ])));
            });
            headRow.appendChild(c.th(t("Move to group")));
            var table = h("table", {"class": "foorumi-staff-table foorumi-staff-learners", id: P + "-learners"}, [
                h("caption", {"class": "foorumi-sr", text: t("Learners; select a column heading to sort by it.")}),
                h("thead", null, headRow),
                h("tbody", {id: P + "-learner-rows"})
            ]);
            kids.push(c.tableBox(table));
            var sec = c.section("learners", t("Learners"), kids);
            fillRows(sec);
            return sec;
        }

        function sortBy(key) {
            if (ui.sort.key === key) {
                ui.sort.dir = -ui.sort.dir;
            } else {
                ui.sort = {key: key, dir: 1};
            }
            c.render();
        }

        /** Rows of the learner table for the filter and sort (the rest of the console stays). */
        function fillRows(sec) {
            var tbody = sec ? sec.querySelector("#" + P + "-learner-rows") : c.byId(P + "-learner-rows");
            var count = sec ? sec.querySelector("#" + P + "-count") : c.byId(P + "-count");
            if (!tbody) {
                return;
            }
            var all = sorted(shown.learners, shown.groups);
            var rows = all.filter(function (learner) { return matchesFilter(learner, shown.groups); });
            tbody.textContent = "";
            rows.forEach(function (learner) {
                tbody.appendChild(buildRow(learner, shown.groups));
            });
            if (!rows.length) {
                tbody.appendChild(h("tr", null, h("td", {colspan: "10", "class": "foorumi-staff-none",
                    text: t("No learner matches the filter.")})));
            }
            var text = fmt(t("Learners shown: %(shown)s of %(total)s."), {shown: rows.length, total: all.length});
            if (count && count.textContent !== text) {
                count.textContent = text;
            }
        }

        function buildRow(learner, groups) {
            var complete = !!learner.complete;
            return h("tr", null, [
                h("th", {scope: "row", id: idOf("lname", learner.id), text: c.nameOf(learner)}),
                c.td(learner.username || ""),
                c.td(groupLabel(learner, groups)),
                c.td(c.yesNo(learner.submitted)),
                c.td(String(Number(learner.comments_given) || 0), "is-num"),
                c.td(String(Number(learner.comments_received) || 0), "is-num"),
                c.td(String(Number(learner.helpful_received) || 0), "is-num"),
                c.td(c.yesNo(complete), complete ? "is-complete" : null),
                c.td(c.timeEl(learner.last_activity, true)),
                c.td(buildMove(learner, groups), "foorumi-staff-movecell")
            ]);
        }

        function buildMove(learner, groups) {
            var placed = learner.group_id || learner.waiting_since;
            var targets = groups.filter(function (g) { return g.id !== learner.group_id; });
            if (!placed || !targets.length) {
                return "";
            }
            var key = "move:" + learner.id;
            var selectId = idOf("moveto", learner.id);
            var select = h("select", {id: selectId, "class": "foorumi-staff-select",
                "aria-invalid": ui.invalid[key] ? "true" : null,
                "aria-describedby": ui.err[key] ? idOf("err", key) : null});
            select.appendChild(h("option", {value: "", text: t("Choose a group")}));
            targets.forEach(function (g) {
                select.appendChild(h("option", {value: g.id, text: fmt(t("%(group)s (members: %(count)s)"),
                    {group: g.name, count: (g.members || []).length})}));
            });
            select.value = ui.moveTo[learner.id] || "";
            select.addEventListener("change", function () { ui.moveTo[learner.id] = select.value; });
            return [
                h("div", {"class": "foorumi-staff-inline"}, [
                    h("label", {"for": selectId, "class": "foorumi-sr",
                        text: fmt(t("New group for %(name)s"), {name: c.nameOf(learner)})}),
                    select,
                    c.button(idOf("move", learner.id), t("Move"), function () { moveLearner(learner, groups); },
                        {cls: "foorumi-btn-small", busy: !!ui.busy[key], describedby: idOf("lname", learner.id)})
                ]),
                // Only a row with something to say has an alert region (not one per learner).
                ui.err[key] ? c.errorBox(key) : null
            ];
        }

        function moveLearner(learner, groups) {
            var key = "move:" + learner.id;
            var groupId = ui.moveTo[learner.id] || "";
            if (!groupId) {
                c.setError(key, fmt(t("Choose the group to move %(name)s to first."), {name: c.nameOf(learner)}));
                ui.invalid[key] = true;
                ui.focusAfter = idOf("moveto", learner.id);
                c.render();
                return;
            }
            var target = c.groupName(groups, groupId);
            c.act(key, "move_learner", {learner_id: learner.id, group_id: groupId}, {
                ok: function () {
                    delete ui.moveTo[learner.id];
                    ui.focusAfter = idOf("move", learner.id);
                    c.announce(fmt(t("%(name)s is now in %(group)s."), {name: c.nameOf(learner), group: target}));
                },
                fail: function () {
                    ui.invalid[key] = true;
                    ui.focusAfter = idOf("move", learner.id);
                }
            });
        }

        return {section: section};
    };
}(window));
