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
 *   links     foorumi_links.js     http(s) addresses in learner text as links (Node-testable)
 *   compose   foorumi_compose.js   the comment and reply boxes behind their buttons
 *   comments  foorumi_comments.js  a thread's comments and replies, long text folded, flagging
 *   group     foorumi_group.js     the group: members, suggestions, threads
 *   sessions  foorumi_sessions.js  groups that last: "Your group meets again", earlier sessions read-only
 *
 * The block passes ``init`` as ``{json: "<escaped JSON>"}`` of
 *   {state, i18n: {english: translated | [singular, plural]}, catalog, lang, poll_seconds,
 *    limits: {answer_chars, comment_chars, reason_chars}}
 * where ``i18n`` holds only what differs from the strings' file of the page's language
 * (static/js/i18n/, loaded after foorumi_core.js), whose locale ``catalog`` names.
 * and every handler answers with the full learner state (README "Handler API").
 * Learner text is only ever inserted with textContent / text nodes.
 */
/* exported FoorumiXBlock */
function FoorumiXBlock(runtime, element, init) {
    "use strict";

    var F = window.Foorumi || {};
    var missing = ["core", "words", "links", "render", "sync", "stages", "compose", "comments", "group", "sessions"].filter(function (name) {
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
    var kit = core.kit(runtime, element, init.i18n, "foorumi" + FoorumiXBlock.instances, init.catalog);
    var limits = init.limits || {};

    var title = element.querySelector(".foorumi-title");
    if (title) {
        title.id = kit.P + "-title";  // names the page's sections together with their headings
    }
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
    app.sessions = F.sessions(view, app, kit.post);  // the group stage's continuity parts (foorumi_group.js)
    var group = F.group(view, app, stages, F.comments(view, app, F.links, F.compose(view, app, F.words)));

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
