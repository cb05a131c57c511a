/*
 * Foorumi's learner page, the controller: ``window.Foorumi.sync(kit, options)`` keeps the
 * learner state and what the page is doing, and talks to the server.
 *
 * - Actions: ``act(key, handler, body, {ok, retry})``; the button is busy meanwhile and the
 *   server's error is shown next to it. Handlers answer with the full learner state.
 * - Polling (pool and group): every ``poll_seconds`` (15 s) while the learner is active;
 *   after a minute without input the pause doubles at each poll up to 120 s, and input
 *   brings back 15 s. Nothing while the tab is hidden; a poll at once when it is shown again
 *   or focused. A poll sends ``{"since": state.version}`` and keeps the state on
 *   ``{"unchanged": true}``.
 * - Older comments: ``older(threadId)`` pages back with ``older_comments``; pages are kept
 *   per thread in ``ui.older`` and merged by id with later states (``comments(thread)``),
 *   also when new comments push some out of the state's window.
 * - Drafts: saved after a pause, on leaving a field and when the page goes away.
 *
 * ``options``: ``element``, ``pollSeconds``, ``maxAnswer``, ``stageHeading``, and the hooks
 * ``render()``, ``news(prev, next, seen)`` (foorumi_render.js) and ``announce(message)``.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.sync = function (kit, options) {
        var t = kit.t;
        var has = kit.has;
        var POLL_MS = Math.max(5, kit.positive(options.pollSeconds, 15)) * 1000;
        var MAX_POLL_MS = Math.max(POLL_MS, 120000);
        var IDLE_MS = 60000;
        var FRESH_MS = 2000;
        var SAVE_DELAY_MS = 1500;
        var MAX_ANSWER = options.maxAnswer;

        var ui = {
            answers: {},          // reflect stage: prompt id -> text (authoritative while writing)
            answersLoaded: false,
            touched: {},          // prompt id -> true once the field lost focus
            showAllErrors: false, // after a submit attempt
            commentText: {},      // thread id -> unsent comment text
            editComment: {},      // comment id -> text being edited (present while editing)
            editReflection: null, // {answers: {...}} while editing one's own reflection
            flagOpen: {},         // item id -> true while the flag form is open
            flagText: {},         // item id -> reason being typed
            older: {},            // thread id -> {comments: [...] oldest first, more} loaded before the state's
            busy: {},             // action key -> true while its request is in flight
            err: {},              // action key -> {msg, retry}
            retry: {},            // action key -> function repeating the action
            pending: {},          // action key -> {request_id, key} of an unconfirmed create
            isNew: {},            // comment / thread id -> arrived while the page was open
            focusAfter: null,     // element id to focus after the next render
            pollError: false,
            loadError: null
        };
        var save = {timer: null, inFlight: false, dirty: false, again: false, failures: 0, status: ""};
        var app = {state: null, ui: ui, save: save};
        var seen = null;
        var actionSeq = 0;
        var appliedActionSeq = 0;
        var poller = {timer: null, inFlight: false, delay: POLL_MS, lastPoll: Date.now(), lastActive: Date.now()};

        function render() {
            options.render();
        }

        function isState(data) {
            return typeof data.stage === "string";
        }

        function call(name, body, opts) {
            opts = opts || {};
            return kit.post(name, body, {accept: opts.accept || isState, keepalive: opts.keepalive});
        }

        function anyBusy() {
            return Object.keys(ui.busy).length > 0;
        }

        function uuid() {
            var c = window.crypto;
            if (c && typeof c.randomUUID === "function") {
                try {
                    return c.randomUUID();
                } catch (e) { /* not a secure context: fall through */ }
            }
            var hex = "";
            var bytes = null;
            if (c && typeof c.getRandomValues === "function") {
                bytes = c.getRandomValues(new Uint8Array(16));
            }
            for (var i = 0; i < 16; i++) {
                var b = bytes ? bytes[i] : Math.floor(Math.random() * 256);
                hex += (b < 16 ? "0" : "") + b.toString(16);
            }
            return hex;
        }

        function findThread(id) {
            var threads = (app.state && app.state.threads) || [];
            for (var i = 0; i < threads.length; i++) {
                if (threads[i].id === id || threads[i].reflection_id === id) {
                    return threads[i];
                }
            }
            return null;
        }

        /** A thread's comments to show: the older pages loaded, then the state's newest. */
        function comments(th) {
            var page = ui.older[th.id];
            if (!page) {
                return th.comments;
            }
            var inState = {};
            th.comments.forEach(function (c) { inState[c.id] = true; });
            return page.comments.filter(function (c) { return !inState[c.id]; }).concat(th.comments);
        }

        /** Whether a thread has older comments than those shown. */
        function hasOlder(th) {
            var page = ui.older[th.id];
            return page ? !!page.more : !!th.older;
        }

        // ------------------------------------------------------------------ actions
        /**
         * Run the handler ``name`` as the action ``key``: its button is disabled meanwhile,
         * its error is shown next to it, and ``handlers.ok(prev, next)`` runs on success.
         */
        function act(key, name, body, handlers) {
            if (ui.busy[key]) {
                return;
            }
            handlers = handlers || {};
            ui.busy[key] = true;
            delete ui.err[key];
            actionSeq += 1;
            var mySeq = actionSeq;
            render();
            call(name, body).then(function (r) {
                delete ui.busy[key];
                if (r.ok) {
                    delete ui.retry[key];
                    var prev = app.state;
                    var news = "";
                    if (mySeq >= appliedActionSeq) {
                        appliedActionSeq = mySeq;
                        news = take(r.data, "action");
                    }
                    if (handlers.ok) {
                        handlers.ok(prev, app.state);
                    }
                    options.announce(news);
                } else {
                    ui.err[key] = {msg: r.error, retry: !!r.retry};
                    if (handlers.retry) {
                        ui.retry[key] = handlers.retry;
                    }
                    if (r.status === 404 || r.status === 409) {
                        refresh();
                    }
                }
                render();
            });
        }

        /** Repeat the action ``key`` ("Try again" next to its error). */
        function retry(key) {
            if (ui.retry[key]) {
                ui.retry[key]();
            }
        }

        /** The error of the action ``key`` as the parts show it: ``{msg, retry}`` or null. */
        function errorOf(key) {
            var e = ui.err[key];
            return e ? {msg: e.msg, retry: !!(e.retry && ui.retry[key])} : null;
        }

        /**
         * Fetch the state now, whatever the stage (after a conflict, or on first load);
         * ``opts.since``: a poll, answered "unchanged" when nothing is new.
         */
        function refresh(opts) {
            opts = opts || {};
            if (poller.inFlight) {
                return;
            }
            poller.inFlight = true;
            var at = actionSeq;
            var version = opts.since && app.state && app.state.version;
            var body = version ? {since: version} : {};
            call("state", body, {accept: function (data) {
                return isState(data) || (data.unchanged === true && !!version);
            }}).then(function (r) {
                poller.inFlight = false;
                if (r.ok) {
                    ui.pollError = false;
                    ui.loadError = null;
                    poller.lastPoll = Date.now();
                    if (opts.since) {
                        backOff();
                    }
                    // "unchanged": the state shown is current; keep it.
                    if (!r.data.unchanged && at === actionSeq && !anyBusy()) {
                        options.announce(take(r.data, app.state ? "poll" : "init"));
                    }
                } else if (!app.state) {
                    ui.loadError = r.error;
                } else {
                    ui.pollError = true;
                }
                render();
                schedulePoll();
            });
        }

        // ------------------------------------------------------------------ polling
        function shouldPoll() {
            return !!app.state && (app.state.stage === "pool" || app.state.stage === "group");
        }

        function schedulePoll(ms) {
            clearTimeout(poller.timer);
            poller.timer = null;
            if (!document.hidden && shouldPoll() && document.documentElement.contains(options.element)) {
                poller.timer = setTimeout(poll, ms === undefined ? poller.delay : ms);
            }
        }

        function poll() {
            poller.timer = null;
            if (document.hidden || !shouldPoll()) {
                return;
            }
            if (anyBusy() || poller.inFlight) {
                schedulePoll();
                return;
            }
            refresh({since: true});
        }

        /** After a poll: the same pause while the learner is active, twice as long when idle. */
        function backOff() {
            var idle = Date.now() - poller.lastActive >= IDLE_MS;
            poller.delay = idle ? Math.min(MAX_POLL_MS, poller.delay * 2) : POLL_MS;
        }

        /** Input from the learner: back to the short pause (polling now when it is due). */
        function onActivity() {
            poller.lastActive = Date.now();
            if (poller.delay > POLL_MS) {
                poller.delay = POLL_MS;
                if (poller.timer) {
                    schedulePoll(Math.max(0, poller.lastPoll + POLL_MS - Date.now()));
                }
            }
        }

        /** The page is seen again: poll at once (unless its state is only seconds old). */
        function onShown() {
            var backedOff = poller.delay > POLL_MS;
            poller.lastActive = Date.now();
            poller.delay = POLL_MS;
            if (!shouldPoll()) {
                return;
            }
            if (Date.now() - poller.lastPoll >= FRESH_MS) {
                poll();
            } else if (backedOff || !poller.timer) {
                schedulePoll(Math.max(0, poller.lastPoll + POLL_MS - Date.now()));
            }
        }

        // -------------------------------------------------------------- state intake
        function normalise(s) {
            s = s || {};
            s.agreement = s.agreement || {required: false, accepted: true, items: []};
            s.agreement.items = s.agreement.items || [];
            s.prompts = s.prompts || [];
            s.draft = s.draft || {};
            s.threads = s.threads || [];
            s.suggested = s.suggested || [];
            s.progress = s.progress || {};
            s.threads.forEach(function (th) {
                th.comments = th.comments || [];
                th.answers = th.answers || {};
            });
            return s;
        }

        /**
         * Keep the older comments loaded for a thread: comments that the new state no longer
         * carries (newer ones pushed them out of its window) join the loaded pages, so that
         * nothing shown disappears; pages of threads or groups gone are dropped.
         */
        function keepOlder(prev, next) {
            if (!prev || !next.group || !prev.group || prev.group.id !== next.group.id) {
                ui.older = {};
                return;
            }
            var kept = {};
            next.threads.forEach(function (th) {
                var page = ui.older[th.id];
                if (!page) {
                    return;
                }
                var before = null;
                prev.threads.forEach(function (old) {
                    if (old.id === th.id) {
                        before = old;
                    }
                });
                var inState = {};
                th.comments.forEach(function (c) { inState[c.id] = true; });
                var known = {};
                page.comments.forEach(function (c) { known[c.id] = true; });
                var pushedOut = (before ? before.comments : []).filter(function (c) {
                    return !inState[c.id] && !known[c.id];
                });
                kept[th.id] = {comments: page.comments.concat(pushedOut), more: page.more};
            });
            ui.older = kept;
        }

        /**
         * Take a new learner state from the server (without rendering). Returns what to
         * announce about it; the caller announces it after its own message.
         */
        function take(next, source) {
            var prev = app.state;
            var state = app.state = normalise(next);
            if (state.stage === "reflect" && !ui.answersLoaded) {
                ui.answers = kit.copy(state.draft);
                ui.answersLoaded = true;
                if (Object.keys(ui.answers).some(function (k) { return ui.answers[k]; })) {
                    save.status = "saved";
                }
            }
            keepOlder(prev, state);
            var said = options.news(prev, state, seen);
            if (prev && prev.stage !== state.stage) {
                delete ui.err.accept;
                delete ui.err.submit;
                if (state.stage !== "reflect") {
                    clearTimeout(save.timer);
                    save.dirty = false;
                }
                if (source !== "poll") {
                    ui.focusAfter = options.stageHeading;
                }
            }
            said.fresh.forEach(function (id) { ui.isNew[id] = true; });
            seen = said.seen;
            schedulePoll();
            return said.messages.join(" ");
        }

        // ------------------------------------------------------------ older comments
        /** Load the page of comments before the oldest one a thread shows. */
        function older(threadId, done) {
            var th = findThread(threadId);
            var key = "older:" + threadId;
            var shown = th ? comments(th) : [];
            if (!th || !shown.length || ui.busy[key]) {
                return;
            }
            ui.busy[key] = true;
            delete ui.err[key];
            render();
            call("older_comments", {reflection_id: th.reflection_id || th.id, before: shown[0].id}, {
                accept: function (data) { return Array.isArray(data.comments); }
            }).then(function (r) {
                delete ui.busy[key];
                if (r.ok) {
                    delete ui.retry[key];
                    var page = ui.older[threadId] || {comments: [], more: true};
                    var known = {};
                    comments(th).forEach(function (c) { known[c.id] = true; });
                    var added = r.data.comments.filter(function (c) {
                        return c && typeof c.id === "string" && !known[c.id];
                    });
                    ui.older[threadId] = {comments: added.concat(page.comments), more: !!r.data.more};
                    done(added, !!r.data.more);
                } else {
                    ui.err[key] = {msg: r.error, retry: !!r.retry};
                    ui.retry[key] = function () { older(threadId, done); };
                    if (r.status === 404 || r.status === 409) {
                        refresh();
                    }
                }
                render();
            });
        }

        // ------------------------------------------------------------------- drafts
        function draftInput(promptId, text) {
            ui.answers[promptId] = text;
            save.dirty = true;
            if (!save.inFlight && save.status !== "retrying") {
                save.status = "dirty";
            }
            scheduleSave(save.failures ? saveBackoff() : SAVE_DELAY_MS);
        }

        function draftBlur(promptId) {
            ui.touched[promptId] = true;
            if (save.dirty && !save.failures) {
                saveDraft({announce: true});
            }
        }

        function saveBackoff() {
            return Math.min(30000, 2000 * Math.pow(2, Math.max(0, save.failures - 1)));
        }

        function scheduleSave(ms) {
            clearTimeout(save.timer);
            save.timer = setTimeout(function () {
                save.timer = null;
                saveDraft({});
            }, ms);
        }

        function saveDraft(opts) {
            var state = app.state;
            clearTimeout(save.timer);
            save.timer = null;
            if (!state || state.stage !== "reflect" || ui.busy.submit || !save.dirty) {
                return;
            }
            if (save.inFlight && !opts.keepalive) {
                save.again = true;
                return;
            }
            // A draft may run over its word limit (the submit checks that), but the server
            // refuses an answer over the character bound; send the others, so that one such
            // answer does not keep the rest from being saved.
            var answers = {};
            var skipped = 0;
            state.prompts.forEach(function (p) {
                if (has(ui.answers, p.id)) {
                    if (String(ui.answers[p.id] || "").length > MAX_ANSWER) {
                        skipped += 1;
                    } else {
                        answers[p.id] = ui.answers[p.id];
                    }
                }
            });
            save.inFlight = true;
            save.dirty = false;
            save.again = false;
            save.status = "saving";
            render();
            call("save_draft", {answers: answers}, {keepalive: opts.keepalive}).then(function (r) {
                save.inFlight = false;
                if (!app.state || app.state.stage !== "reflect" || ui.busy.submit) {
                    // Overtaken by a submit: its answer decides what the page shows.
                    return;
                }
                if (r.ok) {
                    var recovered = save.failures > 0 || !!ui.err.save;
                    save.failures = 0;
                    delete ui.err.save;
                    if (save.dirty || save.again) {
                        save.dirty = true;
                        save.status = "dirty";
                        scheduleSave(SAVE_DELAY_MS);
                    } else if (skipped) {
                        save.status = "partial";
                        if (recovered || opts.announce) {
                            options.announce(t("Saved, except answers that are too long."));
                        }
                    } else {
                        save.status = "saved";
                        if (recovered || opts.announce) {
                            options.announce(t("Saved"));
                        }
                    }
                } else if (r.retry) {
                    save.dirty = true;
                    save.failures += 1;
                    save.status = "retrying";
                    if (save.failures === 1) {
                        options.announce(t("Not saved \u2014 retrying"));
                    }
                    scheduleSave(saveBackoff());
                } else {
                    save.dirty = true;
                    save.status = "error";
                    ui.err.save = {msg: r.error};
                    options.announce(r.error);
                    if (r.status === 404 || r.status === 409) {
                        refresh();
                    }
                }
                render();
            });
        }

        /** Save what was typed before the page goes away (fetch keepalive). */
        function flushDraft() {
            if (app.state && app.state.stage === "reflect" && save.dirty && !ui.busy.submit) {
                saveDraft({keepalive: true});
            }
        }

        /** A submit takes over from the draft: no draft save after it. */
        function stopDrafts() {
            clearTimeout(save.timer);
        }

        // -------------------------------------------------------------------- start
        /** Listen to the page's visibility and the learner's input; take or fetch the state. */
        function start(initial) {
            document.addEventListener("visibilitychange", function () {
                if (document.hidden) {
                    flushDraft();
                    clearTimeout(poller.timer);
                    poller.timer = null;
                } else {
                    onShown();
                }
            });
            window.addEventListener("focus", function () {
                if (!document.hidden && !poller.inFlight) {
                    onShown();
                }
            });
            window.addEventListener("pagehide", flushDraft);
            // Input from the learner (scrolling by wheel, keys or touch included; not the
            // scroll events that layout changes cause).
            ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "input", "focusin"].forEach(function (type) {
                document.addEventListener(type, onActivity, {capture: true, passive: true});
            });

            // The initial state comes with the init data; without it, it is fetched.
            if (initial && typeof initial.stage === "string") {
                options.announce(take(initial, "init"));
                render();
            } else {
                render();
                refresh();
            }
        }

        app.render = render;
        app.act = act;
        app.retry = retry;
        app.errorOf = errorOf;
        app.refresh = refresh;
        app.findThread = findThread;
        app.comments = comments;
        app.hasOlder = hasOlder;
        app.older = older;
        app.draftInput = draftInput;
        app.draftBlur = draftBlur;
        app.stopDrafts = stopDrafts;
        app.uuid = uuid;
        app.start = start;
        return app;
    };
}(window));
