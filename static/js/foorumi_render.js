/*
 * Foorumi's learner page, rendering: ``window.Foorumi.render(kit, options)`` gives the view
 * the stage parts build with.
 *
 * The page is a list of keyed parts ``{key, data, build, update, live, items}``:
 * ``build(data)`` makes a part from ``data`` alone, and it is rebuilt only when ``data``
 * changes (its JSON is the signature), so a refresh never touches the box someone types in;
 * ``update(el, live)`` runs on every render (counters, typed text from the controller's
 * ``ui``, button states); ``items`` are the part's own parts. Focus and caret are restored
 * by element id when a part that held focus is rebuilt. Also: the controls the stages share,
 * and ``news``, what to announce about a new state. Learner text: textContent only.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    /**
     * ``options``: ``lang``, ``root`` (the element the page renders into), ``limits``
     * (``{answer, comment, reason}`` characters), ``announce(message)`` (the polite live
     * region) and ``onRetry(key)`` (what "Try again" next to the action ``key``'s error does).
     */
    Foorumi.render = function (kit, options) {
        var t = kit.t;
        var ngettext = kit.ngettext;
        var fmt = kit.fmt;
        var h = kit.h;
        var P = kit.P;
        var byId = kit.byId;
        var lang = options.lang;
        var STAGE_HEADING = P + "-stage";

        function sig(data) {
            return JSON.stringify(data === undefined ? null : data);
        }

        /**
         * Make ``parent``'s children the elements for ``items``, reusing an element whose key
         * and data are unchanged.
         */
        function reconcile(parent, items) {
            var old = parent.foorumiKeyed || {};
            var fresh = {};
            var els = [];
            items.forEach(function (item) {
                var rec = old[item.key];
                var now = sig(item.data);
                var el = rec && rec.sig === now ? rec.el : item.build(item.data);
                fresh[item.key] = {el: el, sig: now};
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
                    item.update(els[i], item.live);
                }
                if (item.items) {
                    reconcile(els[i].foorumiList || els[i], item.items);
                }
            });
        }

        /**
         * Render ``items`` into ``options.root``; then focus ``focusAfter`` (an element id)
         * when given, else give the focus back to the element that had it (by id, with its
         * caret) when it was rebuilt, or to the stage's heading when it is gone.
         */
        function paint(items, busy, focusAfter) {
            var app = options.root;
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
            app.setAttribute("aria-busy", busy ? "true" : "false");
            reconcile(app, items);

            var target = focusAfter ? byId(focusAfter) : null;
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

        // ------------------------------------------------------------ people, time
        function isMe(person) {
            return !!(person && person.is_me);
        }

        function nameOf(person) {
            return person && person.name ? kit.isolate(String(person.name)) : t("Participant");
        }

        function nameWithYou(person) {
            return isMe(person) ? nameOf(person) + " " + t("(you)") : nameOf(person);
        }

        function ordinal(n) {
            if (lang.slice(0, 2) === "en") {
                var suffixes = ["th", "st", "nd", "rd"];
                var v = n % 100;
                return n + (suffixes[(v - 20) % 10] || suffixes[v] || suffixes[0]);
            }
            return n + ".";
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

        // ------------------------------------------------------------ small parts
        /**
         * An error region (role=alert) for the action ``key``: ``err`` is ``{msg, retry}``
         * or null; "Try again" is offered when ``err.retry``.
         */
        function errorBox(key, err, id) {
            var box = h("div", {"class": "foorumi-error", id: id, role: "alert"});
            fillError(box, key, err);
            return box;
        }

        function fillError(box, key, err) {
            if (!box) {
                return;
            }
            var now = sig(err ? [err.msg, !!err.retry] : null);
            if (box.foorumiSig === now) {
                return;
            }
            box.foorumiSig = now;
            box.textContent = "";
            if (err) {
                box.appendChild(h("p", {text: err.msg}));
                if (err.retry) {
                    box.appendChild(button(box.id + "-retry", t("Try again"), function () {
                        options.onRetry(key);
                    }));
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

        // A section is a landmark named by its heading and the forum's title, so that two
        // forums on one unit page (two sessions of a group set) never give two landmarks one
        // name ("Group 1" twice); foorumi.js gives the title its id.
        function section(cls, headingId) {
            return h("section", {"class": "foorumi-section " + cls, "aria-labelledby": headingId + " " + P + "-title"});
        }

        function stageHeading(text) {
            return h("h4", {id: STAGE_HEADING, "class": "foorumi-heading", tabindex: "-1", text: text});
        }

        function paintCounter(id, length, max) {
            var el = byId(id);
            if (!el) {
                return;
            }
            el.textContent = fmt(ngettext("%(count)s / %(max)s character", "%(count)s / %(max)s characters", max),
                {count: length, max: max});
            el.className = "foorumi-count" + (length > max ? " is-over" : length > max * 0.9 ? " is-near" : "");
        }

        /** A text box; its text is set by ``setValue`` (from the controller's ``ui``). */
        function textBox(id, max, rows, describedby, onInput) {
            var ta = h("textarea", {
                id: id,
                "class": "foorumi-textarea",
                rows: String(rows),
                maxlength: String(max),
                "aria-describedby": describedby
            });
            ta.addEventListener("input", function () { onInput(ta); });
            return ta;
        }

        /** Put ``value`` into a text box unless it holds it already (the caret stays). */
        function setValue(el, value) {
            value = value || "";
            if (el && el.value !== value) {
                el.value = value;
            }
        }

        function answersBlock(prompts, answers, headingTag) {
            var wrap = h("div", {"class": "foorumi-answers"});
            prompts.forEach(function (p) {
                if (!kit.has(answers, p.id)) {
                    return;
                }
                wrap.appendChild(h(headingTag, {"class": "foorumi-prompt", text: p.text}));
                wrap.appendChild(h("div", {"class": "foorumi-text", text: answers[p.id]}));
            });
            return wrap;
        }

        // ------------------------------------------------------------ announcements
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
         * What to say about the state ``next`` after ``prev``: ``{messages, fresh, seen}``;
         * ``fresh`` lists the ids of others' reflections and comments new since ``seen``
         * (the ids of the last state taken, or null).
         */
        function news(prev, next, seen) {
            var ids = collectIds(next);
            var messages = [];
            var fresh = [];
            if (prev && prev.stage !== next.stage) {
                if (next.stage === "reflect" && prev.stage === "agreement") {
                    messages.push(t("Thank you. You can now write your reflection."));
                }
                if (prev.stage === "reflect" && (next.stage === "pool" || next.stage === "group")) {
                    messages.push(t("Your reflection has been submitted."));
                }
                if (next.stage === "group" && next.group) {
                    messages.push(fmt(t("You are now in %(group)s."), {group: next.group.name}));
                }
            } else if (seen && prev && prev.stage === "group") {
                var newComments = 0;
                var newThreads = 0;
                Object.keys(ids).forEach(function (key) {
                    if (!kit.has(seen, key) && !ids[key].mine) {
                        fresh.push(ids[key].id);
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
                    next.progress.complete) {
                messages.push(t("You have given the required comments. Your part of this forum is complete."));
            }
            return {messages: messages, fresh: fresh, seen: ids};
        }

        return {
            t: t,
            ngettext: ngettext,
            fmt: fmt,
            h: h,
            append: kit.append,
            has: kit.has,
            copy: kit.copy,
            idOf: kit.idOf,
            byId: byId,
            P: P,
            lang: lang,
            limits: options.limits,
            announce: options.announce,
            STAGE_HEADING: STAGE_HEADING,
            reconcile: reconcile,
            paint: paint,
            isMe: isMe,
            nameOf: nameOf,
            nameWithYou: nameWithYou,
            ordinal: ordinal,
            timeEl: timeEl,
            errorBox: errorBox,
            fillError: fillError,
            button: button,
            setDisabled: setDisabled,
            section: section,
            stageHeading: stageHeading,
            paintCounter: paintCounter,
            textBox: textBox,
            setValue: setValue,
            answersBlock: answersBlock,
            news: news
        };
    };
}(window));
