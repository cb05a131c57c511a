/*
 * Foorumi: the Studio editor of one forum, ``FoorumiStudio(runtime, element, init)``. This
 * entry file wires the editor's parts, each loaded before it by URL and each one key of
 * ``window.Foorumi``, and saves:
 *
 *   core            foorumi_core.js            shared with the learner view and the console
 *   studioFields    foorumi_studio_fields.js   labelled controls, value helpers
 *   studioLists     foorumi_studio_lists.js    the prompts' and ground rules' list editors
 *   studioForm      foorumi_studio_form.js     every setting in its section; collecting values
 *   studioProblems  foorumi_studio_problems.js problems next to their fields and in a summary
 *
 * The block passes ``init`` as ``{json: "<escaped JSON>"}`` of
 *   {values: {display_name, intro, agreement_required, agreement_items: [str],
 *             prompts: [{id, text, min_words, max_words}], group_size, min_group_size,
 *             max_group_size, comments_required, pool_timeout_hours, identity, scored,
 *             weight},
 *    limits: forum/config.py LIMITS, i18n: {english: translated | [singular, plural]}, catalog,
 *    problems: [{field, index, subfield, message}], live: {submitted}}
 *
 * Save POSTs ``{"values": {...}}`` to the ``studio_submit`` handler; the server is the
 * authority on every rule, and each problem it reports is shown next to its field (or list
 * item) and in a summary at the top.
 */
/* exported FoorumiStudio */
function FoorumiStudio(runtime, element, init) {
    "use strict";

    var F = window.Foorumi || {};
    var missing = ["core", "studioFields", "studioLists", "studioForm", "studioProblems"].filter(function (name) {
        return !F[name];
    });
    if (missing.length) {
        throw new Error("FoorumiStudio: window.Foorumi." + missing.join(", window.Foorumi.") + " is missing: " +
            "the editor's script files must all be loaded before foorumi_studio.js runs.");
    }
    var core = F.core;
    element = core.elementOf(element);
    init = core.readInit(init);

    FoorumiStudio.instances = (FoorumiStudio.instances || 0) + 1;
    var kit = core.kit(runtime, element, init.i18n,
        "foorumi-studio" + FoorumiStudio.instances + "-" + Math.random().toString(36).slice(2, 7), init.catalog);
    var t = kit.t;

    var root = element.querySelector(".foorumi-studio") || element;
    var form = root.querySelector(".foorumi-studio-form");
    var statusBox = root.querySelector(".foorumi-studio-status");
    var saveButton = root.querySelector(".save-button");
    var cancelButton = root.querySelector(".cancel-button");
    var keySeq = 0;
    var saving = false;

    // What the parts share: the toolbox, the editor's elements, its controls and lists.
    var ed = {
        t: t,
        ngettext: kit.ngettext,
        fmt: kit.fmt,
        h: kit.h,
        positive: function (value, fallback) {
            return typeof value === "number" && value > 0 ? value : fallback;
        },
        P: kit.P,
        root: root,
        fieldsBox: root.querySelector(".foorumi-studio-fields"),
        summary: root.querySelector(".foorumi-studio-summary"),
        announce: core.announcer(root.querySelector(".foorumi-studio-live")),
        limits: init.limits || {},
        live: init.live || {},
        controls: {},  // field name -> its control (input, textarea or select)
        lists: {},     // "prompts" / "agreement_items" -> list editor
        nextKey: function () { return ++keySeq; },
        changed: function () { problems.render(); }
    };
    var fields = F.studioFields(ed);
    var editor = F.studioForm(ed, fields, F.studioLists(ed, fields));
    var problems = F.studioProblems(ed, fields);
    var lastSaved = copyValues(init.values || {});

    function copyValues(values) {
        return JSON.parse(JSON.stringify(values || {}));
    }

    function setStatus(message) {
        if (statusBox) {
            statusBox.textContent = message || "";
        }
    }

    function notify(name, data) {
        if (runtime && typeof runtime.notify === "function") {
            runtime.notify(name, data);
        }
    }

    // --------------------------------------------------------------------- save
    function saved(data) {
        problems.reset();
        lastSaved = copyValues(data && data.values ? data.values : editor.collect());
        var title = root.querySelector(".foorumi-studio-title");
        if (title && typeof lastSaved.display_name === "string") {
            title.textContent = lastSaved.display_name;
        }
        setStatus(t("Saved."));
        notify("save", {state: "end"});
    }

    function failed(status, data) {
        var message;
        if (status === 400 && data && Array.isArray(data.problems) && data.problems.length) {
            problems.set(data.problems);
            message = fields.asText(data.error) || t("The forum was not saved: please correct the marked fields.");
        } else {
            problems.clear();
            if (data && data.error) {
                message = fields.asText(data.error);
            } else if (status) {
                message = kit.fmt(t("The forum was not saved (error %(status)s). Please try again."), {status: status});
            } else {
                message = t("The forum was not saved: the server could not be reached. Please try again.");
            }
        }
        setStatus("");
        problems.showSummary(message, problems.render(), true);
        notify("error", {title: t("The forum was not saved."), message: message});
    }

    function save(event) {
        if (event) {
            event.preventDefault();
        }
        if (saving) {
            return;
        }
        saving = true;
        saveButton.setAttribute("aria-disabled", "true");
        setStatus(t("Saving…"));
        var values = editor.collect();
        notify("save", {state: "start", message: t("Saving…")});
        kit.post("studio_submit", {values: values}, {accept: function (data) {
            return data.result === "success";
        }}).then(function (r) {
            try {
                if (r.ok) {
                    saved(r.data);
                } else {
                    failed(r.status, r.data);
                }
            } finally {
                saving = false;
                saveButton.removeAttribute("aria-disabled");
            }
        });
    }

    function cancel() {
        if (runtime && typeof runtime.notify === "function") {
            runtime.notify("cancel", {});
            return;
        }
        // No Studio around (e.g. the workbench): discard the changes instead.
        problems.clear();
        problems.hideSummary();
        editor.build(lastSaved);
        setStatus(t("Changes discarded."));
    }

    // --------------------------------------------------------------------- start
    editor.build(lastSaved);
    if (Array.isArray(init.problems) && init.problems.length) {
        problems.set(init.problems);
        problems.showSummary(t("This forum's settings need attention:"), problems.render(), false);
    }
    if (form) {
        form.addEventListener("submit", save);
        form.addEventListener("input", function () {
            if (!saving) {
                setStatus("");  // "Saved." no longer holds
            }
        });
    } else if (saveButton) {
        saveButton.addEventListener("click", save);
    }
    if (cancelButton) {
        cancelButton.addEventListener("click", cancel);
    }

    return {save: save, values: editor.collect};
}
