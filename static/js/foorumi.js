/*
 * Foorumi: the learner's view of one peer-forum session, ``FoorumiXBlock(runtime, element,
 * init)``. This entry file only wires the view's parts, each loaded before it by URL and
 * each one key of ``window.Foorumi``:
 *
 *   core      foorumi_core.js      translation, fmt, elements, POST with CSRF (shared by all views)
 *   words     foorumi_words.js     the word counter (the server's rules; Node-testable)
 *   render    foorumi_render.js    keyed rendering, focus keeping, small controls, announcements
 *   sync      foorumi_sync.js      the controller: state, actions, polling, drafts, older comments
 *   stages    foorumi_stages.js    progress, ground rules, reflection, waiting for a group
 *   comments  foorumi_comments.js  a thread's comments, the comment box, flagging
 *   group     foorumi_group.js     the group: members, suggestions, threads
 *
 * The block passes ``init`` as ``{json: "<escaped JSON>"}`` of
 *   {state, i18n: {english: translated | [singular, plural]}, lang, poll_seconds,
 *    limits: {answer_chars, comment_chars, reason_chars}}
 * and every handler answers with the full learner state (README "Handler API").
 * Learner text is only ever inserted with textContent / text nodes.
 */
/* exported FoorumiXBlock */
function FoorumiXBlock(runtime, element, init) {
    "use strict";

    var F = window.Foorumi || {};
    var missing = ["core", "words", "render", "sync", "stages", "comments", "group"].filter(function (name) {
        return !F[name];
    });
    if (missing.length) {
        throw new Error("FoorumiXBlock: window.Foorumi." + missing.join(", window.Foorumi.") + " is missing: " +
            "the learner view's script files must all be loaded before foorumi.js runs.");
    }
    var core = F.core;
    element = core.elementOf(element);
    init = core.readInit(init);

    FoorumiXBlock.instances = (FoorumiXBlock.instances || 0) + 1;
    var kit = core.kit(runtime, element, init.i18n, "foorumi" + FoorumiXBlock.instances);
    var limits = init.limits || {};

    var root = element.querySelector(".foorumi-app");
    if (!root) {
        root = kit.h("div", {"class": "foorumi-app"});
        element.appendChild(root);
    }
    var live = element.querySelector(".foorumi-status");
    if (!live) {
        live = kit.h("div", {"class": "foorumi-status foorumi-sr", role: "status", "aria-live": "polite"});
        element.appendChild(live);
    }

    var app = null;
    var view = F.render(kit, {
        root: root,
        lang: String(init.lang || document.documentElement.lang || "en"),
        announce: core.announcer(live),
        limits: {
            answer: kit.positive(limits.answer_chars, 10000),
            comment: kit.positive(limits.comment_chars, 4000),
            reason: kit.positive(limits.reason_chars, 500)
        },
        onRetry: function (key) { app.retry(key); }
    });
    app = F.sync(kit, {
        element: element,
        pollSeconds: init.poll_seconds,
        maxAnswer: view.limits.answer,
        stageHeading: view.STAGE_HEADING,
        render: render,
        news: view.news,
        announce: view.announce
    });
    var stages = F.stages(view, app, F.words);
    var group = F.group(view, app, stages, F.comments(view, app));

    function render() {
        var items = stages.items();
        if (app.state && app.state.stage === "group") {
            items = items.concat(group.items());
        }
        var focusAfter = app.ui.focusAfter;
        app.ui.focusAfter = null;
        view.paint(items, !app.state, focusAfter);
    }

    app.start(init.state);
}
