/*
 * Foorumi: the course staff's console (docs/design.md "Staff"; handlers in README "Handler API"),
 * ``FoorumiStaff(runtime, element, init)``. This entry file only wires the console's parts,
 * each loaded before it by URL and each one key of ``window.Foorumi``:
 *
 *   core             foorumi_core.js              shared with the learner view and Studio
 *   staffConsole     foorumi_staff_console.js     report, staff actions, the tabs, rendering
 *   staffModeration  foorumi_staff_moderation.js  the flag queue and the decision log
 *   staffGroups      foorumi_staff_groups.js      the pool, group health, the group reader
 *   staffLearners    foorumi_staff_learners.js    the learner table and moves
 *   staffSessions    foorumi_staff_sessions.js    groups across the sessions of a group set, merging
 *
 * How it joins the page. Runtimes call one init function per fragment. For course staff the
 * block's fragment carries the learner view's files (foorumi.js and its parts) and these,
 * and names FoorumiStaff as the init function: it builds the switch ("Staff console" /
 * "View as learner", ARIA tabs), renders the console, and starts FoorumiXBlock on the same
 * block element for the learner half, which then runs exactly as it does for learners (it
 * finds its own ``.foorumi-app`` inside the learner panel). So the learner view knows
 * nothing of staff, and a learner's fragment holds neither these files nor the report nor
 * their strings.
 *
 * ``init`` is ``{json: "<escaped JSON>"}`` of the learner view's init (state, i18n, catalog,
 * lang, poll_seconds, limits) plus ``staff: {report, i18n, limits: {reason_chars}}``; the
 * console's strings file (static/js/i18n/foorumi_i18n_staff_<locale>.js) adds its entries to
 * the same catalog as the learner view's.
 */
/* exported FoorumiStaff */
/* global FoorumiXBlock */
function FoorumiStaff(runtime, element, init) {
    "use strict";

    var F = window.Foorumi || {};
    var missing = ["core", "staffConsole", "staffModeration", "staffGroups", "staffLearners", "staffSessions"].filter(function (name) {
        return !F[name];
    });
    if (missing.length) {
        throw new Error("FoorumiStaff: window.Foorumi." + missing.join(", window.Foorumi.") + " is missing: " +
            "the staff console's script files must all be loaded before foorumi_staff.js runs.");
    }
    var core = F.core;
    element = core.elementOf(element);
    init = core.readInit(init);
    var staff = init.staff || {};
    var learnerInit = {};
    Object.keys(init).forEach(function (key) {
        if (key !== "staff") {
            learnerInit[key] = init[key];
        }
    });

    var consolePanel = element.querySelector(".foorumi-staff-console");
    var learnerPanel = element.querySelector(".foorumi-staff-learner");
    if (!consolePanel || !learnerPanel) {
        // Not the staff markup (templates/student.html): the learner view alone.
        FoorumiXBlock(runtime, element, learnerInit);
        return;
    }

    // The staff strings, then the learner view's (a few are shared, e.g. "Cancel").
    var i18n = {};
    [init.i18n, staff.i18n].forEach(function (table) {
        Object.keys(table || {}).forEach(function (key) { i18n[key] = table[key]; });
    });
    FoorumiStaff.instances = (FoorumiStaff.instances || 0) + 1;
    var kit = core.kit(runtime, element, i18n, "foorumistaff" + FoorumiStaff.instances, init.catalog);
    var t = kit.t;

    var groups = null;
    var moderation = null;
    var learners = null;
    var sessions = null;
    var c = F.staffConsole(kit, {
        report: staff.report,
        lang: String(init.lang || document.documentElement.lang || "en"),
        maxReason: kit.positive(staff.limits && staff.limits.reason_chars, 500),
        prompts: (init.state && init.state.prompts) || [],
        consolePanel: consolePanel,
        learnerPanel: learnerPanel,
        handlerUrl: function (name, query) {
            return query ? runtime.handlerUrl(element, name, "", query) : runtime.handlerUrl(element, name);
        },
        sections: function (report) {
            var groupList = report.groups || [];
            return [
                moderation.flags(report.flags || [], groupList),
                groups.pool(report.pool || [], report.pool_warnings || [], report.settings || {}),
                groups.health(groupList, report.settings || {}),
                report.sessions ? sessions.section(report.sessions, report.settings || {}) : null,
                learners.section(report.learners || [], groupList),
                moderation.log(report.decisions || [], report.flags || [])
            ];
        },
        changed: function () { groups.reread(); }
    });
    moderation = F.staffModeration(c);
    groups = F.staffGroups(c);
    learners = F.staffLearners(c);
    sessions = F.staffSessions(c);
    c.start();

    // The learner half: foorumi.js comes in the same fragment, loaded before this init runs.
    if (typeof FoorumiXBlock === "function") {
        FoorumiXBlock(runtime, element, learnerInit);
    } else {
        learnerPanel.appendChild(kit.h("p", {"class": "foorumi-notice",
            text: t("This forum cannot be shown right now. Please reload the page.")}));
    }
}
