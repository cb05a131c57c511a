/*
 * Foorumi: the learner's view of one peer-forum session.
 *
 * One vanilla-JS module, no framework and no libraries. The block passes ``init`` as
 * ``{json: "<escaped JSON>"}`` of
 *   {state, i18n: {english: translated}, lang, poll_seconds,
 *    limits: {answer_chars, comment_chars, reason_chars}}
 * and every handler answers with the full learner state (see README / DESIGN.md).
 *
 * Rendering: the page is a list of keyed parts, each with a signature of the data it
 * shows. On every state change only the parts whose signature changed are rebuilt, so a
 * periodic refresh never touches the comment box someone is typing in. Text being typed
 * lives in ``ui`` (keyed by thread / comment / prompt id), and focus and caret are
 * restored by element id when a part that held focus is rebuilt.
 *
 * Learner text is only ever inserted with textContent / text nodes.
 */
/* exported FoorumiXBlock */
function FoorumiXBlock(runtime, element, init) {
    "use strict";

    if (element && element.jquery) {
        element = element[0];
    }
    init = init || {};
    if (typeof init.json === "string") {
        // The block sends its init data as one JSON string with <, > and & escaped, so that
        // learner text in it can never end the runtime's <script> element.
        init = JSON.parse(init.json);
    }

    // ------------------------------------------------------------------ settings
    var i18n = init.i18n || {};
    var lang = String(init.lang || document.documentElement.lang || "en");
    var limits = init.limits || {};
    var MAX_ANSWER = positive(limits.answer_chars, 10000);
    var MAX_COMMENT = positive(limits.comment_chars, 4000);
    var MAX_REASON = positive(limits.reason_chars, 500);
    var POLL_MS = Math.max(5, positive(init.poll_seconds, 15)) * 1000;
    var SAVE_DELAY_MS = 1500;
    var KEEPALIVE_MAX_BYTES = 60000;

    FoorumiXBlock.instances = (FoorumiXBlock.instances || 0) + 1;
    var P = "foorumi" + FoorumiXBlock.instances;
    var STAGE_HEADING = P + "-stage";

    var app = element.querySelector(".foorumi-app");
    if (!app) {
        app = h("div", {"class": "foorumi-app"});
        element.appendChild(app);
    }
    var live = element.querySelector(".foorumi-status");
    if (!live) {
        live = h("div", {"class": "foorumi-status foorumi-sr", role: "status", "aria-live": "polite"});
        element.appendChild(live);
    }

    // --------------------------------------------------------------------- state
    var state = null;
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
    var seen = null;
    var actionSeq = 0;
    var appliedActionSeq = 0;
    var pollTimer = null;
    var pollInFlight = false;
    var announceTimer = null;
    var announceQueue = [];

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

    /** Fill Python-style named placeholders: fmt("%(n)s words", {n: 3}). */
    function fmt(template, params) {
        return String(template).replace(/%(?:\((\w+)\))?([sd%])/g, function (match, key, conv) {
            if (conv === "%") {
                return "%";
            }
            return key && has(params, key) ? String(params[key]) : match;
        });
    }

    function copy(obj) {
        var out = {};
        Object.keys(obj || {}).forEach(function (k) { out[k] = obj[k]; });
        return out;
    }

    function sig() {
        return JSON.stringify(Array.prototype.slice.call(arguments));
    }

    // <word-count> (tests/test_word_count_parity.py runs this region in Node)
    // Words are counted exactly as the server counts them (forum/words.py): runs of
    // letters, digits and marks, kept together by one joiner; a link or e-mail address is
    // one word; each Chinese/Japanese character is a word.
    // A link is recognised only at the start of a whitespace-separated token, so counting
    // stays linear in the text's length whatever is typed.
    var LINK_START_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;
    var AROUND = "()[]{}<>\"'.,;:!?\u00ab\u00bb\u201c\u201d\u2018\u2019";
    var WORD_CHAR_RE = /[\p{L}\p{N}\p{M}]/u;
    var JOINERS = "-\u2010\u2011'\u2019\u02bc:.,/_&@\u00ad\u200c\u200d";
    var EACH_CHAR_A_WORD = [[0x3040, 0x30FF], [0x31F0, 0x31FF], [0x3400, 0x4DBF],
        [0x4E00, 0x9FFF], [0xF900, 0xFAFF], [0x20000, 0x2FFFF]];
    // Characters that show as nothing (forum/records.py INVISIBLE): never part of a word.
    var INVISIBLE_RE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/gu;

    function isLink(token) {
        var start = 0;
        var end = token.length;
        while (start < end && AROUND.indexOf(token.charAt(start)) >= 0) {
            start += 1;
        }
        while (end > start && AROUND.indexOf(token.charAt(end - 1)) >= 0) {
            end -= 1;
        }
        var core = token.slice(start, end);
        if (LINK_START_RE.test(core)) {
            return true;
        }
        var at = core.indexOf("@");
        if (at <= 0) {
            return false;
        }
        var domain = core.slice(at + 1);
        var first = 0;
        var last = domain.length;
        while (first < last && domain.charAt(first) === ".") {
            first += 1;
        }
        while (last > first && domain.charAt(last - 1) === ".") {
            last -= 1;
        }
        return domain.indexOf("@") < 0 && domain.slice(first, last).indexOf(".") >= 0;
    }

    function countWords(text) {
        var count = 0;
        var inWord = false;
        var afterJoiner = false;
        text = String(text || "");
        if (typeof text.normalize === "function") {
            text = text.normalize("NFC");
        }
        text = text.replace(INVISIBLE_RE, "");
        text = text.split(/\s+/).filter(function (token) {
            if (isLink(token)) {
                count += 1;
                return false;
            }
            return true;
        }).join(" ");
        Array.from(text).forEach(function (ch) {
            var code = ch.codePointAt(0);
            var cjk = EACH_CHAR_A_WORD.some(function (r) { return code >= r[0] && code <= r[1]; });
            if (cjk) {
                count += 1;
                inWord = afterJoiner = false;
            } else if (WORD_CHAR_RE.test(ch)) {
                if (!(inWord || afterJoiner)) {
                    count += 1;
                }
                inWord = true;
                afterJoiner = false;
            } else if (inWord && JOINERS.indexOf(ch) >= 0) {
                inWord = false;
                afterJoiner = true;
            } else {
                inWord = afterJoiner = false;
            }
        });
        return count;
    }
    // </word-count>

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

    function ordinal(n) {
        if (lang.slice(0, 2) === "en") {
            var suffixes = ["th", "st", "nd", "rd"];
            var v = n % 100;
            return n + (suffixes[(v - 20) % 10] || suffixes[v] || suffixes[0]);
        }
        return n + ".";
    }

    /** A stable element id for (kind, server id); server ids may hold any character. */
    function idOf(kind, raw) {
        return P + "-" + kind + "-" + String(raw).replace(/[^A-Za-z0-9_-]/g, function (ch) {
            return "_" + ch.charCodeAt(0).toString(16);
        });
    }

    function byId(id) {
        var el = document.getElementById(id);
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

    function isMe(person) {
        return !!(person && person.is_me);
    }

    // A name is shown isolated (U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL
    // ISOLATE), so that a name starting with a right-to-left override cannot reverse the
    // sentence or the line around it.
    // Only text that has right-to-left letters or bidi controls needs it; other names stay
    // as they are (so "Anna" is still "Anna" to a screen reader or a search).
    var BIDI_RE = /[\u0590-\u08ff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

    function isolate(text) {
        return BIDI_RE.test(text) ? "\u2068" + text + "\u2069" : text;
    }

    function nameOf(person) {
        return person && person.name ? isolate(String(person.name)) : t("Participant");
    }

    function nameWithYou(person) {
        return isMe(person) ? nameOf(person) + " " + t("(you)") : nameOf(person);
    }

    function findThread(id) {
        var threads = (state && state.threads) || [];
        for (var i = 0; i < threads.length; i++) {
            if (threads[i].id === id || threads[i].reflection_id === id) {
                return threads[i];
            }
        }
        return null;
    }

    function findComment(id) {
        var threads = (state && state.threads) || [];
        for (var i = 0; i < threads.length; i++) {
            var comments = threads[i].comments || [];
            for (var j = 0; j < comments.length; j++) {
                if (comments[j].id === id) {
                    return {thread: threads[i], comment: comments[j]};
                }
            }
        }
        return null;
    }

    function myThread() {
        var threads = (state && state.threads) || [];
        for (var i = 0; i < threads.length; i++) {
            if (isMe(threads[i].author)) {
                return threads[i];
            }
        }
        return null;
    }

    function timeEl(epochSeconds) {
        var n = Number(epochSeconds);
        if (!n) {
            return null;
        }
        var date = new Date(n * 1000);
        var label;
        try {
            label = new Intl.DateTimeFormat(lang, {dateStyle: "medium", timeStyle: "short"}).format(date);
        } catch (e) {
            label = date.toLocaleString();
        }
        return h("time", {"class": "foorumi-time", datetime: date.toISOString(), text: label});
    }

    // ------------------------------------------------------------- live region
    function announce(message) {
        if (!message) {
            return;
        }
        announceQueue.push(message);
        clearTimeout(announceTimer);
        live.textContent = "";
        // A short pause, so that the same message twice in a row is read twice.
        announceTimer = setTimeout(function () {
            live.textContent = announceQueue.join(" ");
            announceQueue = [];
        }, 150);
    }

    // ----------------------------------------------------------------- network
    function call(name, body, opts) {
        opts = opts || {};
        var payload = JSON.stringify(body || {});
        var request = {
            method: "POST",
            credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
            body: payload
        };
        if (opts.keepalive && new Blob([payload]).size < KEEPALIVE_MAX_BYTES) {
            request.keepalive = true;
        }
        var sent;
        try {
            sent = fetch(runtime.handlerUrl(element, name), request);
        } catch (e) {
            sent = Promise.reject(e);
        }
        return sent.then(function (response) {
            return response.text().then(function (text) {
                var data = null;
                try {
                    data = JSON.parse(text);
                } catch (e) { /* not JSON */ }
                if (response.ok) {
                    if (data && typeof data === "object" && typeof data.stage === "string") {
                        return {ok: true, state: data};
                    }
                    return {ok: false, status: response.status, retry: true,
                        error: t("The server sent an unexpected answer. Please try again.")};
                }
                var message = data && typeof data.error === "string" && data.error ? data.error :
                    fmt(t("Something went wrong (error %(status)s). Please try again."), {status: response.status});
                return {ok: false, status: response.status, error: message, retry: response.status >= 500};
            });
        }, function () {
            return {ok: false, status: 0, network: true, retry: true,
                error: t("Could not reach the server. Check your connection and try again.")};
        });
    }

    function anyBusy() {
        return Object.keys(ui.busy).length > 0;
    }

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
                var prev = state;
                var news = "";
                if (mySeq >= appliedActionSeq) {
                    appliedActionSeq = mySeq;
                    news = takeState(r.state, "action");
                }
                if (handlers.ok) {
                    handlers.ok(prev, state);
                }
                announce(news);
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

    /** Fetch the state now, whatever the stage (after a conflict, or on first load). */
    function refresh() {
        if (pollInFlight) {
            return;
        }
        pollInFlight = true;
        var at = actionSeq;
        call("state", {}).then(function (r) {
            pollInFlight = false;
            if (r.ok) {
                ui.pollError = false;
                ui.loadError = null;
                if (at === actionSeq && !anyBusy()) {
                    announce(takeState(r.state, state ? "poll" : "init"));
                }
            } else if (!state) {
                ui.loadError = r.error;
            } else {
                ui.pollError = true;
            }
            render();
            schedulePoll();
        });
    }

    function shouldPoll() {
        return !!state && (state.stage === "pool" || state.stage === "group");
    }

    function schedulePoll() {
        clearTimeout(pollTimer);
        pollTimer = null;
        if (!document.hidden && shouldPoll() && document.documentElement.contains(element)) {
            pollTimer = setTimeout(poll, POLL_MS);
        }
    }

    function poll() {
        pollTimer = null;
        if (document.hidden || !shouldPoll()) {
            return;
        }
        if (anyBusy() || pollInFlight) {
            schedulePoll();
            return;
        }
        refresh();
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

    function collectIds(s) {
        var ids = {};
        s.threads.forEach(function (th) {
            ids["t:" + th.id] = {mine: isMe(th.author), id: th.id, kind: "thread"};
            th.comments.forEach(function (c) {
                ids["c:" + c.id] = {mine: isMe(c.author), id: c.id, kind: "comment"};
            });
        });
        return ids;
    }

    /**
     * Take a new learner state from the server (without rendering). Returns what to
     * announce about it; the caller announces it after its own message.
     */
    function takeState(next, source) {
        var prev = state;
        state = normalise(next);
        if (state.stage === "reflect" && !ui.answersLoaded) {
            ui.answers = copy(state.draft);
            ui.answersLoaded = true;
            if (Object.keys(ui.answers).some(function (k) { return ui.answers[k]; })) {
                save.status = "saved";
            }
        }
        var ids = collectIds(state);
        var messages = [];
        if (prev && prev.stage !== state.stage) {
            messages = messages.concat(stageChanged(prev, state, source));
        } else if (seen && prev && prev.stage === "group") {
            var newComments = 0;
            var newThreads = 0;
            Object.keys(ids).forEach(function (key) {
                if (!has(seen, key) && !ids[key].mine) {
                    ui.isNew[ids[key].id] = true;
                    if (ids[key].kind === "comment") {
                        newComments += 1;
                    } else {
                        newThreads += 1;
                    }
                }
            });
            if (newThreads) {
                messages.push(fmt(t("New reflections: %(count)s"), {count: newThreads}));
            }
            if (newComments) {
                messages.push(fmt(t("New comments: %(count)s"), {count: newComments}));
            }
        }
        if (prev && prev.progress && prev.progress.submitted && !prev.progress.complete &&
                state.progress.complete) {
            messages.push(t("You have given the required comments. Your part of this forum is complete."));
        }
        seen = ids;
        schedulePoll();
        return messages.join(" ");
    }

    function stageChanged(prev, next, source) {
        var messages = [];
        delete ui.err.accept;
        delete ui.err.submit;
        if (next.stage !== "reflect") {
            clearTimeout(save.timer);
            save.dirty = false;
        }
        if (next.stage === "reflect" && prev.stage === "agreement") {
            messages.push(t("Thank you. You can now write your reflection."));
        }
        if (prev.stage === "reflect" && (next.stage === "pool" || next.stage === "group")) {
            messages.push(t("Your reflection has been submitted."));
        }
        if (next.stage === "group" && next.group) {
            messages.push(fmt(t("You are now in %(group)s."), {group: next.group.name}));
        }
        if (source !== "poll") {
            ui.focusAfter = STAGE_HEADING;
        }
        return messages;
    }

    // ------------------------------------------------------------------ render
    /**
     * Make ``parent``'s children the elements for ``items`` ({key, sig, build, update}),
     * reusing an element whose key and signature are unchanged.
     */
    function reconcile(parent, items) {
        var old = parent.foorumiKeyed || {};
        var fresh = {};
        var els = [];
        items.forEach(function (item) {
            var rec = old[item.key];
            var el = rec && rec.sig === item.sig ? rec.el : item.build();
            fresh[item.key] = {el: el, sig: item.sig};
            els.push(el);
        });
        parent.foorumiKeyed = fresh;
        Array.prototype.slice.call(parent.childNodes).forEach(function (child) {
            if (els.indexOf(child) < 0) {
                parent.removeChild(child);
            }
        });
        els.forEach(function (el, i) {
            var at = parent.childNodes[i];
            if (at !== el) {
                parent.insertBefore(el, at || null);
            }
        });
        items.forEach(function (item, i) {
            if (item.update) {
                item.update(els[i]);
            }
        });
    }

    function render() {
        var active = document.activeElement;
        var kept = null;
        if (active && active !== document.body && app.contains(active) && active.id) {
            kept = {id: active.id};
            if (typeof active.selectionStart === "number") {
                kept.start = active.selectionStart;
                kept.end = active.selectionEnd;
                kept.dir = active.selectionDirection;
                kept.scroll = active.scrollTop;
            }
        }
        app.setAttribute("aria-busy", state ? "false" : "true");
        reconcile(app, topItems());

        var target = ui.focusAfter ? byId(ui.focusAfter) : null;
        ui.focusAfter = null;
        if (target) {
            target.focus();
        } else if (kept && !document.documentElement.contains(active)) {
            var again = byId(kept.id) || byId(STAGE_HEADING);
            if (again) {
                again.focus({preventScroll: true});
                if (again.id === kept.id && typeof kept.start === "number" &&
                        typeof again.setSelectionRange === "function") {
                    try {
                        again.setSelectionRange(kept.start, kept.end, kept.dir);
                        again.scrollTop = kept.scroll;
                    } catch (e) { /* not a text field */ }
                }
            }
        }
    }

    function topItems() {
        if (!state) {
            if (ui.loadError) {
                return [{key: "load-error", sig: sig(ui.loadError), build: buildLoadError}];
            }
            return [{key: "loading", sig: "", build: function () {
                return h("p", {"class": "foorumi-loading", text: t("Loading\u2026")});
            }}];
        }
        var items = [];
        if (ui.pollError) {
            items.push({key: "poll-error", sig: "", build: function () {
                return h("p", {"class": "foorumi-notice",
                    text: t("The page could not be updated just now. It will try again.")});
            }});
        }
        if (state.progress.submitted) {
            items.push({key: "progress", sig: sig(state.progress), build: buildProgress});
        }
        switch (state.stage) {
        case "agreement":
            items.push({key: "agreement", sig: sig(state.agreement, !!ui.busy.accept, errSig("accept")),
                build: buildAgreement});
            break;
        case "reflect":
            items.push({key: "reflect", sig: sig(state.prompts), build: buildReflect, update: updateReflect});
            break;
        case "pool":
            items.push({key: "pool", sig: sig(state.pool, state.reflection, state.prompts), build: buildPool});
            break;
        case "group":
            items.push({key: "group-head", sig: sig(state.group, state.identity), build: buildGroupHead});
            var suggested = suggestedThreads();
            if (suggested.length) {
                items.push({key: "suggest", sig: sig(suggested.map(function (th) {
                    return [th.id, nameOf(th.author)];
                })), build: function () { return buildSuggest(suggested); }});
            }
            items.push({key: "threads", sig: "threads", build: buildThreadsSection, update: function (sec) {
                reconcile(sec.foorumiList, threadItems());
            }});
            break;
        default:
            items.push({key: "unknown", sig: "", build: function () {
                return h("p", {"class": "foorumi-notice",
                    text: t("This forum cannot be shown right now. Please reload the page.")});
            }});
        }
        return items;
    }

    // -------------------------------------------------------------- small parts
    function errSig(key) {
        var e = ui.err[key];
        return e ? [e.msg, !!e.retry] : null;
    }

    /** An error region (role=alert) for the action ``key``, with "Try again" when useful. */
    function errorBox(key, id) {
        var box = h("div", {"class": "foorumi-error", id: id, role: "alert"});
        fillError(box, key);
        return box;
    }

    function fillError(box, key) {
        if (!box) {
            return;
        }
        var e = ui.err[key];
        var now = sig(e ? e.msg : null, e ? !!e.retry : null);
        if (box.foorumiSig === now) {
            return;
        }
        box.foorumiSig = now;
        box.textContent = "";
        if (e) {
            box.appendChild(h("p", {text: e.msg}));
            if (e.retry && ui.retry[key]) {
                box.appendChild(button(box.id + "-retry", t("Try again"), ui.retry[key]));
            }
        }
    }

    /**
     * A real button. ``disabled`` uses aria-disabled, so the button keeps focus while its
     * request is in flight; clicks are ignored then (or go to ``whenDisabled``).
     */
    function button(id, label, onClick, opts) {
        opts = opts || {};
        var b = h("button", {
            type: "button",
            id: id,
            "class": "foorumi-btn foorumi-btn-" + (opts.kind || "secondary") + (opts.cls ? " " + opts.cls : ""),
            "aria-disabled": opts.disabled ? "true" : null,
            "aria-pressed": opts.pressed === undefined ? null : String(!!opts.pressed),
            "aria-expanded": opts.expanded === undefined ? null : String(!!opts.expanded),
            "aria-controls": opts.controls || null,
            "aria-describedby": opts.describedby || null
        }, label);
        b.addEventListener("click", function (event) {
            if (b.getAttribute("aria-disabled") === "true") {
                event.preventDefault();
                if (opts.whenDisabled) {
                    opts.whenDisabled();
                }
                return;
            }
            onClick(event);
        });
        return b;
    }

    function setDisabled(btn, disabled) {
        if (disabled) {
            btn.setAttribute("aria-disabled", "true");
        } else {
            btn.removeAttribute("aria-disabled");
        }
    }

    function section(cls, headingId) {
        return h("section", {"class": "foorumi-section " + cls, "aria-labelledby": headingId});
    }

    function stageHeading(text) {
        return h("h4", {id: STAGE_HEADING, "class": "foorumi-heading", tabindex: "-1", text: text});
    }

    function paintCounter(id, length, max) {
        var el = byId(id);
        if (!el) {
            return;
        }
        el.textContent = fmt(t("%(count)s / %(max)s characters"), {count: length, max: max});
        el.className = "foorumi-count" + (length > max ? " is-over" : length > max * 0.9 ? " is-near" : "");
    }

    function textBox(id, value, max, rows, describedby, onInput) {
        var ta = h("textarea", {
            id: id,
            "class": "foorumi-textarea",
            rows: String(rows),
            maxlength: String(max),
            "aria-describedby": describedby
        });
        ta.value = value || "";
        ta.addEventListener("input", function () { onInput(ta); });
        return ta;
    }

    function answersBlock(answers, headingTag) {
        var wrap = h("div", {"class": "foorumi-answers"});
        state.prompts.forEach(function (p) {
            if (!has(answers, p.id)) {
                return;
            }
            wrap.appendChild(h(headingTag, {"class": "foorumi-prompt", text: p.text}));
            wrap.appendChild(h("div", {"class": "foorumi-text", text: answers[p.id]}));
        });
        return wrap;
    }

    function buildLoadError() {
        var box = h("div", {"class": "foorumi-error", role: "alert"}, h("p", {text: ui.loadError}));
        box.appendChild(button(P + "-reload", t("Try again"), function () {
            ui.loadError = null;
            render();
            refresh();
        }));
        return box;
    }

    function buildProgress() {
        var p = state.progress;
        var params = {given: p.comments_given || 0, required: p.comments_required || 0};
        var comments = p.complete ?
            fmt(t("%(given)s of %(required)s comments given \u2014 complete"), params) :
            fmt(t("%(given)s of %(required)s comments given"), params);
        return h("p", {"class": "foorumi-progress" + (p.complete ? " is-complete" : ""), id: P + "-progress"}, [
            h("span", {"class": "foorumi-progress-label", text: t("Your progress:")}),
            " ",
            t("Reflection submitted."),
            " ",
            h("span", {"class": "foorumi-progress-comments", text: comments})
        ]);
    }

    // ---------------------------------------------------------------- agreement
    function buildAgreement() {
        var sec = section("foorumi-agreement", STAGE_HEADING);
        sec.appendChild(stageHeading(t("Ground rules")));
        sec.appendChild(h("p", {"class": "foorumi-help",
            text: t("Before you write, please read the ground rules of this group. They keep the forum a safe place for everyone.")}));
        var list = h("ul", {"class": "foorumi-rules"});
        state.agreement.items.forEach(function (item) {
            list.appendChild(h("li", {text: item}));
        });
        sec.appendChild(list);
        var busy = !!ui.busy.accept;
        sec.appendChild(h("div", {"class": "foorumi-actions"}, [
            button(P + "-accept", busy ? t("Saving\u2026") : t("I accept"), acceptAgreement,
                {kind: "primary", disabled: busy})
        ]));
        sec.appendChild(errorBox("accept", P + "-accept-err"));
        return sec;
    }

    function acceptAgreement() {
        act("accept", "accept_agreement", {}, {retry: acceptAgreement});
    }

    // ------------------------------------------------------------------ reflect
    function checkAnswer(prompt, text) {
        var c = {count: countWords(text), min: Number(prompt.min_words) || 0,
            max: Number(prompt.max_words) || 0, chars: MAX_ANSWER, problem: null};
        if (String(text || "").length > MAX_ANSWER) {
            c.problem = "long";
        } else if (c.count === 0) {
            c.problem = "empty";
        } else if (c.min && c.count < c.min) {
            c.problem = "under";
        } else if (c.max && c.count > c.max) {
            c.problem = "over";
        }
        return c;
    }

    function countLine(c) {
        var line = c.count === 1 ? fmt(t("%(count)s word"), c) : fmt(t("%(count)s words"), c);
        if (c.min && c.max) {
            line += " " + fmt(t("(%(min)s\u2013%(max)s)"), c);
        } else if (c.max) {
            line += " " + fmt(t("(at most %(max)s)"), c);
        } else if (c.min) {
            line += " " + fmt(t("(at least %(min)s)"), c);
        }
        return line;
    }

    function problemText(c) {
        switch (c.problem) {
        case "long":
            return fmt(t("This answer is too long: at most %(chars)s characters."), c);
        case "empty":
            return c.min ? fmt(t("Write at least %(min)s words."), c) : t("Please answer this question.");
        case "under":
            return fmt(t("Write at least %(min)s words."), c);
        case "over":
            return fmt(t("Shorten this answer to at most %(max)s words."), c);
        default:
            return "";
        }
    }

    function answerField(fid, prompt, value, onInput, onBlur) {
        var wrap = h("div", {"class": "foorumi-field"});
        wrap.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: prompt.text}));
        var ta = textBox(fid, value, MAX_ANSWER, 7, fid + "-count " + fid + "-err", function (el) {
            onInput(prompt, el);
        });
        if (onBlur) {
            ta.addEventListener("blur", function () { onBlur(prompt, ta); });
        }
        wrap.appendChild(ta);
        wrap.appendChild(h("p", {"class": "foorumi-count", id: fid + "-count"}));
        wrap.appendChild(h("p", {"class": "foorumi-field-error", id: fid + "-err"}));
        return wrap;
    }

    /** Paint a field's word count and error; returns the check. */
    function paintField(fid, prompt, text, showError) {
        var c = checkAnswer(prompt, text);
        var count = byId(fid + "-count");
        var err = byId(fid + "-err");
        var ta = byId(fid);
        if (count) {
            count.textContent = countLine(c);
            count.className = "foorumi-count" + (c.problem === "over" || c.problem === "long" ? " is-over" :
                c.problem ? " is-under" : " is-ok");
        }
        var message = showError && c.problem ? problemText(c) : "";
        if (err && err.textContent !== message) {
            err.textContent = message;
        }
        if (ta) {
            if (message) {
                ta.setAttribute("aria-invalid", "true");
            } else {
                ta.removeAttribute("aria-invalid");
            }
        }
        return c;
    }

    function buildReflect() {
        var sec = section("foorumi-reflect", STAGE_HEADING);
        sec.appendChild(stageHeading(t("Your reflection")));
        sec.appendChild(h("p", {"class": "foorumi-help",
            text: t("Answer each question in your own words. Your answers are saved as a draft while you write. When you submit, you join a small group and can read the reflections of the others.")}));
        state.prompts.forEach(function (p) {
            sec.appendChild(answerField(idOf("answer", p.id), p, ui.answers[p.id] || "", onDraftInput, onDraftBlur));
        });
        sec.appendChild(h("p", {"class": "foorumi-savestate", id: P + "-savestate"}));
        sec.appendChild(h("div", {"class": "foorumi-actions"}, [
            button(P + "-submit", t("Submit reflection"), submitReflection, {
                kind: "primary",
                describedby: P + "-submit-why",
                whenDisabled: function () {
                    if (!ui.busy.submit) {
                        showReflectProblems();
                    }
                }
            }),
            h("p", {"class": "foorumi-why", id: P + "-submit-why"})
        ]));
        sec.appendChild(errorBox("submit", P + "-submit-err"));
        return sec;
    }

    function reflectProblems() {
        return state.prompts.filter(function (p) {
            return checkAnswer(p, ui.answers[p.id] || "").problem;
        });
    }

    function updateReflect() {
        var busy = !!ui.busy.submit;
        var bad = 0;
        state.prompts.forEach(function (p) {
            var fid = idOf("answer", p.id);
            var c = paintField(fid, p, ui.answers[p.id] || "", ui.showAllErrors || ui.touched[p.id]);
            if (c.problem) {
                bad += 1;
            }
            var ta = byId(fid);
            if (ta) {
                ta.readOnly = busy;
            }
        });
        var submit = byId(P + "-submit");
        if (submit) {
            setDisabled(submit, busy || bad > 0);
            submit.textContent = busy ? t("Submitting\u2026") : t("Submit reflection");
        }
        var why = byId(P + "-submit-why");
        if (why) {
            why.textContent = bad && !busy ? t("You can submit when every answer is within its word limits.") : "";
        }
        fillError(byId(P + "-submit-err"), "submit");
        paintSave();
    }

    function showReflectProblems() {
        ui.showAllErrors = true;
        updateReflect();
        var bad = reflectProblems();
        if (bad.length) {
            var ta = byId(idOf("answer", bad[0].id));
            if (ta) {
                ta.focus();
            }
        }
    }

    function onDraftInput(prompt, ta) {
        ui.answers[prompt.id] = ta.value;
        save.dirty = true;
        if (!save.inFlight && save.status !== "retrying") {
            save.status = "dirty";
        }
        scheduleSave(save.failures ? backoff() : SAVE_DELAY_MS);
        updateReflect();
    }

    function onDraftBlur(prompt) {
        ui.touched[prompt.id] = true;
        if (save.dirty && !save.failures) {
            saveDraft({announce: true});
        }
        updateReflect();
    }

    function backoff() {
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
                var problem = checkAnswer(p, ui.answers[p.id]).problem;
                if (problem === "long") {
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
        paintSave();
        call("save_draft", {answers: answers}, {keepalive: opts.keepalive}).then(function (r) {
            save.inFlight = false;
            if (!state || state.stage !== "reflect" || ui.busy.submit) {
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
                        announce(t("Saved, except answers that are too long."));
                    }
                } else {
                    save.status = "saved";
                    if (recovered || opts.announce) {
                        announce(t("Saved"));
                    }
                }
            } else if (r.retry) {
                save.dirty = true;
                save.failures += 1;
                save.status = "retrying";
                if (save.failures === 1) {
                    announce(t("Not saved \u2014 retrying"));
                }
                scheduleSave(backoff());
            } else {
                save.dirty = true;
                save.status = "error";
                ui.err.save = {msg: r.error};
                announce(r.error);
                if (r.status === 404 || r.status === 409) {
                    refresh();
                }
            }
            paintSave();
        });
    }

    function paintSave() {
        var el = byId(P + "-savestate");
        if (!el) {
            return;
        }
        var text = {
            dirty: t("Unsaved changes"),
            saving: t("Saving\u2026"),
            saved: t("Saved"),
            partial: t("Saved, except answers that are too long."),
            retrying: t("Not saved \u2014 retrying"),
            error: ui.err.save ? ui.err.save.msg : ""
        }[save.status] || "";
        el.textContent = text;
        el.className = "foorumi-savestate is-" + (save.status || "idle");
    }

    /** Save what was typed before the page goes away (fetch keepalive). */
    function flushDraft() {
        if (state && state.stage === "reflect" && save.dirty && !ui.busy.submit) {
            saveDraft({keepalive: true});
        }
    }

    function submitReflection() {
        if (ui.busy.submit) {
            return;
        }
        if (reflectProblems().length) {
            showReflectProblems();
            return;
        }
        clearTimeout(save.timer);
        var answers = copy(ui.answers);
        var key = JSON.stringify(answers);
        // A retry of the same text keeps its request_id, so the server creates one post only.
        if (!ui.pending.submit || ui.pending.submit.key !== key) {
            ui.pending.submit = {request_id: uuid(), key: key};
        }
        act("submit", "submit_reflection", {answers: answers, request_id: ui.pending.submit.request_id}, {
            ok: function () {
                ui.pending.submit = null;
                save.dirty = false;
                ui.focusAfter = STAGE_HEADING;
            },
            retry: submitReflection
        });
    }

    // --------------------------------------------------------------------- pool
    function buildPool() {
        var sec = section("foorumi-pool", STAGE_HEADING);
        sec.appendChild(stageHeading(t("Waiting for your group")));
        var pool = state.pool;
        var where;
        var place = pool ? Number(pool.position || pool.waiting) || 0 : 0;
        if (pool && pool.needed && place && place < pool.needed) {
            where = fmt(t("You are the %(ordinal)s of %(needed)s people needed to start a group."),
                {ordinal: ordinal(place), needed: pool.needed});
        } else {
            where = t("Your group will be formed as soon as enough people have submitted.");
        }
        sec.appendChild(h("p", {"class": "foorumi-lead"}, [where, " ", t("The page updates by itself.")]));
        if (pool && pool.timeout_hours) {
            sec.appendChild(h("p", {"class": "foorumi-help", text: fmt(
                t("Nobody waits for long: within %(hours)s hours you will be placed in a group even if fewer people arrive."),
                {hours: pool.timeout_hours})}));
        }
        if (state.reflection) {
            var mine = h("div", {"class": "foorumi-thread is-mine"});
            mine.appendChild(h("h5", {"class": "foorumi-thread-title"}, [
                t("Your submitted reflection"),
                state.reflection.edited ? h("span", {"class": "foorumi-edited", text: " " + t("(edited)")}) : null
            ]));
            if (state.reflection.hidden) {
                mine.appendChild(h("p", {"class": "foorumi-moderated",
                    text: t("Hidden by a moderator. The others in your group cannot see it.")}));
            }
            mine.appendChild(answersBlock(state.reflection.answers || {}, "h6"));
            sec.appendChild(mine);
        }
        return sec;
    }

    // -------------------------------------------------------------------- group
    function buildGroupHead() {
        var group = state.group || {name: "", members: []};
        var sec = section("foorumi-grouphead", STAGE_HEADING);
        sec.appendChild(stageHeading(group.name || t("Your group")));
        var note = t("What is shared in the group stays in the group.");
        if (state.identity === "pseudonymous") {
            note += " " + t("Names are pseudonyms: the others do not see your real name.");
        }
        sec.appendChild(h("p", {"class": "foorumi-help", text: note}));
        var list = h("ul", {"class": "foorumi-members", "aria-labelledby": P + "-members"});
        (group.members || []).forEach(function (m) {
            list.appendChild(h("li", {"class": isMe(m) ? "is-me" : null, text: nameWithYou(m)}));
        });
        sec.appendChild(h("div", {"class": "foorumi-members-row"}, [
            h("span", {"class": "foorumi-members-label", id: P + "-members", text: t("Members:")}),
            list
        ]));
        return sec;
    }

    function suggestedThreads() {
        var out = [];
        state.suggested.forEach(function (id) {
            var th = findThread(id);
            if (th && !isMe(th.author) && !th.hidden && out.indexOf(th) < 0) {
                out.push(th);
            }
        });
        return out;
    }

    function buildSuggest(threads) {
        var sec = section("foorumi-suggest", P + "-suggest-h");
        sec.appendChild(h("h4", {"class": "foorumi-heading", id: P + "-suggest-h", text: t("Needs feedback")}));
        sec.appendChild(h("p", {"class": "foorumi-help",
            text: t("These reflections have received the fewest comments so far.")}));
        var list = h("ul", {"class": "foorumi-suggest-list"});
        threads.forEach(function (th) {
            list.appendChild(h("li", null, button(idOf("sug", th.id),
                fmt(t("Comment on %(name)s's reflection"), {name: nameOf(th.author)}),
                function () { focusCommentBox(th.id); }, {cls: "foorumi-btn-link"})));
        });
        sec.appendChild(list);
        return sec;
    }

    function focusCommentBox(threadId) {
        var ta = byId(idOf("cbox", threadId));
        if (ta) {
            if (typeof ta.scrollIntoView === "function") {
                ta.scrollIntoView({block: "center"});
            }
            ta.focus({preventScroll: true});
        }
    }

    function buildThreadsSection() {
        var sec = section("foorumi-threads", P + "-threads-h");
        sec.appendChild(h("h4", {"class": "foorumi-heading", id: P + "-threads-h", text: t("Reflections in your group")}));
        var list = h("div", {"class": "foorumi-thread-list"});
        sec.appendChild(list);
        sec.foorumiList = list;
        return sec;
    }

    function threadItems() {
        var mine = [];
        var others = [];
        state.threads.forEach(function (th) {
            (isMe(th.author) ? mine : others).push(th);
        });
        return mine.concat(others).map(function (th) {
            return {
                key: "t:" + th.id,
                sig: sig(th.id, isMe(th.author)),
                build: function () { return buildThreadShell(th); },
                update: function (el) { updateThread(el, th); }
            };
        });
    }

    function threadTitle(th) {
        return isMe(th.author) ? t("Your reflection") :
            fmt(t("%(name)s's reflection"), {name: nameOf(th.author)});
    }

    function buildThreadShell(th) {
        return h("article", {
            "class": "foorumi-thread" + (isMe(th.author) ? " is-mine" : ""),
            id: idOf("thread", th.id),
            "aria-labelledby": idOf("th", th.id)
        });
    }

    function flagSig(itemId) {
        return [!!ui.flagOpen[itemId], !!ui.busy["flag:" + itemId], errSig("flag:" + itemId)];
    }

    function updateThread(el, th) {
        var mine = isMe(th.author);
        var body = {id: th.id, author: th.author, answers: th.answers, hidden: th.hidden, edited: th.edited,
            flagged: th.flagged, created_at: th.created_at, isNew: !!ui.isNew[th.id]};
        var items = [{
            key: "body",
            sig: sig(body, state.prompts, mine ? [!!ui.editReflection, !!ui.busy["edit-reflection"],
                errSig("edit-reflection")] : null, flagSig(th.id)),
            build: function () { return buildThreadBody(th); },
            update: function () {
                if (mine && ui.editReflection) {
                    paintEditReflection();
                }
                paintFlagCounter(th.id);
            }
        }];
        items.push({key: "chead", sig: sig(th.comments.length), build: function () {
            return th.comments.length ?
                h("h6", {"class": "foorumi-comments-title", id: idOf("ch", th.id),
                    text: fmt(t("Comments (%(count)s)"), {count: th.comments.length})}) :
                h("p", {"class": "foorumi-empty", text: t("No comments yet.")});
        }});
        if (th.comments.length) {
            items.push({
                key: "clist",
                sig: "clist",
                build: function () {
                    return h("ol", {"class": "foorumi-comments", "aria-labelledby": idOf("ch", th.id)});
                },
                update: function (ol) {
                    reconcile(ol, th.comments.map(function (c) { return commentItem(th, c); }));
                }
            });
        }
        if (!th.hidden) {
            var key = "comment:" + th.id;
            items.push({
                key: "box",
                sig: sig(nameOf(th.author), mine, !!ui.busy[key], errSig(key)),
                build: function () { return buildCommentBox(th); },
                update: function () {
                    paintCounter(idOf("cbox", th.id) + "-count", (ui.commentText[th.id] || "").length, MAX_COMMENT);
                }
            });
        }
        reconcile(el, items);
    }

    function buildThreadBody(th) {
        var mine = isMe(th.author);
        var wrap = h("div", {"class": "foorumi-thread-body"});
        var metaId = idOf("tm", th.id);
        wrap.appendChild(h("h5", {"class": "foorumi-thread-title", id: idOf("th", th.id), text: threadTitle(th)}));
        wrap.appendChild(h("p", {"class": "foorumi-meta", id: metaId}, [
            mine ? null : h("span", {"class": "foorumi-author", text: nameOf(th.author)}),
            timeEl(th.created_at),
            th.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
            ui.isNew[th.id] ? h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")}) : null
        ]));
        if (th.hidden) {
            wrap.appendChild(h("p", {"class": "foorumi-moderated", text: mine ?
                t("Hidden by a moderator. The others in your group cannot see it.") :
                t("Removed by a moderator.")}));
        }
        if (mine && ui.editReflection && !th.hidden) {
            wrap.appendChild(buildEditReflection());
            return wrap;
        }
        if (!th.hidden || mine) {
            wrap.appendChild(answersBlock(th.answers, "h6"));
        }
        var actions = h("div", {"class": "foorumi-actions foorumi-actions-small"});
        var forms = h("div");
        if (mine && !th.hidden) {
            actions.appendChild(button(P + "-edit-reflection", t("Edit reflection"), startEditReflection));
        }
        if (!mine && !th.hidden) {
            flagControls(actions, forms, th.id, th.flagged, metaId);
        }
        if (actions.childNodes.length) {
            wrap.appendChild(actions);
        }
        wrap.appendChild(forms);
        return wrap;
    }

    // Editing one's own reflection.
    function startEditReflection() {
        var own = myThread();
        var answers = own ? own.answers : state.reflection && state.reflection.answers;
        ui.editReflection = {answers: copy(answers || {})};
        delete ui.err["edit-reflection"];
        var first = state.prompts[0];
        ui.focusAfter = first ? idOf("edit", first.id) : null;
        render();
    }

    function buildEditReflection() {
        var form = h("fieldset", {"class": "foorumi-editform"});
        form.appendChild(h("legend", {text: t("Edit your reflection")}));
        state.prompts.forEach(function (p) {
            form.appendChild(answerField(idOf("edit", p.id), p, ui.editReflection.answers[p.id] || "",
                function (prompt, ta) {
                    ui.editReflection.answers[prompt.id] = ta.value;
                    paintEditReflection();
                }, null));
        });
        var busy = !!ui.busy["edit-reflection"];
        form.appendChild(h("div", {"class": "foorumi-actions"}, [
            button(P + "-edit-save", busy ? t("Saving\u2026") : t("Save changes"), saveEditReflection, {
                kind: "primary",
                disabled: busy,
                whenDisabled: function () {
                    if (!ui.busy["edit-reflection"]) {
                        paintEditReflection(true);
                    }
                }
            }),
            button(P + "-edit-cancel", t("Cancel"), function () {
                ui.editReflection = null;
                delete ui.err["edit-reflection"];
                ui.focusAfter = P + "-edit-reflection";
                render();
            })
        ]));
        form.appendChild(errorBox("edit-reflection", P + "-edit-err"));
        return form;
    }

    function paintEditReflection(showAll) {
        if (!ui.editReflection) {
            return 0;
        }
        var bad = 0;
        var firstBad = null;
        state.prompts.forEach(function (p) {
            var c = paintField(idOf("edit", p.id), p, ui.editReflection.answers[p.id] || "", true);
            if (c.problem) {
                bad += 1;
                firstBad = firstBad || p;
            }
        });
        var btn = byId(P + "-edit-save");
        if (btn) {
            setDisabled(btn, bad > 0 || !!ui.busy["edit-reflection"]);
        }
        if (showAll && firstBad) {
            var ta = byId(idOf("edit", firstBad.id));
            if (ta) {
                ta.focus();
            }
        }
        return bad;
    }

    function saveEditReflection() {
        if (!ui.editReflection || paintEditReflection(true)) {
            return;
        }
        act("edit-reflection", "edit_reflection", {answers: copy(ui.editReflection.answers)}, {
            ok: function () {
                ui.editReflection = null;
                ui.focusAfter = P + "-edit-reflection";
                announce(t("Your changes are saved."));
            },
            retry: saveEditReflection
        });
    }

    // Flagging an item for staff.
    function flagControls(actions, forms, itemId, flagged, describedby) {
        if (flagged) {
            actions.appendChild(h("span", {"class": "foorumi-flagged", id: idOf("flagged", itemId), tabindex: "-1",
                text: t("Flagged for staff")}));
            return;
        }
        var open = !!ui.flagOpen[itemId];
        actions.appendChild(button(idOf("flag", itemId), t("Flag"), function () {
            ui.flagOpen[itemId] = !ui.flagOpen[itemId];
            delete ui.err["flag:" + itemId];
            ui.focusAfter = ui.flagOpen[itemId] ? idOf("reason", itemId) : idOf("flag", itemId);
            render();
        }, {expanded: open, controls: open ? idOf("flagform", itemId) : null, describedby: describedby,
            cls: "foorumi-btn-quiet"}));
        if (!open) {
            return;
        }
        var key = "flag:" + itemId;
        var busy = !!ui.busy[key];
        var rid = idOf("reason", itemId);
        var form = h("div", {"class": "foorumi-flagform", id: idOf("flagform", itemId)});
        form.appendChild(h("label", {"for": rid, "class": "foorumi-label",
            text: t("Why should course staff look at this? (required)")}));
        var ta = textBox(rid, ui.flagText[itemId] || "", MAX_REASON, 3, rid + "-count " + rid + "-err", function (el) {
            ui.flagText[itemId] = el.value;
            paintFlagCounter(itemId);
        });
        ta.setAttribute("aria-required", "true");
        form.appendChild(ta);
        form.appendChild(h("p", {"class": "foorumi-count", id: rid + "-count"}));
        form.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
            button(idOf("flagsend", itemId), busy ? t("Sending\u2026") : t("Send to staff"), function () {
                sendFlag(itemId);
            }, {kind: "primary", disabled: busy}),
            button(idOf("flagcancel", itemId), t("Cancel"), function () {
                ui.flagOpen[itemId] = false;
                delete ui.err[key];
                ui.focusAfter = idOf("flag", itemId);
                render();
            })
        ]));
        form.appendChild(errorBox(key, rid + "-err"));
        forms.appendChild(form);
    }

    function paintFlagCounter(itemId) {
        if (ui.flagOpen[itemId]) {
            paintCounter(idOf("reason", itemId) + "-count", (ui.flagText[itemId] || "").length, MAX_REASON);
        }
    }

    function sendFlag(itemId) {
        var key = "flag:" + itemId;
        var reason = (ui.flagText[itemId] || "").trim();
        if (!reason || reason.length > MAX_REASON) {
            ui.err[key] = {msg: reason ? fmt(t("The reason can be at most %(max)s characters."), {max: MAX_REASON}) :
                t("Please tell course staff why you are flagging this.")};
            ui.focusAfter = idOf("reason", itemId);
            render();
            return;
        }
        act(key, "flag", {item_id: itemId, reason: reason}, {
            ok: function () {
                ui.flagOpen[itemId] = false;
                delete ui.flagText[itemId];
                ui.focusAfter = idOf("flagged", itemId);
                announce(t("Thank you. Course staff will look at it."));
            },
            retry: function () { sendFlag(itemId); }
        });
    }

    // Comments.
    function commentItem(th, c) {
        var editing = has(ui.editComment, c.id);
        return {
            key: "c:" + c.id,
            sig: sig(c, isMe(th.author), editing, !!ui.busy["edit-comment:" + c.id], errSig("edit-comment:" + c.id),
                !!ui.busy["helpful:" + c.id], errSig("helpful:" + c.id), flagSig(c.id), !!ui.isNew[c.id]),
            build: function () { return buildComment(th, c); },
            update: function () {
                if (has(ui.editComment, c.id)) {
                    paintCounter(idOf("cedit", c.id) + "-count", ui.editComment[c.id].length, MAX_COMMENT);
                }
                paintFlagCounter(c.id);
            }
        };
    }

    function buildComment(th, c) {
        var mine = isMe(c.author);
        var threadMine = isMe(th.author);
        var editing = has(ui.editComment, c.id);
        var metaId = idOf("cmeta", c.id);
        var li = h("li", {
            "class": "foorumi-comment" + (mine ? " is-mine" : "") + (c.helpful ? " is-helpful" : "") +
                (ui.isNew[c.id] ? " is-new" : ""),
            id: idOf("c", c.id),
            tabindex: "-1",
            "aria-labelledby": metaId
        });
        li.appendChild(h("p", {"class": "foorumi-meta", id: metaId}, [
            h("span", {"class": "foorumi-author", text: nameWithYou(c.author)}),
            timeEl(c.created_at),
            c.edited ? h("span", {"class": "foorumi-edited", text: t("(edited)")}) : null,
            c.helpful && !threadMine ? h("span", {"class": "foorumi-badge foorumi-badge-helpful",
                text: t("Helpful to the author")}) : null,
            ui.isNew[c.id] ? h("span", {"class": "foorumi-badge foorumi-badge-new", text: t("New")}) : null
        ]));
        if (c.hidden) {
            li.appendChild(h("p", {"class": "foorumi-moderated", text: mine ?
                t("Hidden by a moderator. The others in your group cannot see it.") :
                t("Removed by a moderator.")}));
        }
        if (editing && !c.hidden) {
            li.appendChild(buildEditComment(c));
            return li;
        }
        if (!c.hidden || mine) {
            li.appendChild(h("div", {"class": "foorumi-text", text: c.text}));
        }
        var actions = h("div", {"class": "foorumi-actions foorumi-actions-small"});
        var forms = h("div");
        if (mine && !c.hidden) {
            actions.appendChild(button(idOf("cedit-btn", c.id), t("Edit"), function () {
                ui.editComment[c.id] = c.text || "";
                delete ui.err["edit-comment:" + c.id];
                ui.focusAfter = idOf("cedit", c.id);
                render();
            }, {describedby: metaId, cls: "foorumi-btn-quiet"}));
        }
        if (threadMine && !mine && !c.hidden) {
            var hkey = "helpful:" + c.id;
            actions.appendChild(button(idOf("helpful", c.id), t("Mark as helpful"), function () {
                toggleHelpful(c.id, !c.helpful);
            }, {pressed: !!c.helpful, disabled: !!ui.busy[hkey], describedby: metaId,
                cls: "foorumi-btn-toggle"}));
        }
        if (!mine && !c.hidden) {
            flagControls(actions, forms, c.id, c.flagged, metaId);
        }
        if (actions.childNodes.length) {
            li.appendChild(actions);
        }
        li.appendChild(forms);
        li.appendChild(errorBox("helpful:" + c.id, idOf("helpful-err", c.id)));
        return li;
    }

    function buildEditComment(c) {
        var key = "edit-comment:" + c.id;
        var busy = !!ui.busy[key];
        var fid = idOf("cedit", c.id);
        var form = h("div", {"class": "foorumi-editform"});
        form.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: t("Edit your comment")}));
        form.appendChild(textBox(fid, ui.editComment[c.id], MAX_COMMENT, 4, fid + "-count " + fid + "-err", function (ta) {
            ui.editComment[c.id] = ta.value;
            paintCounter(fid + "-count", ta.value.length, MAX_COMMENT);
        }));
        form.appendChild(h("p", {"class": "foorumi-count", id: fid + "-count"}));
        form.appendChild(h("div", {"class": "foorumi-actions foorumi-actions-small"}, [
            button(idOf("cedit-save", c.id), busy ? t("Saving\u2026") : t("Save changes"), function () {
                saveEditComment(c.id);
            }, {kind: "primary", disabled: busy}),
            button(idOf("cedit-cancel", c.id), t("Cancel"), function () {
                delete ui.editComment[c.id];
                delete ui.err[key];
                ui.focusAfter = idOf("cedit-btn", c.id);
                render();
            })
        ]));
        form.appendChild(errorBox(key, fid + "-err"));
        return form;
    }

    function saveEditComment(commentId) {
        var key = "edit-comment:" + commentId;
        var text = ui.editComment[commentId] || "";
        var problem = commentProblem(text);
        if (problem) {
            ui.err[key] = {msg: problem};
            ui.focusAfter = idOf("cedit", commentId);
            render();
            return;
        }
        act(key, "edit_comment", {comment_id: commentId, text: text}, {
            ok: function () {
                delete ui.editComment[commentId];
                ui.focusAfter = idOf("cedit-btn", commentId);
                announce(t("Your changes are saved."));
            },
            retry: function () { saveEditComment(commentId); }
        });
    }

    function toggleHelpful(commentId, helpful) {
        act("helpful:" + commentId, "mark_helpful", {comment_id: commentId, helpful: helpful}, {
            ok: function () {
                announce(helpful ? t("Marked as helpful.") : t("No longer marked as helpful."));
            },
            retry: function () { toggleHelpful(commentId, helpful); }
        });
    }

    function commentProblem(text) {
        if (!String(text || "").trim()) {
            return t("Write a comment first.");
        }
        if (text.length > MAX_COMMENT) {
            return fmt(t("A comment can be at most %(max)s characters."), {max: MAX_COMMENT});
        }
        return "";
    }

    function buildCommentBox(th) {
        var key = "comment:" + th.id;
        var busy = !!ui.busy[key];
        var fid = idOf("cbox", th.id);
        var box = h("div", {"class": "foorumi-commentbox"});
        box.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: isMe(th.author) ? t("Reply") :
            fmt(t("Comment on %(name)s's reflection"), {name: nameOf(th.author)})}));
        var ta = textBox(fid, ui.commentText[th.id] || "", MAX_COMMENT, 4, fid + "-count " + fid + "-err", function (el) {
            ui.commentText[th.id] = el.value;
            paintCounter(fid + "-count", el.value.length, MAX_COMMENT);
        });
        ta.readOnly = busy;
        box.appendChild(ta);
        box.appendChild(h("div", {"class": "foorumi-actions"}, [
            button(idOf("cpost", th.id), busy ? t("Posting\u2026") : t("Post comment"), function () {
                postComment(th.id);
            }, {kind: "primary", disabled: busy}),
            h("p", {"class": "foorumi-count", id: fid + "-count"})
        ]));
        box.appendChild(errorBox(key, fid + "-err"));
        return box;
    }

    function postComment(threadId) {
        var key = "comment:" + threadId;
        var th = findThread(threadId);
        if (!th || ui.busy[key]) {
            return;
        }
        var text = ui.commentText[threadId] || "";
        var problem = commentProblem(text);
        if (problem) {
            ui.err[key] = {msg: problem};
            ui.focusAfter = idOf("cbox", threadId);
            render();
            return;
        }
        // A retry of the same text keeps its request_id, so the server creates one comment only.
        var pending = ui.pending[key];
        if (!pending || pending.key !== text) {
            pending = ui.pending[key] = {request_id: uuid(), key: text};
        }
        var before = {};
        th.comments.forEach(function (c) { before[c.id] = true; });
        act(key, "comment", {reflection_id: th.reflection_id || th.id, text: text, request_id: pending.request_id}, {
            ok: function () {
                delete ui.pending[key];
                ui.commentText[threadId] = "";
                var now = findThread(threadId);
                var added = now ? now.comments.filter(function (c) { return !before[c.id] && isMe(c.author); }) : [];
                ui.focusAfter = added.length ? idOf("c", added[added.length - 1].id) : idOf("cbox", threadId);
                // The box keeps its element; empty it here.
                var box = byId(idOf("cbox", threadId));
                if (box) {
                    box.value = "";
                }
                announce(t("Comment posted"));
            },
            retry: function () { postComment(threadId); }
        });
    }

    // ------------------------------------------------------------------ start
    document.addEventListener("visibilitychange", function () {
        if (document.hidden) {
            flushDraft();
            clearTimeout(pollTimer);
            pollTimer = null;
        } else if (shouldPoll()) {
            poll();
        }
    });
    window.addEventListener("pagehide", flushDraft);

    // The initial state comes with the init data; without it, it is fetched.
    var initial = init.state;
    if (initial && typeof initial.stage === "string") {
        announce(takeState(initial, "init"));
        render();
    } else {
        render();
        refresh();
    }
}
