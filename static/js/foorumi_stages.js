/*
 * Foorumi's learner page, the stages before the group: ``window.Foorumi.stages(view, app,
 * words)`` gives the page's parts for loading, the learner's progress, the ground rules
 * (agreement), writing the reflection (reflect) and waiting for a group (pool), with what
 * their buttons do. The answer fields with their live word counts are shared with the
 * group's "Edit reflection" (foorumi_group.js).
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
                parts.push({key: "progress", data: state.progress, build: buildProgress});
            }
            switch (state.stage) {
            case "agreement":
                parts.push({key: "agreement", build: buildAgreement, data: {
                    items: state.agreement.items, busy: !!ui.busy.accept, err: app.errorOf("accept")
                }});
                break;
            case "reflect":
                parts.push({key: "reflect", data: {prompts: state.prompts}, build: buildReflect, update: updateReflect,
                    live: {
                        prompts: state.prompts, answers: ui.answers, touched: ui.touched, showAll: ui.showAllErrors,
                        busy: !!ui.busy.submit, err: app.errorOf("submit"), save: app.save.status,
                        saveError: ui.err.save ? ui.err.save.msg : ""
                    }});
                break;
            case "pool":
                parts.push({key: "pool", build: buildPool,
                    data: {pool: state.pool, reflection: state.reflection, prompts: state.prompts}});
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

        function buildProgress(p) {
            var params = {given: p.comments_given || 0, required: p.comments_required || 0};
            var comments = p.complete ?
                fmt(ngettext("%(given)s of %(required)s comment given \u2014 complete",
                    "%(given)s of %(required)s comments given \u2014 complete", params.required), params) :
                fmt(ngettext("%(given)s of %(required)s comment given",
                    "%(given)s of %(required)s comments given", params.required), params);
            return h("p", {"class": "foorumi-progress" + (p.complete ? " is-complete" : ""), id: P + "-progress"}, [
                h("span", {"class": "foorumi-progress-label", text: t("Your progress:")}),
                " ",
                t("Reflection submitted."),
                " ",
                h("span", {"class": "foorumi-progress-comments", text: comments})
            ]);
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

        /** Paint a field's text, word count and error; returns the check. */
        function paintField(fid, prompt, text, showError) {
            var c = checkAnswer(prompt, text);
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
        function buildReflect(data) {
            var sec = view.section("foorumi-reflect", STAGE_HEADING);
            sec.appendChild(view.stageHeading(t("Your reflection")));
            sec.appendChild(h("p", {"class": "foorumi-help",
                text: t("Answer each question in your own words. Your answers are saved as a draft while you write. When you submit, you join a small group and can read the reflections of the others.")}));
            data.prompts.forEach(function (p) {
                sec.appendChild(answerField(idOf("answer", p.id), p, function (prompt, ta) {
                    app.draftInput(prompt.id, ta.value);
                    app.render();
                }, function (prompt) {
                    app.draftBlur(prompt.id);
                    app.render();
                }));
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
            sec.appendChild(view.errorBox("submit", null, P + "-submit-err"));
            return sec;
        }

        function updateReflect(sec, live) {
            var bad = 0;
            live.prompts.forEach(function (p) {
                var fid = idOf("answer", p.id);
                var c = paintField(fid, p, live.answers[p.id] || "", live.showAll || live.touched[p.id]);
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
        function buildPool(data) {
            var sec = view.section("foorumi-pool", STAGE_HEADING);
            sec.appendChild(view.stageHeading(t("Waiting for your group")));
            var pool = data.pool;
            var where;
            var place = pool ? Number(pool.position || pool.waiting) || 0 : 0;
            if (pool && pool.needed && place && place < pool.needed) {
                where = fmt(ngettext("You are the %(ordinal)s of %(needed)s person needed to start a group.",
                    "You are the %(ordinal)s of %(needed)s people needed to start a group.", pool.needed),
                {ordinal: view.ordinal(place), needed: pool.needed});
            } else {
                where = t("Your group will be formed as soon as enough people have submitted.");
            }
            sec.appendChild(h("p", {"class": "foorumi-lead"}, [where, " ", t("The page updates by itself.")]));
            if (pool && pool.timeout_hours) {
                sec.appendChild(h("p", {"class": "foorumi-help", text: fmt(ngettext(
                    "Nobody waits for long: within %(hours)s hour you will be placed in a group even if fewer people arrive.",
                    "Nobody waits for long: within %(hours)s hours you will be placed in a group even if fewer people arrive.",
                    pool.timeout_hours), {hours: pool.timeout_hours})}));
            }
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

        return {
            items: items,
            checkAnswer: checkAnswer,
            answerField: answerField,
            paintField: paintField
        };
    };
}(window));
