/*
 * Foorumi's staff console, its frame: ``window.Foorumi.staffConsole(kit, options)`` keeps the
 * report and what the console is doing, runs the staff handlers, builds the switch between
 * the console and the learner view (ARIA tabs), renders the console's sections (the parts in
 * foorumi_staff_moderation.js, foorumi_staff_groups.js and foorumi_staff_learners.js give
 * most of them) and holds the controls they share.
 *
 * Every staff handler that changes something answers with the fresh report, and the console
 * re-renders from it. The report holds learner text (flagged items, the group reader): it
 * is only ever inserted with textContent / text nodes.
 *
 * ``options``: ``report`` (from the init data), ``lang``, ``maxReason``, ``prompts`` (the
 * forum's, for the group reader), ``consolePanel`` and ``learnerPanel`` (the two tab
 * panels), ``handlerUrl(name, query)`` (for the CSV links), ``sections(report)`` (the
 * sections between the totals and the export) and ``changed()`` (called after every answer
 * that may change what an open group shows).
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.staffConsole = function (kit, options) {
        var t = kit.t;
        var h = kit.h;
        var P = kit.P;
        var byId = kit.byId;
        var lang = options.lang;
        var consolePanel = options.consolePanel;
        var learnerPanel = options.learnerPanel;

        var report = options.report && options.report.totals ? options.report : null;
        var reportAt = report ? new Date() : null;
        var reportSeq = 0;
        var appliedSeq = 0;
        var ui = {
            sort: {key: "name", dir: 1},  // learner table: column and direction (1 up, -1 down)
            filter: "",
            reason: {},          // flagged item id -> moderation reason being typed
            moveTo: {},          // learner id -> group id picked
            confirmForm: false,  // the "Form groups now" confirmation is open
            reader: null,        // {id, data, seq} while a group is open for reading
            busy: {},            // action key -> true while its request is in flight
            err: {},             // action key -> message
            invalid: {},         // action key -> true when the input next to it is refused
            focusAfter: null     // element id to focus after the next render
        };
        var tabs = [];
        var live = h("div", {"class": "foorumi-staff-status foorumi-sr", role: "status", "aria-live": "polite"});
        var body = h("div", {"class": "foorumi-staff-body"});
        var announce = Foorumi.core.announcer(live);
        var captionSeq = 0;
        var announced = {};  // action key -> the error message already announced
        var resizeTimer = null;

        // ------------------------------------------------------------------ helpers
        function nameOf(person) {
            return person && person.name ? kit.isolate(String(person.name)) : t("Participant");
        }

        function dateOf(iso) {
            var date = iso ? new Date(iso) : null;
            return date && !isNaN(date.getTime()) ? date : null;
        }

        /** A date and time in the page's language (``short``: the compact form, for tables). */
        function dateLabel(date, short) {
            try {
                return new Intl.DateTimeFormat(lang, {dateStyle: short ? "short" : "medium", timeStyle: "short"}).format(date);
            } catch (e) {
                return date.toLocaleString();
            }
        }

        /** A <time> in the page's language, or an empty string for no date. */
        function timeEl(iso, short) {
            var date = dateOf(iso);
            return date ? h("time", {datetime: date.toISOString(), text: dateLabel(date, short)}) : "";
        }

        /** ``template`` with its ``%(time)s`` as a <time> in the page's language. */
        function withTime(template, iso) {
            var date = dateOf(iso);
            if (!date) {
                return null;
            }
            var parts = String(template).split("%(time)s");
            return [parts[0], h("time", {datetime: date.toISOString(), text: dateLabel(date)}), parts.slice(1).join("")];
        }

        function yesNo(value) {
            return value ? t("Yes") : t("No");
        }

        /** ``{group id: {group, index}}`` of ``groups`` (the report's, in its order). */
        function groupsById(groups) {
            var out = {};
            (groups || []).forEach(function (g, index) {
                out[g.id] = {group: g, index: index};
            });
            return out;
        }

        function groupName(groups, groupId) {
            var found = groupsById(groups)[groupId];
            return found ? found.group.name : "";
        }

        // ----------------------------------------------------------------- network
        /**
         * Take a report from the server. The answer to a change always counts (it was made after
         * the change); a plain refresh only when nothing asked for after it has been taken yet.
         */
        function takeReport(data, seq, afterChange) {
            if (!afterChange && seq < appliedSeq) {
                return;
            }
            appliedSeq = Math.max(appliedSeq, seq);
            report = data;
            reportAt = new Date();
        }

        function isReport(data) {
            return typeof data.totals === "object" && data.totals !== null;
        }

        /**
         * Run the staff handler ``name`` as the action ``key``: its button shows it is busy and
         * its error (the server's message) is shown next to it. On success the answer, the fresh
         * report, is taken and ``opts.ok(report)`` runs; on failure ``opts.fail()``. Then the
         * console is rendered again.
         */
        function act(key, name, payload, opts) {
            opts = opts || {};
            if (ui.busy[key]) {
                return;
            }
            ui.busy[key] = true;
            delete ui.err[key];
            delete ui.invalid[key];
            delete announced[key];
            reportSeq += 1;
            var seq = reportSeq;
            render();
            kit.post(name, payload, {accept: isReport}).then(function (r) {
                delete ui.busy[key];
                var stale = false;
                if (r.ok) {
                    takeReport(r.data, seq, name !== "staff_report");
                    if (opts.ok) {
                        opts.ok(r.data);
                    }
                    if (name !== "staff_report") {
                        options.changed();  // what an open group shows may have changed too
                    }
                } else {
                    setError(key, r.error);
                    if (opts.fail) {
                        opts.fail();
                    }
                    // No such item or group any more, or a conflict: what the console shows is old.
                    stale = (r.status === 404 || r.status === 409) && name !== "staff_report";
                }
                render();
                if (stale) {
                    refreshReport(true);
                }
            });
        }

        function refreshReport(quiet) {
            act("refresh", "staff_report", {}, {ok: function () {
                if (!quiet) {
                    announce(t("The report is up to date."));
                }
            }});
            options.changed();
        }

        // ----------------------------------------------------------------- the switch
        /** ARIA tabs: arrows, Home and End move between the two views; Enter and Space pick one. */
        function buildSwitch() {
            var list = h("div", {"class": "foorumi-staff-tabs", role: "tablist", "aria-label": t("Forum views")});
            [[consolePanel, t("Staff console")], [learnerPanel, t("View as learner")]].forEach(function (pair, index) {
                var panel = pair[0];
                var tab = h("button", {
                    type: "button",
                    role: "tab",
                    id: P + "-tab-" + index,
                    "class": "foorumi-staff-tab",
                    "aria-controls": P + "-panel-" + index,
                    text: pair[1],
                    onclick: function () { selectTab(index, false); },
                    onkeydown: onTabKey
                });
                panel.id = P + "-panel-" + index;
                panel.setAttribute("role", "tabpanel");
                panel.setAttribute("aria-labelledby", tab.id);
                tabs.push({tab: tab, panel: panel});
                list.appendChild(tab);
            });
            consolePanel.parentNode.insertBefore(list, consolePanel);
            selectTab(0, false);
        }

        function selectedTab() {
            for (var i = 0; i < tabs.length; i++) {
                if (tabs[i].tab.getAttribute("aria-selected") === "true") {
                    return i;
                }
            }
            return -1;
        }

        function selectTab(index, focus) {
            var before = selectedTab();
            tabs.forEach(function (pair, i) {
                var on = i === index;
                pair.tab.setAttribute("aria-selected", String(on));
                pair.tab.tabIndex = on ? 0 : -1;
                pair.panel.hidden = !on;
            });
            if (focus) {
                tabs[index].tab.focus();
            }
            if (index === 0 && before > 0) {
                markScrollable();  // measured while hidden, the tables seemed to fit
                refreshReport(true);  // back to the console: show what happened meanwhile
            }
        }

        function onTabKey(event) {
            var index = selectedTab();
            var next = null;
            if (event.key === "ArrowRight" || event.key === "ArrowDown") {
                next = (index + 1) % tabs.length;
            } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
                next = (index + tabs.length - 1) % tabs.length;
            } else if (event.key === "Home") {
                next = 0;
            } else if (event.key === "End") {
                next = tabs.length - 1;
            }
            if (next !== null) {
                event.preventDefault();
                selectTab(next, true);
            }
        }

        // ------------------------------------------------------------------ render
        function render() {
            var active = document.activeElement;
            var kept = null;
            if (active && active.id && body.contains(active)) {
                kept = {id: active.id};
                if (typeof active.selectionStart === "number") {
                    kept.start = active.selectionStart;
                    kept.end = active.selectionEnd;
                }
            }
            consolePanel.setAttribute("aria-busy", report ? "false" : "true");
            var parts = [buildToolbar(report, reportAt)];
            if (report) {
                parts = parts.concat([buildTotals(report.totals)], options.sections(report), [buildExport()]);
            }
            body.textContent = "";
            kit.append(body, parts);
            markScrollable();

            var target = byId(ui.focusAfter);
            ui.focusAfter = null;
            if (target) {
                target.focus();
            } else if (kept && !document.documentElement.contains(active)) {
                var again = byId(kept.id);
                if (again) {
                    again.focus({preventScroll: true});
                    if (typeof kept.start === "number" && typeof again.setSelectionRange === "function") {
                        try {
                            again.setSelectionRange(kept.start, kept.end);
                        } catch (e) { /* not a text field */ }
                    }
                }
            }
        }

        // The forum's title names each section together with its heading, so that two forums
        // on one page never give two landmarks one name (see section() in foorumi_render.js).
        function forumTitleId() {
            var block = consolePanel && consolePanel.closest ? consolePanel.closest(".foorumi") : null;
            var title = block ? block.querySelector(".foorumi-title") : null;
            if (!title) {
                return "";
            }
            title.id = title.id || P + "-title";
            return " " + title.id;
        }

        function section(key, title, kids) {
            var headingId = P + "-h-" + key;
            return h("section", {"class": "foorumi-staff-section foorumi-staff-section-" + key,
                "aria-labelledby": headingId + forumTitleId()}, [
                h("h4", {"class": "foorumi-heading", id: headingId, tabindex: "-1", text: title})
            ].concat(kids));
        }

        /**
         * The error box of the action ``key``: the message (the server's own, when it sent one),
         * next to what it is about. The console is rebuilt on every render, so the box is an
         * alert (an assertive live region) only in the render that first shows the message:
         * it is announced once, not again whenever something else changes.
         */
        function errorBox(key) {
            var message = ui.err[key];
            var fresh = !!message && announced[key] !== message;
            var box = h("div", {"class": "foorumi-error", id: kit.idOf("err", key), role: fresh ? "alert" : null});
            if (message) {
                box.appendChild(h("p", {text: message}));
                announced[key] = message;
            } else {
                delete announced[key];
            }
            return box;
        }

        /** Show ``message`` for the action ``key`` (announced again even when it is the same). */
        function setError(key, message) {
            ui.err[key] = message;
            delete announced[key];
        }

        /**
         * A real button. ``busy`` uses aria-disabled, so the button keeps focus while its
         * request is in flight; clicks are ignored then.
         */
        function button(id, label, onClick, opts) {
            opts = opts || {};
            var b = h("button", {
                type: "button",
                id: id,
                "class": "foorumi-btn foorumi-btn-" + (opts.kind || "secondary") + (opts.cls ? " " + opts.cls : ""),
                "aria-disabled": opts.busy ? "true" : null,
                "aria-expanded": opts.expanded === undefined ? null : String(!!opts.expanded),
                "aria-controls": opts.controls || null,
                "aria-describedby": opts.describedby || null
            }, opts.busy ? t("Please wait\u2026") : label);
            b.addEventListener("click", function (event) {
                if (b.getAttribute("aria-disabled") !== "true") {
                    onClick(event);
                }
            });
            return b;
        }

        /** A table in a box that scrolls sideways on narrow screens (see ``markScrollable``). */
        function tableBox(table) {
            return h("div", {"class": "foorumi-staff-tablebox"}, table);
        }

        /**
         * A table box that scrolls gets into the Tab order, as a region named by its table's
         * caption, so that it can be scrolled by keyboard; one that fits stays out of it.
         */
        function markScrollable() {
            Array.prototype.forEach.call(body.querySelectorAll(".foorumi-staff-tablebox"), function (box) {
                var caption = box.querySelector("caption");
                if (box.scrollWidth > box.clientWidth + 1 && caption) {
                    caption.id = caption.id || P + "-caption-" + (captionSeq += 1);
                    box.setAttribute("tabindex", "0");
                    box.setAttribute("role", "region");
                    box.setAttribute("aria-labelledby", caption.id);
                } else {
                    box.removeAttribute("tabindex");
                    box.removeAttribute("role");
                    box.removeAttribute("aria-labelledby");
                }
            });
        }

        function th(text, cls) {
            return h("th", {scope: "col", "class": cls || null, text: text});
        }

        function td(kids, cls) {
            return h("td", {"class": cls || null}, kids);
        }

        // ------------------------------------------------------------------ toolbar
        function buildToolbar(shown, at) {
            var bar = h("div", {"class": "foorumi-staff-toolbar"}, [
                button(P + "-refresh", t("Update report"), function () { refreshReport(false); },
                    {busy: !!ui.busy.refresh}),
                at ? h("p", {"class": "foorumi-staff-updated"}, withTime(t("Updated %(time)s"), at.toISOString())) : null
            ]);
            var wrap = h("div", null, [bar, errorBox("refresh")]);
            if (!shown && !ui.busy.refresh && !ui.err.refresh) {
                wrap.appendChild(h("p", {"class": "foorumi-loading", text: t("Loading\u2026")}));
            }
            return wrap;
        }

        // ------------------------------------------------------------------- totals
        function buildTotals(totals) {
            totals = totals || {};
            var rows = [
                [t("Learners"), totals.learners],
                [t("Accepted the ground rules"), totals.accepted],
                [t("Submitted"), totals.submitted],
                [t("In groups"), totals.in_groups],
                [t("Waiting for a group"), totals.waiting],
                [t("Groups"), totals.groups],
                [t("Comments"), totals.comments],
                [t("Complete"), totals.complete],
                [t("Flagged items"), totals.flagged_items]
            ];
            var list = h("dl", {"class": "foorumi-staff-totals"});
            rows.forEach(function (row) {
                list.appendChild(h("div", {"class": "foorumi-staff-total"}, [
                    h("dt", {text: row[0]}),
                    h("dd", {text: String(Number(row[1]) || 0)})
                ]));
            });
            return section("totals", t("Participation"), [list]);
        }

        // ------------------------------------------------------------------- export
        function buildExport() {
            return section("export", t("Export"), [
                h("p", {"class": "foorumi-help", text: t("Participation as a CSV file, one row per learner.")}),
                h("ul", {"class": "foorumi-staff-links"}, [
                    h("li", null, h("a", {href: options.handlerUrl("export_csv"),
                        text: t("Download participation (CSV)")})),
                    h("li", null, h("a", {href: options.handlerUrl("export_csv", "include_text=1"),
                        "aria-describedby": P + "-export-note", text: t("Download participation with reflection texts (CSV)")}))
                ]),
                h("p", {"class": "foorumi-help", id: P + "-export-note",
                    text: t("The file with texts holds what learners wrote: keep it confidential.")})
            ]);
        }

        // ------------------------------------------------------------------ start
        function start() {
            consolePanel.appendChild(live);
            consolePanel.appendChild(body);
            buildSwitch();
            render();
            window.addEventListener("resize", function () {
                clearTimeout(resizeTimer);
                resizeTimer = setTimeout(markScrollable, 200);
            });
            if (!report) {
                refreshReport(true);
            }
        }

        return {
            t: t,
            ngettext: kit.ngettext,
            fmt: kit.fmt,
            h: h,
            P: P,
            idOf: kit.idOf,
            byId: byId,
            has: kit.has,
            isolate: kit.isolate,
            post: kit.post,
            lang: lang,
            maxReason: options.maxReason,
            prompts: options.prompts,
            ui: ui,
            report: function () { return report; },
            act: act,
            render: render,
            announce: announce,
            setError: setError,
            errorBox: errorBox,
            button: button,
            section: section,
            tableBox: tableBox,
            th: th,
            td: td,
            nameOf: nameOf,
            dateOf: dateOf,
            timeEl: timeEl,
            withTime: withTime,
            yesNo: yesNo,
            groupsById: groupsById,
            groupName: groupName,
            start: start
        };
    };
}(window));
