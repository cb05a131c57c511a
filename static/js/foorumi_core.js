/*
 * Foorumi's shared core, ``window.Foorumi.core``: loaded first by every view (learner page,
 * staff console, Studio editor). Each Foorumi file adds one key to ``window.Foorumi``; a
 * view's entry file checks that its parts are there and wires them. Here: the init data,
 * translation (``t``, ``ngettext``), ``fmt``, elements built with text nodes only, the CSRF
 * token, ``post`` to a handler, the live-region announcer, and ``kit``: all of it bound to
 * one view instance.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    function has(obj, key) {
        return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
    }

    function positive(value, fallback) {
        var n = Number(value);
        return n > 0 ? n : fallback;
    }

    function copy(obj) {
        var out = {};
        Object.keys(obj || {}).forEach(function (k) { out[k] = obj[k]; });
        return out;
    }

    /** The block's DOM element (runtimes may pass a jQuery object). */
    function elementOf(element) {
        return element && element.jquery ? element[0] : element;
    }

    /** The init data as an object: the block sends ``{json: "<escaped JSON>"}``. */
    function readInit(init) {
        init = init || {};
        return typeof init.json === "string" ? JSON.parse(init.json) : init;
    }

    /**
     * ``t`` and ``ngettext``: ``{english: translated}``, and ``{singular: [singular, plural]}``
     * for plurals, chosen with the rule of English and Finnish (n != 1). An entry is looked up
     * in ``table`` (init.i18n: what the server's translator says otherwise than the file, see
     * ui_strings.js_i18n), then in the language's catalog file, ``window.Foorumi.catalog[locale]``
     * (static/js/i18n/, loaded before the view's entry; ``locale`` is init.catalog); without
     * an entry, the English.
     */
    function translator(table, locale) {
        table = table || {};
        function lookup(key) {
            if (has(table, key)) {
                return table[key];
            }
            var file = locale && has(Foorumi.catalog, locale) ? Foorumi.catalog[locale] : null;
            return has(file, key) ? file[key] : null;
        }
        return {
            t: function (english) {
                var value = lookup(english);
                return typeof value === "string" && value ? value : english;
            },
            ngettext: function (singular, plural, n) {
                var other = Number(n) !== 1;
                var value = lookup(singular);
                if (Array.isArray(value) && value.length === 2 && value[0] && value[1]) {
                    return String(value[other ? 1 : 0]);
                }
                return other ? plural : singular;
            }
        };
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

    /** Append ``kids`` (an element, text, or a list of them; null/false skipped) to ``el``. */
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

    // A name with right-to-left letters or bidi controls is shown isolated (U+2068 ...
    // U+2069), so that it cannot reverse the line around it; other names stay as they are.
    var BIDI_RE = /[\u0590-\u08ff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

    function isolate(text) {
        return BIDI_RE.test(text) ? "\u2068" + text + "\u2069" : text;
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

    var KEEPALIVE_MAX_BYTES = 60000;

    /**
     * POST ``body`` as JSON to ``url`` with the CSRF header. Resolves (never rejects) to
     * ``{ok: true, status, data}`` for a 2xx JSON object (that ``opts.accept`` accepts), else
     * ``{ok: false, status, data, error, retry, network}``: ``error`` is the server's own
     * ``{"error"}`` message, or a generic one; ``retry`` when trying again may help.
     */
    function post(url, body, opts) {
        opts = opts || {};
        var t = opts.t || translator({}).t;
        var payload = JSON.stringify(body || {});
        var request = {
            method: "POST",
            credentials: "same-origin",
            headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
            body: payload
        };
        if (opts.keepalive && new Blob([payload]).size < KEEPALIVE_MAX_BYTES) {
            request.keepalive = true;
        }
        var sent;
        try {
            sent = fetch(url, request);
        } catch (e) {
            sent = Promise.reject(e);
        }
        return sent.then(function (response) {
            return response.text().then(function (text) {
                var data = null;
                try {
                    data = text ? JSON.parse(text) : null;
                } catch (e) { /* not JSON */ }
                var object = !!data && typeof data === "object" && !Array.isArray(data);
                if (response.ok) {
                    if (object && (!opts.accept || opts.accept(data))) {
                        return {ok: true, status: response.status, data: data};
                    }
                    return {ok: false, status: response.status, data: data, retry: true,
                        error: t("The server sent an unexpected answer. Please try again.")};
                }
                var message = object && typeof data.error === "string" && data.error ? data.error :
                    fmt(t("Something went wrong (error %(status)s). Please try again."), {status: response.status});
                return {ok: false, status: response.status, data: object ? data : null, error: message,
                    retry: response.status >= 500};
            });
        }, function () {
            return {ok: false, status: 0, data: null, network: true, retry: true,
                error: t("Could not reach the server. Check your connection and try again.")};
        });
    }

    /**
     * ``announce(message)`` into the polite live region ``live``, after a short pause (so the
     * same message twice is read twice); messages close together are read together.
     */
    function announcer(live) {
        var timer = null;
        var queue = [];
        return function announce(message) {
            var region = typeof live === "function" ? live() : live;
            if (!message || !region) {
                return;
            }
            queue.push(message);
            clearTimeout(timer);
            region.textContent = "";
            timer = setTimeout(function () {
                region.textContent = queue.join(" ");
                queue = [];
            }, 150);
        };
    }

    /**
     * One view instance's toolbox: the helpers above with ``t``/``ngettext`` over ``table``
     * and the catalog of ``locale`` (``translator``);
     * ``post(handler, ...)`` to this block's handlers; ``idOf(kind, serverId)``, a stable
     * element id under ``prefix``; ``byId(id)``, inside the block only.
     */
    function kit(runtime, element, table, prefix, locale) {
        var tr = translator(table, locale);
        return {
            t: tr.t,
            ngettext: tr.ngettext,
            fmt: fmt,
            h: h,
            append: append,
            isolate: isolate,
            has: has,
            copy: copy,
            positive: positive,
            P: prefix,
            post: function (handler, body, opts) {
                return post(runtime.handlerUrl(element, handler), body, Object.assign({t: tr.t}, opts || {}));
            },
            idOf: function (kind, raw) {
                return prefix + "-" + kind + "-" + String(raw).replace(/[^A-Za-z0-9_-]/g, function (ch) {
                    return "_" + ch.charCodeAt(0).toString(16);
                });
            },
            byId: function (id) {
                var el = id ? document.getElementById(id) : null;
                return el && element.contains(el) ? el : null;
            }
        };
    }

    Foorumi.core = {
        has: has,
        positive: positive,
        copy: copy,
        elementOf: elementOf,
        readInit: readInit,
        translator: translator,
        fmt: fmt,
        h: h,
        append: append,
        isolate: isolate,
        csrfToken: csrfToken,
        post: post,
        announcer: announcer,
        kit: kit
    };
}(window));
