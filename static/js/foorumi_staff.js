/*
 * Foorumi: the course staff's console (DESIGN.md "Staff"; handlers in README "Handler API").
 *
 * How it joins the page. Runtimes call one init function per fragment. For course staff the
 * block's fragment carries two scripts, foorumi.js (the learner module) and this one, and
 * names FoorumiStaff as the init function: it builds the switch ("Staff console" / "View as
 * learner", ARIA tabs), renders the console, and starts FoorumiXBlock on the same block
 * element for the learner half, which then runs exactly as it does for learners (it finds its
 * own ``.foorumi-app`` inside the learner panel). So the learner module knows nothing of
 * staff, and a learner's fragment holds neither this script nor the report nor its strings.
 *
 * ``init`` is ``{json: "<escaped JSON>"}`` of the learner module's init (state, i18n, lang,
 * poll_seconds, limits) plus ``staff: {report, i18n, limits: {reason_chars}}``. Every staff
 * handler that changes something answers with the fresh report, and the console re-renders
 * from it. The report holds learner text (flagged items, the group reader): it is only ever
 * inserted with textContent / text nodes.
 */
/* exported FoorumiStaff */
/* global FoorumiXBlock */
function FoorumiStaff(runtime, element, init) {
    "use strict";

    if (element && element.jquery) {
        element = element[0];
    }
    init = init || {};
    if (typeof init.json === "string") {
        // One JSON string with <, > and & escaped (see foorumi.js).
        init = JSON.parse(init.json);
    }
    var staff = init.staff || {};
    var learnerInit = {};
    Object.keys(init).forEach(function (key) {
        if (key !== "staff") {
            learnerInit[key] = init[key];
        }
    });

    // ------------------------------------------------------------------ settings
    // The staff strings first, then the learner module's (a few are shared, e.g. "Cancel").
    var i18n = {};
    [init.i18n, staff.i18n].forEach(function (table) {
        Object.keys(table || {}).forEach(function (key) { i18n[key] = table[key]; });
    });
    var lang = String(init.lang || document.documentElement.lang || "en");
    var MAX_REASON = positive(staff.limits && staff.limits.reason_chars, 500);
    var prompts = (init.state && init.state.prompts) || [];

    FoorumiStaff.instances = (FoorumiStaff.instances || 0) + 1;
    var P = "foorumistaff" + FoorumiStaff.instances;

    var consolePanel = element.querySelector(".foorumi-staff-console");
    var learnerPanel = element.querySelector(".foorumi-staff-learner");

    // --------------------------------------------------------------------- state
    var report = staff.report && staff.report.totals ? staff.report : null;
    var reportAt = report ? new Date() : null;
    var reportSeq = 0;
    var appliedSeq = 0;
    var ui = {
        sort: {key: "name", dir: 1},  // learner table: column and direction (1 up, -1 down)
        filter: "",
        reason: {},          // flagged item id -> moderation reason being typed
        moveTo: {},          // learner id -> group id picked
        confirmForm: false,  // the "Form groups now" confirmation is open
        reader: null,        // {id, name, data, busy} while a group is open for reading
        busy: {},            // action key -> true while its request is in flight
        err: {},             // action key -> message
        invalid: {},         // action key -> true when the input next to it is refused
        focusAfter: null     // element id to focus after the next render
    };
    var tabs = [];
    var live = null;
    var body = null;
    var announceTimer = null;
    var captionSeq = 0;
    var announced = {};  // action key -> the error message already announced
    var resizeTimer = null;

    // ------------------------------------------------------------------- helpers
    function positive(value, fallback) {
        var n = Number(value);
        return n > 0 ? n : fallback;
    }

    function has(obj, key) {
        return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
    }

    /** The translation of an English UI string (the English itself when none). */
    function t(english) {
        return has(i18n, english) && i18n[english] ? String(i18n[english]) : english;
    }

    /** Fill Python-style named placeholders: fmt("%(n)s flags", {n: 3}). */
    function fmt(template, params) {
        return String(template).replace(/%(?:\((\w+)\))?([sd%])/g, function (match, key, conv) {
            if (conv === "%") {
                return "%";
            }
            return key && has(params, key) ? String(params[key]) : match;
        });
    }

    function csrfToken() {
        var parts = document.cookie ? document.cookie.split(";") : [];
        for (var i = 0; i < parts.length; i++) {
            var part = parts[i].trim();
            if (part.indexOf("csrftoken=") === 0) {
                return decodeURIComponent(part.slice("csrftoken=".length));
            }
        }
        return "";
    }

    /** A stable element id for (kind, server id); server ids may hold any character. */
    function idOf(kind, raw) {
        return P + "-" + kind + "-" + String(raw).replace(/[^A-Za-z0-9_-]/g, function (ch) {
            return "_" + ch.charCodeAt(0).toString(16);
        });
    }

    function byId(id) {
        var el = id ? document.getElementById(id) : null;
        return el && element.contains(el) ? el : null;
    }

    /** Create an element. ``text`` sets textContent; ``on*`` adds listeners; false/null skip. */
    function h(tag, attrs, kids) {
        var el = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (name) {
            var value = attrs[name];
            if (value === null || value === undefined || value === false) {
                return;
            }
            if (name === "text") {
                el.textContent = String(value);
            } else if (name.slice(0, 2) === "on" && typeof value === "function") {
                el.addEventListener(name.slice(2), value);
            } else {
                el.setAttribute(name, value === true ? "" : String(value));
            }
        });
        append(el, kids);
        return el;
    }

    function append(el, kids) {
        if (kids === null || kids === undefined) {
            return el;
        }
        (Array.isArray(kids) ? kids : [kids]).forEach(function (kid) {
            if (kid === null || kid === undefined || kid === false) {
                return;
            }
            el.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
        });
        return el;
    }

    // Learner names are shown isolated (U+2068 ... U+2069), so that a name starting with a
    // right-to-left override cannot reverse the sentence or the line around it.
    // Only text that has right-to-left letters or bidi controls needs it; other names stay
    // as they are (so "Anna" is still "Anna" to a screen reader or a search).
    var BIDI_RE = /[\u0590-\u08ff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

    function isolate(text) {
        return BIDI_RE.test(text) ? "\u2068" + text + "\u2069" : text;
    }

    function nameOf(person) {
        return person && person.name ? isolate(String(person.name)) : t("Participant");
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

    function groupsById() {
        var out = {};
        ((report && report.groups) || []).forEach(function (g, index) {
            out[g.id] = {group: g, index: index};
        });
        return out;
    }

    function groupName(groupId) {
        var found = groupsById()[groupId];
        return found ? found.group.name : "";
    }

    // ------------------------------------------------------------- live region
    function announce(message) {
        if (!message || !live) {
            return;
        }
        clearTimeout(announceTimer);
        live.textContent = "";
        // A short pause, so that the same message twice in a row is read twice.
        announceTimer = setTimeout(function () { live.textContent = message; }, 150);
    }

    // ----------------------------------------------------------------- network
    /** POST JSON to a staff handler: resolves to {ok, data} or {ok: false, status, error}. */
    function call(name, payload) {
        var sent;
        try {
            sent = fetch(runtime.handlerUrl(element, name), {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
                body: JSON.stringify(payload || {})
            });
        } catch (e) {
            sent = Promise.reject(e);
        }
        return sent.then(function (response) {
            return response.text().then(function (text) {
                var data = null;
                try {
                    data = JSON.parse(text);
                } catch (e) { /* not JSON */ }
                if (response.ok && data && typeof data === "object") {
                    return {ok: true, data: data};
                }
                if (response.ok) {
                    return {ok: false, status: response.status,
                        error: t("The server sent an unexpected answer. Please try again.")};
                }
                return {ok: false, status: response.status,
                    error: data && typeof data.error === "string" && data.error ? data.error :
                        fmt(t("Something went wrong (error %(status)s). Please try again."), {status: response.status})};
            });
        }, function () {
            return {ok: false, status: 0, error: t("Could not reach the server. Check your connection and try again.")};
        });
    }

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
        call(name, payload).then(function (r) {
            delete ui.busy[key];
            var stale = false;
            if (r.ok && r.data && typeof r.data.totals === "object") {
                takeReport(r.data, seq, name !== "staff_report");
                if (opts.ok) {
                    opts.ok(r.data);
                }
                if (ui.reader && name !== "staff_report") {
                    openGroup(ui.reader.id, false);  // what it shows may have changed too
                }
            } else {
                setError(key, r.ok ? t("The server sent an unexpected answer. Please try again.") : r.error);
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
        if (ui.reader) {
            openGroup(ui.reader.id, false);
        }
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
        var parts = report ? [
            buildToolbar(), buildTotals(), buildFlags(), buildPool(), buildGroups(), buildLearners(),
            buildDecisions(), buildExport()
        ] : [buildToolbar()];
        body.textContent = "";
        append(body, parts);
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

    function section(key, title, kids) {
        var headingId = P + "-h-" + key;
        return h("section", {"class": "foorumi-staff-section foorumi-staff-section-" + key, "aria-labelledby": headingId}, [
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
        var box = h("div", {"class": "foorumi-error", id: idOf("err", key), role: fresh ? "alert" : null});
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
    function buildToolbar() {
        var bar = h("div", {"class": "foorumi-staff-toolbar"}, [
            button(P + "-refresh", t("Update report"), function () { refreshReport(false); },
                {busy: !!ui.busy.refresh}),
            reportAt ? h("p", {"class": "foorumi-staff-updated"},
                withTime(t("Updated %(time)s"), reportAt.toISOString())) : null
        ]);
        var wrap = h("div", null, [bar, errorBox("refresh")]);
        if (!report && !ui.busy.refresh && !ui.err.refresh) {
            wrap.appendChild(h("p", {"class": "foorumi-loading", text: t("Loading\u2026")}));
        }
        return wrap;
    }

    // ------------------------------------------------------------------- totals
    function buildTotals() {
        var totals = report.totals || {};
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

    // -------------------------------------------------------------------- flags
    function flagTitle(flag) {
        if (flag.kind === "reflection") {
            return fmt(t("Reflection by %(name)s"), {name: flag.author ? isolate(flag.author) : t("Participant")});
        }
        if (flag.kind === "comment") {
            return fmt(t("Comment by %(name)s"), {name: flag.author ? isolate(flag.author) : t("Participant")});
        }
        return t("An item that no longer exists");
    }

    function buildFlags() {
        var flags = report.flags || [];
        var kids = [];
        if (!flags.length) {
            kids.push(h("p", {"class": "foorumi-help", text: t("Nothing has been flagged.")}));
        } else {
            kids.push(h("p", {"class": "foorumi-help",
                text: t("Learners flagged these for staff. Hiding an item shows the group “Removed by a moderator” instead; its author still sees it, marked as hidden. Every decision is logged with its reason.")}));
            var list = h("ul", {"class": "foorumi-staff-flags"});
            flags.forEach(function (flag) {
                list.appendChild(buildFlag(flag));
            });
            kids.push(list);
        }
        return section("flags", t("Flagged items"), kids);
    }

    function buildFlag(flag) {
        var item = flag.item_id;
        var titleId = idOf("flag-h", item);
        var li = h("li", {"class": "foorumi-staff-flag" + (flag.hidden ? " is-hidden" : ""), id: idOf("flag", item)});
        li.appendChild(h("h5", {"class": "foorumi-staff-item-title", id: titleId, tabindex: "-1", text: flagTitle(flag)}));
        var group = groupName(flag.group_id);
        li.appendChild(h("p", {"class": "foorumi-meta"}, [
            h("span", {"class": "foorumi-staff-badge " + (flag.hidden ? "is-hidden" : "is-visible"),
                text: flag.hidden ? t("Hidden from the group") : t("Visible to the group")}),
            group ? h("span", {text: group}) : null,
            h("span", {text: fmt(t("Flags: %(count)s"), {count: Number(flag.count) || 0})}),
            flag.last_flagged ? h("span", null, withTime(t("last flagged %(time)s"), flag.last_flagged)) : null
        ]));
        if (flag.text) {
            li.appendChild(h("div", {"class": "foorumi-text foorumi-staff-quote", text: flag.text}));
        }
        li.appendChild(h("p", {"class": "foorumi-staff-label", id: idOf("reasons-h", item), text: t("Reasons given:")}));
        var reasons = h("ul", {"class": "foorumi-staff-reasons", "aria-labelledby": idOf("reasons-h", item)});
        (flag.reasons || []).forEach(function (reason) {
            reasons.appendChild(h("li", {"class": "foorumi-text", text: reason}));
        });
        li.appendChild(reasons);
        if (flag.kind === "reflection" || flag.kind === "comment") {
            li.appendChild(buildModerate(flag));
        }
        return li;
    }

    function buildModerate(flag) {
        var item = flag.item_id;
        var key = "moderate:" + item;
        var inputId = idOf("reason", item);
        var errId = idOf("err", key);
        var input = h("input", {
            type: "text",
            id: inputId,
            "class": "foorumi-staff-input",
            maxlength: String(MAX_REASON),
            autocomplete: "off",
            "aria-required": flag.hidden ? null : "true",
            "aria-invalid": ui.invalid[key] ? "true" : null,
            "aria-describedby": errId
        });
        input.value = ui.reason[item] || "";
        input.addEventListener("input", function () { ui.reason[item] = input.value; });
        input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {
                event.preventDefault();
                moderate(flag);
            }
        });
        return h("div", {"class": "foorumi-staff-moderate"}, [
            h("label", {"for": inputId, "class": "foorumi-label",
                text: flag.hidden ? t("Reason for restoring (optional)") : t("Reason for hiding (required)")}),
            h("div", {"class": "foorumi-staff-inline"}, [
                input,
                button(idOf("mod", item), flag.hidden ? t("Restore") : t("Hide"), function () { moderate(flag); },
                    {kind: flag.hidden ? "secondary" : "primary", busy: !!ui.busy[key], describedby: idOf("flag-h", item)})
            ]),
            errorBox(key)
        ]);
    }

    function moderate(flag) {
        var item = flag.item_id;
        var key = "moderate:" + item;
        var reason = (ui.reason[item] || "").trim();
        var hide = !flag.hidden;
        if (hide && !reason) {
            setError(key, t("Write the reason for hiding first: it goes into the log."));
            ui.invalid[key] = true;
            ui.focusAfter = idOf("reason", item);
            render();
            return;
        }
        act(key, "moderate", {item_id: item, action: hide ? "hide" : "restore", reason: reason}, {ok: function () {
            delete ui.reason[item];
            ui.focusAfter = idOf("mod", item);
            announce(hide ? t("Hidden. The group now sees “Removed by a moderator” in its place.") :
                t("Restored. The group sees it again."));
        }});
    }

    // --------------------------------------------------------------------- pool
    function buildPool() {
        var pool = report.pool || [];
        var settings = report.settings || {};
        var kids = [];
        (report.pool_warnings || []).forEach(function (warning) {
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
            return section("pool", t("Waiting for a group"), kids);
        }
        var list = h("ul", {"class": "foorumi-staff-pool"});
        pool.forEach(function (learner) {
            list.appendChild(h("li", null, [
                h("span", {"class": "foorumi-author", text: nameOf(learner)}),
                learner.username ? " (" + learner.username + ")" : null,
                learner.waiting_since ? h("span", {"class": "foorumi-staff-since"},
                    [" \u2014 "].concat(withTime(t("waiting since %(time)s"), learner.waiting_since))) : null
            ]));
        });
        kids.push(list);
        var confirmId = P + "-formconfirm";
        kids.push(h("div", {"class": "foorumi-actions"}, [
            button(P + "-form", t("Form groups now"), function () {
                ui.confirmForm = !ui.confirmForm;
                delete ui.err.form;
                ui.focusAfter = ui.confirmForm ? P + "-form-yes" : P + "-form";
                render();
            }, {expanded: ui.confirmForm, controls: ui.confirmForm ? confirmId : null})
        ]));
        if (ui.confirmForm) {
            kids.push(h("div", {"class": "foorumi-staff-confirm", id: confirmId}, [
                h("p", {id: confirmId + "-q", text: fmt(
                    t("Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s members), or form a group of their own when there is none."),
                    {count: pool.length, max: settings.max_group_size})}),
                h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
                    button(P + "-form-yes", t("Yes, form groups"), formGroups,
                        {kind: "primary", busy: !!ui.busy.form, describedby: confirmId + "-q"}),
                    button(P + "-form-no", t("Cancel"), function () {
                        ui.confirmForm = false;
                        ui.focusAfter = P + "-form";
                        render();
                    })
                ])
            ]));
        }
        kids.push(errorBox("form"));
        return section("pool", t("Waiting for a group"), kids);
    }

    function formGroups() {
        var waiting = (report.pool || []).length;
        act("form", "form_groups", {}, {ok: function (data) {
            ui.confirmForm = false;
            ui.focusAfter = P + "-h-pool";
            var left = (data.pool || []).length;
            announce(fmt(t("Learners placed in groups: %(count)s."), {count: Math.max(0, waiting - left)}));
        }});
    }

    // ------------------------------------------------------------------- groups
    function groupWarning(code) {
        var settings = report.settings || {};
        if (code === "silent") {
            return t("Silent: no recent activity");
        }
        if (code === "small") {
            return fmt(t("Small: fewer than %(min)s members"), {min: settings.min_group_size});
        }
        return code;
    }

    function buildGroups() {
        var groups = report.groups || [];
        var kids = [];
        if (!groups.length) {
            kids.push(h("p", {"class": "foorumi-help", text: t("No groups yet.")}));
        } else {
            var table = h("table", {"class": "foorumi-staff-table foorumi-staff-groups"}, [
                h("caption", {"class": "foorumi-sr", text: t("Group health")}),
                h("thead", null, h("tr", null, [
                    th(t("Group")), th(t("Members")), th(t("Reflections"), "is-num"), th(t("Comments"), "is-num"),
                    th(t("Lacking feedback"), "is-num"), th(t("Last activity")), th(t("Warnings")),
                    h("th", {scope: "col"}, h("span", {"class": "foorumi-sr", text: t("Actions")}))
                ]))
            ]);
            var tbody = h("tbody");
            groups.forEach(function (g) {
                var members = h("ul", {"class": "foorumi-staff-names"});
                (g.members || []).forEach(function (m) {
                    members.appendChild(h("li", {text: nameOf(m)}));
                });
                var warnings = h("ul", {"class": "foorumi-staff-names"});
                (g.warnings || []).forEach(function (code) {
                    warnings.appendChild(h("li", {"class": "foorumi-staff-warning-text", text: groupWarning(code)}));
                });
                var open = !!(ui.reader && ui.reader.id === g.id);
                tbody.appendChild(h("tr", {"class": (g.warnings || []).length ? "has-warning" : null}, [
                    h("th", {scope: "row", text: g.name}),
                    td(members),
                    td(String(Number(g.reflections) || 0), "is-num"),
                    td(String(Number(g.comments) || 0), "is-num"),
                    td(String((g.needs_feedback || []).length), "is-num"),
                    td(timeEl(g.last_activity, true)),
                    td((g.warnings || []).length ? warnings : ""),
                    td(button(idOf("read", g.id), fmt(t("Read %(group)s"), {group: g.name}), function () {
                        openGroup(g.id, true);
                    }, {cls: "foorumi-btn-small", expanded: open, controls: open ? P + "-reader" : null}))
                ]));
            });
            table.appendChild(tbody);
            kids.push(tableBox(table));
        }
        kids.push(errorBox("read"));
        if (ui.reader) {
            kids.push(buildReader());
        }
        return section("groups", t("Groups"), kids);
    }

    /** Open a group's threads for reading (``focus``: the reader's heading gets the focus). */
    function openGroup(groupId, focus) {
        var seq = (ui.reader && ui.reader.seq || 0) + 1;
        ui.reader = {id: groupId, data: ui.reader && ui.reader.id === groupId ? ui.reader.data : null, seq: seq};
        delete ui.err.read;
        if (focus) {
            render();
        }
        call("staff_group", {group_id: groupId}).then(function (r) {
            if (!ui.reader || ui.reader.id !== groupId || ui.reader.seq !== seq) {
                return;  // closed, or another group opened meanwhile
            }
            if (r.ok && r.data && Array.isArray(r.data.threads)) {
                ui.reader.data = r.data;
                if (focus) {
                    ui.focusAfter = P + "-reader-h";
                }
            } else {
                setError("read", r.ok ? t("The server sent an unexpected answer. Please try again.") : r.error);
                ui.reader = null;
                if (focus) {
                    ui.focusAfter = idOf("read", groupId);
                }
            }
            render();
        });
    }

    function hiddenNote(item) {
        return h("p", {"class": "foorumi-staff-hidden-note", text: item.hidden_reason ?
            fmt(t("Hidden from the group. Reason: %(reason)s"), {reason: item.hidden_reason}) :
            t("Hidden from the group")});
    }

    function buildReader() {
        var data = ui.reader.data;
        var sec = h("section", {"class": "foorumi-staff-reader", id: P + "-reader", "aria-labelledby": P + "-reader-h"});
        var name = data ? data.name : groupName(ui.reader.id);
        sec.appendChild(h("div", {"class": "foorumi-staff-reader-head"}, [
            h("h5", {"class": "foorumi-staff-item-title", id: P + "-reader-h", tabindex: "-1",
                text: fmt(t("Reading %(group)s"), {group: name})}),
            button(P + "-reader-close", t("Close"), function () {
                var id = ui.reader.id;
                ui.reader = null;
                ui.focusAfter = idOf("read", id);
                render();
            }, {cls: "foorumi-btn-small"})
        ]));
        if (!data) {
            sec.appendChild(h("p", {"class": "foorumi-loading", text: t("Loading\u2026")}));
            return sec;
        }
        sec.appendChild(h("p", {"class": "foorumi-help"}, [
            t("Members:"), " ",
            (data.members || []).map(nameOf).join(", ")
        ]));
        if (!(data.threads || []).length) {
            sec.appendChild(h("p", {"class": "foorumi-help", text: t("No reflections yet.")}));
        }
        (data.threads || []).forEach(function (th) {
            sec.appendChild(buildReaderThread(th));
        });
        return sec;
    }

    function buildReaderThread(thread) {
        var titleId = idOf("rt", thread.id);
        var art = h("article", {"class": "foorumi-staff-thread" + (thread.hidden ? " is-hidden" : ""),
            "aria-labelledby": titleId});
        art.appendChild(h("h6", {"class": "foorumi-staff-thread-title", id: titleId,
            text: fmt(t("%(name)s's reflection"), {name: nameOf(thread.author)})}));
        art.appendChild(h("p", {"class": "foorumi-meta"}, [
            timeEl(thread.created_at),
            thread.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null
        ]));
        if (thread.hidden) {
            art.appendChild(hiddenNote(thread));
        }
        var answers = thread.answers || {};
        var shown = {};
        prompts.forEach(function (p) {
            if (has(answers, p.id)) {
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
        comments.forEach(function (c) {
            var li = h("li", {"class": "foorumi-comment" + (c.hidden ? " is-hidden" : "")}, [
                h("p", {"class": "foorumi-meta"}, [
                    h("span", {"class": "foorumi-author", text: nameOf(c.author)}),
                    timeEl(c.created_at),
                    c.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
                    c.helpful ? h("span", {"class": "foorumi-badge foorumi-badge-helpful", text: t("Helpful to the author")}) : null
                ])
            ]);
            if (c.hidden) {
                li.appendChild(hiddenNote(c));
            }
            li.appendChild(h("div", {"class": "foorumi-text", text: c.text}));
            list.appendChild(li);
        });
        art.appendChild(list);
        return art;
    }

    // ----------------------------------------------------------------- learners
    function learnerColumns() {
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

    function learnerGroupLabel(learner) {
        if (learner.group_id) {
            return learner.group_name || groupName(learner.group_id);
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
            var date = dateOf(learner.last_activity);
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

    function sortedLearners() {
        var groups = groupsById();
        var key = ui.sort.key;
        var dir = ui.sort.dir;
        return (report.learners || []).slice().sort(function (a, b) {
            var va = sortValue(a, key, groups);
            var vb = sortValue(b, key, groups);
            // No date sorts last, whichever the direction.
            var order = va === null || vb === null ? compareValues(va, vb) : dir * compareValues(va, vb);
            return order || compareValues(String(a.name || ""), String(b.name || "")) ||
                compareValues(String(a.username || ""), String(b.username || ""));
        });
    }

    function matchesFilter(learner) {
        var needle = ui.filter.trim().toLocaleLowerCase(lang);
        if (!needle) {
            return true;
        }
        var hay = [learner.name, learner.username, learnerGroupLabel(learner)].join(" ").toLocaleLowerCase(lang);
        return hay.indexOf(needle) >= 0;
    }

    function buildLearners() {
        var learners = report.learners || [];
        var filterId = P + "-filter";
        var kids = [];
        if (!learners.length) {
            kids.push(h("p", {"class": "foorumi-help", text: t("Nobody has opened this forum yet.")}));
            return section("learners", t("Learners"), kids);
        }
        var input = h("input", {type: "search", id: filterId, "class": "foorumi-staff-input", autocomplete: "off",
            "aria-describedby": filterId + "-help " + P + "-count", "aria-controls": P + "-learners"});
        input.value = ui.filter;
        input.addEventListener("input", function () {
            ui.filter = input.value;
            fillLearnerRows();
        });
        kids.push(h("div", {"class": "foorumi-staff-filter"}, [
            h("label", {"for": filterId, "class": "foorumi-label", text: t("Filter learners")}),
            input,
            h("p", {"class": "foorumi-count", id: filterId + "-help", text: t("By name, username or group.")})
        ]));
        kids.push(h("p", {"class": "foorumi-staff-count", id: P + "-count", role: "status"}));

        var headRow = h("tr");
        learnerColumns().forEach(function (col) {
            var sorted = ui.sort.key === col.key;
            headRow.appendChild(h("th", {
                scope: "col",
                "class": col.num ? "is-num" : null,
                "aria-sort": sorted ? (ui.sort.dir > 0 ? "ascending" : "descending") : null
            }, h("button", {type: "button", "class": "foorumi-staff-sort", id: P + "-sort-" + col.key,
                onclick: function () { sortBy(col.key); }}, [
                col.label,
                h("span", {"class": "foorumi-staff-arrow", "aria-hidden": "true",
                    text: sorted ? (ui.sort.dir > 0 ? "\u25b2" : "\u25bc") : "\u25b4\u25be"})
            ])));
        });
        headRow.appendChild(th(t("Move to group")));
        var table = h("table", {"class": "foorumi-staff-table foorumi-staff-learners", id: P + "-learners"}, [
            h("caption", {"class": "foorumi-sr", text: t("Learners; select a column heading to sort by it.")}),
            h("thead", null, headRow),
            h("tbody", {id: P + "-learner-rows"})
        ]);
        kids.push(tableBox(table));
        var sec = section("learners", t("Learners"), kids);
        fillLearnerRows(sec);
        return sec;
    }

    function sortBy(key) {
        if (ui.sort.key === key) {
            ui.sort.dir = -ui.sort.dir;
        } else {
            ui.sort = {key: key, dir: 1};
        }
        render();
    }

    /** Rows of the learner table for the filter and sort (the rest of the console stays). */
    function fillLearnerRows(root) {
        root = root || body;
        var tbody = root.querySelector("#" + P + "-learner-rows");
        var count = root.querySelector("#" + P + "-count");
        if (!tbody) {
            return;
        }
        var all = sortedLearners();
        var rows = all.filter(matchesFilter);
        tbody.textContent = "";
        rows.forEach(function (learner) {
            tbody.appendChild(buildLearnerRow(learner));
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

    function buildLearnerRow(learner) {
        var complete = !!learner.complete;
        return h("tr", null, [
            h("th", {scope: "row", id: idOf("lname", learner.id), text: nameOf(learner)}),
            td(learner.username || ""),
            td(learnerGroupLabel(learner)),
            td(yesNo(learner.submitted)),
            td(String(Number(learner.comments_given) || 0), "is-num"),
            td(String(Number(learner.comments_received) || 0), "is-num"),
            td(String(Number(learner.helpful_received) || 0), "is-num"),
            td(yesNo(complete), complete ? "is-complete" : null),
            td(timeEl(learner.last_activity, true)),
            td(buildMove(learner), "foorumi-staff-movecell")
        ]);
    }

    function buildMove(learner) {
        var placed = learner.group_id || learner.waiting_since;
        var targets = (report.groups || []).filter(function (g) { return g.id !== learner.group_id; });
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
                    text: fmt(t("New group for %(name)s"), {name: nameOf(learner)})}),
                select,
                button(idOf("move", learner.id), t("Move"), function () { moveLearner(learner); },
                    {cls: "foorumi-btn-small", busy: !!ui.busy[key], describedby: idOf("lname", learner.id)})
            ]),
            // Only a row with something to say has an alert region (not one per learner).
            ui.err[key] ? errorBox(key) : null
        ];
    }

    function moveLearner(learner) {
        var key = "move:" + learner.id;
        var groupId = ui.moveTo[learner.id] || "";
        if (!groupId) {
            setError(key, fmt(t("Choose the group to move %(name)s to first."), {name: nameOf(learner)}));
            ui.invalid[key] = true;
            ui.focusAfter = idOf("moveto", learner.id);
            render();
            return;
        }
        var target = groupName(groupId);
        act(key, "move_learner", {learner_id: learner.id, group_id: groupId}, {
            ok: function () {
                delete ui.moveTo[learner.id];
                ui.focusAfter = idOf("move", learner.id);
                announce(fmt(t("%(name)s is now in %(group)s."), {name: nameOf(learner), group: target}));
            },
            fail: function () {
                ui.invalid[key] = true;
                ui.focusAfter = idOf("move", learner.id);
            }
        });
    }

    // ---------------------------------------------------------------- decisions
    function itemLabel(itemId) {
        var flags = report.flags || [];
        for (var i = 0; i < flags.length; i++) {
            if (flags[i].item_id === itemId) {
                return flagTitle(flags[i]);
            }
        }
        return itemId;
    }

    function buildDecisions() {
        var decisions = report.decisions || [];
        var kids = [];
        if (!decisions.length) {
            kids.push(h("p", {"class": "foorumi-help", text: t("No moderation decisions yet.")}));
            return section("decisions", t("Moderation log"), kids);
        }
        var tbody = h("tbody");
        decisions.forEach(function (d) {
            tbody.appendChild(h("tr", null, [
                td(timeEl(d.at, true)),
                td(d.action === "hide" ? t("Hidden") : d.action === "restore" ? t("Restored") : String(d.action || "")),
                td(itemLabel(d.item_id)),
                td(h("span", {"class": "foorumi-text", text: d.reason || ""})),
                td(d.by || "")
            ]));
        });
        kids.push(tableBox(h("table", {"class": "foorumi-staff-table foorumi-staff-log"}, [
            h("caption", {"class": "foorumi-sr", text: t("Moderation log, latest first")}),
            h("thead", null, h("tr", null, [th(t("When")), th(t("Decision")), th(t("Item")), th(t("Reason")), th(t("By"))])),
            tbody
        ])));
        return section("decisions", t("Moderation log"), kids);
    }

    // ------------------------------------------------------------------- export
    function buildExport() {
        return section("export", t("Export"), [
            h("p", {"class": "foorumi-help", text: t("Participation as a CSV file, one row per learner.")}),
            h("ul", {"class": "foorumi-staff-links"}, [
                h("li", null, h("a", {href: runtime.handlerUrl(element, "export_csv"),
                    text: t("Download participation (CSV)")})),
                h("li", null, h("a", {href: runtime.handlerUrl(element, "export_csv", "", "include_text=1"),
                    "aria-describedby": P + "-export-note", text: t("Download participation with reflection texts (CSV)")}))
            ]),
            h("p", {"class": "foorumi-help", id: P + "-export-note",
                text: t("The file with texts holds what learners wrote: keep it confidential.")})
        ]);
    }

    // ------------------------------------------------------------------ start
    if (!consolePanel || !learnerPanel) {
        // Not the staff markup (templates/student.html): the learner view alone.
        FoorumiXBlock(runtime, element, learnerInit);
        return;
    }
    live = h("div", {"class": "foorumi-staff-status foorumi-sr", role: "status", "aria-live": "polite"});
    body = h("div", {"class": "foorumi-staff-body"});
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
    // The learner half: foorumi.js comes in the same fragment, loaded before this init runs.
    if (typeof FoorumiXBlock === "function") {
        FoorumiXBlock(runtime, element, learnerInit);
    } else {
        learnerPanel.appendChild(h("p", {"class": "foorumi-notice",
            text: t("This forum cannot be shown right now. Please reload the page.")}));
    }
}
