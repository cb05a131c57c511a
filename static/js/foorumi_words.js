/*
 * Foorumi's word counter, ``window.Foorumi.words.countWords(text)``: the learner page counts
 * words exactly as the server counts them (forum/words.py), so a learner is never told "ok"
 * and then refused. tests/domain/test_word_count_parity.py loads this file in Node
 * (``require``) and compares it with the server on the same texts.
 *
 * Words are runs of letters, digits and marks, kept together by one joiner; a link or e-mail
 * address is one word; each Chinese/Japanese character is a word. A link is recognised only
 * at the start of a whitespace-separated token, so counting stays linear in the text's
 * length whatever is typed.
 */
(function (root) {
    "use strict";

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

    var words = {countWords: countWords};
    if (root) {
        root.Foorumi = root.Foorumi || {};
        root.Foorumi.words = words;
    }
    if (typeof module !== "undefined") {
        module.exports = words;
    }
}(typeof window !== "undefined" ? window : null));
