/*
 * Foorumi's links in learner text, ``window.Foorumi.links``: ``split(text)`` cuts a text into
 * plain parts and web links, and ``append(el, text)`` puts it into ``el`` as text nodes and
 * ``<a>`` elements made with createElement + textContent (never innerHTML). Node loads this
 * file with ``require`` (tests/domain/test_links_js.py), so ``split`` needs no DOM.
 *
 * Only http(s) addresses written with their scheme become links: ``javascript:``, ``data:``,
 * ``mailto:``, ``www.`` without a scheme and anything the URL parser refuses stay text, and so
 * does an address with a user name in it ("https://bank.fi@evil.example" reads as one site and
 * goes to another). A link ends at white space, at ``< > " `` and at characters that show as
 * nothing or turn text around (bidi controls, zero-width characters): they cannot hide inside
 * one. A host without a dot ("https://intranet") stays text. Punctuation that ends a sentence (``. , ; : ! ?``, quotes) and a closing bracket
 * without its opening one in the address are not part of the link.
 *
 * Links get ``rel="nofollow noopener ugc"`` and no ``target``: a learner's link opens where
 * the learner chooses (a new tab when they ask for one), the page's Back button keeps
 * working, and a phone does not pile up tabs. ``noopener`` still covers a link the learner
 * opens in a new tab by themselves.
 */
(function (root) {
    "use strict";

    // Where a link may start: "http://" or "https://" not glued to a letter or digit before it.
    var START_RE = /https?:\/\//gi;
    var WORDISH_RE = /[\p{L}\p{N}_]/u;
    // What ends a link: white space, <>"`, controls, and invisible or direction-changing marks.
    var STOP_RE = /[\s<>"`\\\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/u;
    var TRAILING = ".,;:!?'\u2019\u201d\u00bb\u2026*";
    var PAIRS = {")": "(", "]": "[", "}": "{"};
    var MAX_LINK = 2000;
    var REL = "nofollow noopener ugc";

    function count(text, ch) {
        return text.split(ch).length - 1;
    }

    /** ``candidate`` without what ends its sentence: punctuation, an unpaired closing bracket. */
    function trim(candidate) {
        var end = candidate.length;
        for (;;) {
            var last = candidate.charAt(end - 1);
            if (TRAILING.indexOf(last) >= 0) {
                end -= 1;
            } else if (PAIRS[last] && count(candidate.slice(0, end), PAIRS[last]) < count(candidate.slice(0, end), last)) {
                end -= 1;
            } else {
                return candidate.slice(0, end);
            }
        }
    }

    /** The address ``candidate`` links to (the URL parser's form), or null when it stays text. */
    function hrefOf(candidate) {
        if (candidate.length > MAX_LINK || typeof URL !== "function") {
            return null;
        }
        var url;
        try {
            url = new URL(candidate);
        } catch (e) {
            return null;
        }
        // The host is written right after "//" and has a dot in it ("http:///x" and
        // "https://intranet" stay text); no user name or password.
        var written = candidate.slice(candidate.indexOf("//") + 2);
        if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password ||
                written.charAt(0) === "/" || !/[\p{L}\p{N}-]\.[\p{L}\p{N}]/u.test(url.hostname)) {
            return null;
        }
        return url.href;
    }

    /**
     * ``text`` as a list of parts, in order: ``{text}`` for plain text and ``{text, href}`` for
     * a link (``text`` as written, ``href`` as the URL parser writes it). Joined, the parts'
     * ``text`` is ``text`` again.
     */
    function split(text) {
        text = String(text === null || text === undefined ? "" : text);
        var parts = [];
        var done = 0;
        var match;
        START_RE.lastIndex = 0;
        while ((match = START_RE.exec(text)) !== null) {
            var start = match.index;
            if (start > 0 && WORDISH_RE.test(text.charAt(start - 1))) {
                continue;
            }
            var end = start + match[0].length;
            while (end < text.length && !STOP_RE.test(text.charAt(end))) {
                end += 1;
            }
            var candidate = trim(text.slice(start, end));
            var href = candidate.length > match[0].length ? hrefOf(candidate) : null;
            START_RE.lastIndex = Math.max(end, start + 1);
            if (!href) {
                continue;
            }
            if (start > done) {
                parts.push({text: text.slice(done, start)});
            }
            parts.push({text: candidate, href: href});
            done = start + candidate.length;
            START_RE.lastIndex = done;
        }
        if (done < text.length || !parts.length) {
            parts.push({text: text.slice(done)});
        }
        return parts;
    }

    /** Append ``text`` to ``el``: text nodes, and an ``<a>`` for each link. Returns ``el``. */
    function append(el, text, doc) {
        doc = doc || el.ownerDocument || root.document;
        split(text).forEach(function (part) {
            if (!part.text) {
                return;
            }
            if (part.href) {
                var a = doc.createElement("a");
                a.setAttribute("href", part.href);
                a.setAttribute("rel", REL);
                a.setAttribute("class", "foorumi-link");
                a.textContent = part.text;
                el.appendChild(a);
            } else {
                el.appendChild(doc.createTextNode(part.text));
            }
        });
        return el;
    }

    var links = {split: split, append: append, REL: REL};
    if (typeof module === "object" && module.exports) {
        module.exports = links;
    }
    if (root) {
        root.Foorumi = root.Foorumi || {};
        root.Foorumi.links = links;
    }
}(typeof window !== "undefined" ? window : null));
