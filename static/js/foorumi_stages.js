/*
 * Foorumi's learner page, the stages before the group: ``window.Foorumi.stages(view, app,
 * words)`` gives the page's parts for loading, the learner's progress, the ground rules
 * (agreement), writing the reflection (reflect) and waiting for a group (pool), with what
 * their buttons do. The answer fields with their live word counts are shared with the
 * group's "Edit reflection" (foorumi_group.js), as are ``groupItems`` (the ground rules and
 * the "done" panel below the group's heading).
 *
 * ``items(app)`` reads the controller's state and ``ui`` (foorumi_sync.js) and hands each
 * builder the data its part shows (README "Renderer apart from controller"); a builder sees
 * nothing else of the state. Learner text is only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.stages = function (view, app, words) {
        var t = view.t;
        var ngettext = view.ngettext;
        var fmt = view.fmt;
        var h = view.h;
        var P = view.P;
        var idOf = view.idOf;
        var byId = view.byId;
        var button = view.button;
        var ui = app.ui;
        var MAX_ANSWER = view.limits.answer;
        var STAGE_HEADING = view.STAGE_HEADING;

        // ------------------------------------------------------------- the parts
        /** The page's parts down to the stage (the group's own come from foorumi_group.js). */
        function items() {
            var state = app.state;
            if (!state) {
                if (ui.loadError) {
                    return [{key: "load-error", data: {msg: ui.loadError}, build: buildLoadError}];
                }
                return [{key: "loading", data: null, build: function () {
                    return h("p", {"class": "foorumi-loading", text: t("Loading\u2026")});
                }}];
            }
            var parts = [];
            if (ui.pollError) {
                parts.push({key: "poll-error", data: null, build: function () {
                    return h("p", {"class": "foorumi-notice",
                        text: t("The page could not be updated just now. It will try again.")});
                }});
            }
            if (state.progress.submitted) {
                parts.push({key: "progress", build: buildProgress, data: {
                    p: state.progress, minWords: minWords(state), scored: !!state.scored
                }});
            }
            switch (state.stage) {
            case "agreement":
                parts.push({key: "agreement", build: buildAgreement, data: {
                    items: state.agreement.items, busy: !!ui.busy.accept, err: app.errorOf("accept")
                }});
                break;
            case "reflect":
                parts.push({key: "reflect", build: buildReflect, update: updateReflect,
                    data: {
                        prompts: state.prompts, identity: state.identity, scored: !!state.scored,
                        required: Number(state.progress.comments_required) || 0
                    },
                    live: {
                        prompts: state.prompts, answers: ui.answers, shown: paused.shown, showAll: ui.showAllErrors,
                        busy: !!ui.busy.submit, err: app.errorOf("submit"), save: app.save.status,
                        saveError: ui.err.save ? ui.err.save.msg : ""
                    }});
                break;
            case "pool":
                parts.push({key: "pool", build: buildPool, data: {
                    pool: state.pool, deadline: deadlineView(state.pool), reflection: state.reflection,
                    prompts: state.prompts
                }});
                if (state.progress.complete) {
                    parts.push(doneItem(state));
                }
                break;
            case "group":
                break;
            default:
                parts.push({key: "unknown", data: null, build: function () {
                    return h("p", {"class": "foorumi-notice",
                        text: t("This forum cannot be shown right now. Please reload the page.")});
                }});
            }
            return parts;
        }

        function buildLoadError(data) {
            var box = h("div", {"class": "foorumi-error", role: "alert"}, h("p", {text: data.msg}));
            box.appendChild(button(P + "-reload", t("Try again"), function () {
                ui.loadError = null;
                app.render();
                app.refresh();
            }));
            return box;
        }

        /** The word minimum a comment on a peer's reflection needs to count (0: any). */
        function minWords(state) {
            return Math.max(0, Number(state.feedback_min_words) || 0);
        }

        /**
         * ``data``: ``{p: progress, minWords, scored}``. The line says what is done and, until
         * the learner's part is complete, what is still needed; a scored forum says how far
         * the grade has come.
         */
        function buildProgress(data) {
            var p = data.p;
            var params = {given: p.comments_given || 0, required: p.comments_required || 0};
            var comments = p.complete ?
                fmt(ngettext("%(given)s of %(required)s comment given \u2014 complete",
                    "%(given)s of %(required)s comments given \u2014 complete", params.required), params) :
                fmt(ngettext("%(given)s of %(required)s comment given",
                    "%(given)s of %(required)s comments given", params.required), params);
            var box = h("div", {"class": "foorumi-progressbox" + (p.complete ? " is-complete" : "")}, [
                h("p", {"class": "foorumi-progress" + (p.complete ? " is-complete" : ""), id: P + "-progress"}, [
                    h("span", {"class": "foorumi-progress-label", text: t("Your progress:")}),
                    " ",
                    t("Reflection submitted."),
                    " ",
                    h("span", {"class": "foorumi-progress-comments", text: comments})
                ])
            ]);
            var left = Math.max(0, params.required - params.given);
            if (!p.complete && left) {
                var todo = params.given ?
                    ngettext("Still to do: comment on %(count)s more peer's reflection.",
                        "Still to do: comment on %(count)s more peers' reflections.", left) :
                    ngettext("Still to do: comment on %(count)s peer's reflection.",
                        "Still to do: comment on %(count)s peers' reflections.", left);
                var line = fmt(todo, {count: left});
                if (data.minWords) {
                    line += " " + fmt(ngettext("A comment counts when it has at least %(words)s word.",
                        "A comment counts when it has at least %(words)s words.", data.minWords), {words: data.minWords});
                }
                box.appendChild(h("p", {"class": "foorumi-progress-todo", text: line}));
            }
            if (data.scored) {
                var met = (p.submitted ? 1 : 0) + Math.min(params.given, params.required);
                box.appendChild(h("p", {"class": "foorumi-scored", text: fmt(
                    t("Your grade so far: %(met)s of %(total)s requirements met."), {met: met, total: params.required + 1})}));
            }
            return box;
        }

        // ------------------------------------------------------------ agreement
        function buildAgreement(data) {
            var sec = view.section("foorumi-agreement", STAGE_HEADING);
            sec.appendChild(view.stageHeading(t("Ground rules")));
            sec.appendChild(h("p", {"class": "foorumi-help",
                text: t("Before you write, please read the ground rules of this group. They keep the forum a safe place for everyone.")}));
            var list = h("ul", {"class": "foorumi-rules"});
            data.items.forEach(function (item) {
                list.appendChild(h("li", {text: item}));
            });
            sec.appendChild(list);
            sec.appendChild(h("div", {"class": "foorumi-actions"}, [
                button(P + "-accept", data.busy ? t("Saving\u2026") : t("I accept"), acceptAgreement,
                    {kind: "primary", disabled: data.busy})
            ]));
            sec.appendChild(view.errorBox("accept", data.err, P + "-accept-err"));
            return sec;
        }

        function acceptAgreement() {
            app.act("accept", "accept_agreement", {}, {retry: acceptAgreement});
        }

        // --------------------------------------------------- answers and word counts
        function checkAnswer(prompt, text) {
            var c = {count: words.countWords(text), min: Number(prompt.min_words) || 0,
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
            var line = fmt(ngettext("%(count)s word", "%(count)s words", c.count), c);
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
                return fmt(ngettext("This answer is too long: at most %(chars)s character.",
                    "This answer is too long: at most %(chars)s characters.", c.chars), c);
            case "empty":
                return c.min ? underText(c) : t("Please answer this question.");
            case "under":
                return underText(c);
            case "over":
                return fmt(ngettext("Shorten this answer to at most %(max)s word.",
                    "Shorten this answer to at most %(max)s words.", c.max), c);
            default:
                return "";
            }
        }

        function underText(c) {
            return fmt(ngettext("Write at least %(min)s word.", "Write at least %(min)s words.", c.min), c);
        }

        /** A prompt's answer field: label, text box, word count and error. */
        function answerField(fid, prompt, onInput, onBlur) {
            var wrap = h("div", {"class": "foorumi-field"});
            wrap.appendChild(h("label", {"for": fid, "class": "foorumi-label", text: prompt.text}));
            var ta = view.textBox(fid, MAX_ANSWER, 7, fid + "-count " + fid + "-err", function (el) {
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

        /**
         * Paint a field's text, word count and error; returns the check. ``showError``: true,
         * false, or a function of the check saying whether its problem is shown now.
         */
        function paintField(fid, prompt, text, showError) {
            var c = checkAnswer(prompt, text);
            if (typeof showError === "function") {
                showError = showError(c);
            }
            var count = byId(fid + "-count");
            var err = byId(fid + "-err");
            var ta = byId(fid);
            view.setValue(ta, text);
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

        // --------------------------------------------------------------- reflect
        // Errors show after a submit attempt, or (over a limit) after a pause in typing; never
        // on blur, which would move Submit between a click's press and release. While a pointer
        // is down on Submit (``pressing``), what a pause would show waits for the release.
        var PAUSE_MS = 1500;
        var paused = {shown: {}, timers: {}, pressing: false, waiting: false};

        function afterPause(promptId) {
            clearTimeout(paused.timers[promptId]);
            paused.timers[promptId] = setTimeout(function () {
                delete paused.timers[promptId];
                paused.shown[promptId] = true;
                if (paused.pressing) {
                    paused.waiting = true;
                } else {
                    app.render();
                }
            }, PAUSE_MS);
        }

        function released() {
            if (!paused.pressing) {
                return;
            }
            paused.pressing = false;
            // After the click that this release makes (it runs first), show what waited.
            setTimeout(function () {
                if (paused.waiting && !paused.pressing) {
                    paused.waiting = false;
                    app.render();
                }
            }, 0);
        }

        ["pointerup", "pointercancel"].forEach(function (type) {
            root.addEventListener(type, released, true);
        });

        function showsWhileDrafting(c) {
            return c.problem === "over" || c.problem === "long";
        }

        /** Who reads the reflection, said before it is submitted. */
        function readersNote(identity) {
            return identity === "pseudonymous" ?
                t("Your group will read your reflection as \u201cParticipant N\u201d, not under your name (you get your number when the group forms). Course staff can read it too.") :
                t("Your group will read your reflection under your name. Course staff can read it too.");
        }

        /** How a scored forum is graded (learner.py: the fraction of requirements met). */
        function scoredNote(required) {
            if (!required) {
                return t("This forum is scored: your grade comes from submitting your reflection.");
            }
            return fmt(ngettext(
                "This forum is scored: your grade is the share of the requirements you meet, submitting your reflection and commenting on %(count)s peer's reflection, each counting the same.",
                "This forum is scored: your grade is the share of the requirements you meet, submitting your reflection and commenting on %(count)s peers' reflections, each counting the same.",
                required), {count: required});
        }

        function buildReflect(data) {
            var sec = view.section("foorumi-reflect", STAGE_HEADING);
            sec.appendChild(view.stageHeading(t("Your reflection")));
            sec.appendChild(h("p", {"class": "foorumi-help",
                text: t("Answer each question in your own words. Your answers are saved as a draft while you write. When you submit, you join a small group and can read the reflections of the others.")}));
            if (data.scored) {
                sec.appendChild(h("p", {"class": "foorumi-note foorumi-scored", text: scoredNote(data.required)}));
            }
            data.prompts.forEach(function (p) {
                sec.appendChild(answerField(idOf("answer", p.id), p, function (prompt, ta) {
                    app.draftInput(prompt.id, ta.value);
                    afterPause(prompt.id);
                    app.render();
                }, function (prompt) {
                    app.draftBlur(prompt.id);  // saves the draft; shows no error (see ``paused``)
                    app.render();
                }));
            });
            sec.appendChild(h("p", {"class": "foorumi-savestate", id: P + "-savestate"}));
            sec.appendChild(h("p", {"class": "foorumi-note foorumi-readers", id: P + "-readers",
                text: readersNote(data.identity)}));
            var submit = button(P + "-submit", t("Submit reflection"), submitReflection, {
                kind: "primary",
                describedby: P + "-submit-why " + P + "-readers",
                whenDisabled: function () {
                    if (!ui.busy.submit) {
                        showReflectProblems();
                    }
                }
            });
            submit.addEventListener("pointerdown", function () { paused.pressing = true; });
            sec.appendChild(h("div", {"class": "foorumi-actions"}, [
                submit,
                h("p", {"class": "foorumi-why", id: P + "-submit-why"})
            ]));
            sec.appendChild(view.errorBox("submit", null, P + "-submit-err"));
            return sec;
        }

        function updateReflect(sec, live) {
            var bad = 0;
            live.prompts.forEach(function (p) {
                var fid = idOf("answer", p.id);
                var c = paintField(fid, p, live.answers[p.id] || "", function (check) {
                    return live.showAll || (!!live.shown[p.id] && showsWhileDrafting(check));
                });
                if (c.problem) {
                    bad += 1;
                }
                var ta = byId(fid);
                if (ta) {
                    ta.readOnly = live.busy;
                }
            });
            var submit = byId(P + "-submit");
            if (submit) {
                view.setDisabled(submit, live.busy || bad > 0);
                submit.textContent = live.busy ? t("Submitting\u2026") : t("Submit reflection");
            }
            var why = byId(P + "-submit-why");
            if (why) {
                why.textContent = bad && !live.busy ? t("You can submit when every answer is within its word limits.") : "";
            }
            view.fillError(byId(P + "-submit-err"), "submit", live.err);
            var saveState = byId(P + "-savestate");
            if (saveState) {
                saveState.textContent = {
                    dirty: t("Unsaved changes"),
                    saving: t("Saving\u2026"),
                    saved: t("Saved"),
                    partial: t("Saved, except answers that are too long."),
                    retrying: t("Not saved \u2014 retrying"),
                    error: live.saveError
                }[live.save] || "";
                saveState.className = "foorumi-savestate is-" + (live.save || "idle");
            }
        }

        function reflectProblems() {
            return app.state.prompts.filter(function (p) {
                return checkAnswer(p, ui.answers[p.id] || "").problem;
            });
        }

        function showReflectProblems() {
            ui.showAllErrors = true;
            var bad = reflectProblems();
            if (bad.length) {
                ui.focusAfter = idOf("answer", bad[0].id);
            }
            app.render();
        }

        function submitReflection() {
            if (ui.busy.submit) {
                return;
            }
            if (reflectProblems().length) {
                showReflectProblems();
                return;
            }
            app.stopDrafts();
            var answers = view.copy(ui.answers);
            var key = JSON.stringify(answers);
            // A retry of the same text keeps its request_id, so the server creates one post only.
            if (!ui.pending.submit || ui.pending.submit.key !== key) {
                ui.pending.submit = {request_id: app.uuid(), key: key};
            }
            app.act("submit", "submit_reflection", {answers: answers, request_id: ui.pending.submit.request_id}, {
                ok: function () {
                    ui.pending.submit = null;
                    app.save.dirty = false;
                    ui.focusAfter = STAGE_HEADING;
                },
                retry: submitReflection
            });
        }

        // ------------------------------------------------------------------ pool
        function sameDay(a, b) {
            return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
        }

        function clock(date, opts) {
            try {
                return new Intl.DateTimeFormat(view.lang, opts).format(date);
            } catch (e) {
                return date.toLocaleString();
            }
        }

        /** The pool's deadline: ``{iso, when, past}`` (``when`` a local clock time: "2:30 PM today",
         * "huomenna klo 14.30", or with the date), or null. In the pool's data: rebuilt as time passes. */
        function deadlineView(pool) {
            var date = pool && pool.deadline ? new Date(pool.deadline) : null;
            if (!date || isNaN(date.getTime())) {
                return null;
            }
            var now = new Date();
            var tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
            var time = clock(date, {hour: "numeric", minute: "2-digit"});
            var when;
            if (sameDay(date, now)) {
                when = fmt(t("%(time)s today"), {time: time});
            } else if (sameDay(date, tomorrow)) {
                when = fmt(t("%(time)s tomorrow"), {time: time});
            } else {
                when = clock(date, {weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit"});
            }
            return {iso: date.toISOString(), when: when, past: date.getTime() <= now.getTime()};
        }

        /** A paragraph of ``template`` whose ``%(when)s`` is the deadline, as a <time> element. */
        function withDeadline(cls, template, deadline) {
            var at = template.indexOf("%(when)s");
            return h("p", {"class": cls}, at < 0 ? template : [
                template.slice(0, at),
                h("time", {"class": "foorumi-deadline", datetime: deadline.iso, text: deadline.when}),
                template.slice(at + "%(when)s".length)
            ]);
        }

        /** Only what the rules keep (forum/groups.py ``form_now``): at the deadline everyone waiting
         * is placed, but one with nobody to group with waits for the next person who submits. */
        function waitingNote(pool, deadline) {
            var next = t("The next person who submits will be placed in a group with you.");
            if (!deadline || deadline.past) {
                return deadline ? h("p", {"class": "foorumi-help foorumi-waiting", text: next}) : null;
            }
            var template;
            if (pool.alone) {
                template = t("If no group has formed by %(when)s, the next person who submits will be placed in a group with you.");
            } else if ((Number(pool.waiting) || 0) <= 1) {
                template = t("By %(when)s at the latest you will join one of the groups already formed, if one has room; if none has, the next person who submits will be placed in a group with you.");
            } else {
                template = t("You will be placed in a group by %(when)s at the latest.");
            }
            return withDeadline("foorumi-help foorumi-waiting", template, deadline);
        }

        function buildPool(data) {
            var sec = view.section("foorumi-pool", STAGE_HEADING);
            sec.appendChild(view.stageHeading(t("Waiting for your group")));
            var pool = data.pool || {};
            var needed = Number(pool.needed) || 0;
            var where;
            var place = Number(pool.position || pool.waiting) || 0;
            if (needed && place && place < needed) {
                where = fmt(ngettext("You are the %(ordinal)s of %(needed)s person needed to start a group.",
                    "You are the %(ordinal)s of %(needed)s people needed to start a group.", needed),
                {ordinal: view.ordinal(place), needed: needed});
            } else {
                where = t("Your group will be formed as soon as enough people have submitted.");
            }
            sec.appendChild(h("p", {"class": "foorumi-lead"}, [where, " ", t("The page updates by itself.")]));
            if (pool.alone) {
                sec.appendChild(h("p", {"class": "foorumi-alone",
                    text: t("Nobody else has submitted a reflection yet, so for now you are alone in this forum.")}));
            }
            sec.appendChild(waitingNote(pool, data.deadline));
            var reflection = data.reflection;
            if (reflection) {
                var mine = h("div", {"class": "foorumi-thread is-mine"});
                mine.appendChild(h("h5", {"class": "foorumi-thread-title"}, [
                    t("Your submitted reflection"),
                    reflection.edited ? h("span", {"class": "foorumi-edited", text: " " + t("(edited)")}) : null
                ]));
                if (reflection.hidden) {
                    mine.appendChild(h("p", {"class": "foorumi-moderated",
                        text: t("Hidden by a moderator. The others in your group cannot see it.")}));
                }
                mine.appendChild(view.answersBlock(data.prompts, reflection.answers || {}, "h6"));
                sec.appendChild(mine);
            }
            return sec;
        }

        // ---------------------------------------------- ground rules, "done" panel
        /**
         * The group stage's own parts from here, below its heading (foorumi_group.js): the
         * ground rules behind a button, and the "done" panel once the learner's part is done.
         */
        function groupItems(state) {
            var parts = [];
            if (state.agreement.items.length) {
                parts.push({key: "rules", build: buildRules, data: {
                    items: state.agreement.items, open: !!ui.rulesOpen,
                    accepted: !!(state.agreement.required && state.agreement.accepted)
                }});
            }
            if (state.progress.complete) {
                parts.push(doneItem(state));
            }
            return parts;
        }

        function buildRules(data) {
            var listId = P + "-rules-list";
            var wrap = h("div", {"class": "foorumi-rules-box"});
            wrap.appendChild(button(P + "-rules", t("Ground rules"), function () {
                ui.rulesOpen = !ui.rulesOpen;
                ui.focusAfter = P + "-rules";
                app.render();
            }, {cls: "foorumi-btn-quiet foorumi-rules-toggle", expanded: data.open, controls: listId}));
            var panel = h("div", {id: listId, "class": "foorumi-rules-panel", hidden: !data.open});
            if (data.accepted) {
                panel.appendChild(h("p", {"class": "foorumi-help", text: t("You accepted these ground rules before writing.")}));
            }
            var list = h("ul", {"class": "foorumi-rules"});
            data.items.forEach(function (item) {
                list.appendChild(h("li", {text: item}));
            });
            panel.appendChild(list);
            wrap.appendChild(panel);
            return wrap;
        }

        function doneItem(state) {
            return {key: "done", build: buildDone, data: {
                stage: state.stage, given: Number(state.progress.comments_given) || 0, scored: !!state.scored
            }};
        }

        /** The learner's part is done: said where it is seen, with what comes next. */
        function buildDone(data) {
            var sec = view.section("foorumi-done", P + "-done-h");
            sec.appendChild(h("h4", {"class": "foorumi-heading", id: P + "-done-h", text: t("Your part is done")}));
            sec.appendChild(h("p", {text: data.given ?
                fmt(ngettext("You have submitted your reflection and commented on %(count)s peer's reflection.",
                    "You have submitted your reflection and commented on %(count)s peers' reflections.", data.given),
                {count: data.given}) :
                t("You have submitted your reflection.")}));
            sec.appendChild(h("p", {text: data.stage === "group" ?
                t("What next: you can keep reading and commenting, and your group may still reply to you. New comments appear here by themselves.") :
                t("What next: when your group forms, you can read the others' reflections and comment on them if you like.")}));
            if (data.scored) {
                sec.appendChild(h("p", {"class": "foorumi-scored",
                    text: t("You have met every requirement, so your grade is full.")}));
            }
            return sec;
        }

        return {
            items: items,
            groupItems: groupItems,
            checkAnswer: checkAnswer,
            answerField: answerField,
            paintField: paintField
        };
    };
}(window));
