/*
 * Foorumi's Studio editor, the form: ``window.Foorumi.studioForm(ed, fields, parts)`` (``ed``
 * the editor's shared context, foorumi_studio.js; ``fields`` foorumi_studio_fields.js;
 * ``parts`` foorumi_studio_lists.js) builds every setting as a labelled control, in
 * sections (general, reflection prompts, ground rules, groups and feedback, grading), says
 * what a change means once learners have submitted, and collects the values to save.
 *
 * Authored text is only ever inserted with textContent / text nodes / control values.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.studioForm = function (ed, fields, parts) {
        var t = ed.t;
        var ngettext = ed.ngettext;
        var fmt = ed.fmt;
        var h = ed.h;
        var limits = ed.limits;
        var promptLimits = limits.prompts || {};
        var ruleLimits = limits.agreement_items || {};
        var MAX_PROMPTS = ed.positive(promptLimits.max_count, 10);
        var MAX_RULES = ed.positive(ruleLimits.max_count, 20);
        var asText = fields.asText;
        var numberValue = fields.numberValue;
        var section = fields.section;
        var field = fields.field;
        var checkboxField = fields.checkboxField;
        var textInput = fields.textInput;
        var textArea = fields.textArea;
        var numberInput = fields.numberInput;
        var identitySelect = fields.identitySelect;

        /** Build every control from ``values`` (the settings), replacing what was there. */
        function build(values) {
            var lists = ed.lists = {};
            ed.controls = {};
            ed.fieldsBox.textContent = "";
            var v = values;

            lists.prompts = new parts.ListEditor({
                name: "prompts",
                title: t("Reflection prompts"),
                max: MAX_PROMPTS,
                helpTexts: [
                    ["text", fmt(ngettext("Learners answer each prompt in a text box of its own. From %(min)s to %(max)s prompt.",
                        "Learners answer each prompt in a text box of its own. From %(min)s to %(max)s prompts.", MAX_PROMPTS),
                    {min: promptLimits.min_count || 1, max: MAX_PROMPTS})],
                    ["id", t("The id names the prompt's answers: lowercase letters a-z, digits, '-' and '_'. Do not change it once learners have started writing.")],
                    ["words", t("Learners see their word count as they type. A minimum of 0 sets no word minimum, but an answer is still required.")]
                ],
                words: {
                    legend: t("Prompt %(number)s"), added: t("Prompt %(number)s added."), removed: t("Prompt %(number)s removed."),
                    moved: t("Prompt moved to position %(number)s."), empty: t("No prompts yet."), add: t("Add prompt"),
                    full: fmt(ngettext("There can be at most %(max)s prompt.", "There can be at most %(max)s prompts.", MAX_PROMPTS),
                        {max: MAX_PROMPTS})
                },
                items: (Array.isArray(v.prompts) ? v.prompts : []).map(parts.promptItem),
                create: function (items) {
                    return {id: parts.suggestPromptId(items), text: "", min_words: 0, max_words: 500};
                },
                fields: parts.promptFields,
                changed: ed.changed,
                read: function (item) {
                    return {
                        id: asText(item.id).trim(), text: asText(item.text),
                        min_words: numberValue(item.min_words), max_words: numberValue(item.max_words)
                    };
                }
            });

            lists.agreement_items = new parts.ListEditor({
                name: "agreement_items",
                title: t("Ground rules"),
                max: MAX_RULES,
                before: [checkboxField("agreement_required", t("Learners must accept the ground rules before writing"),
                    t("The ground rules are shown to learners before they write; when acceptance is required, they accept them first."),
                    v.agreement_required)],
                helpTexts: [["text", fmt(ngettext("At most %(max)s ground rule, each at most %(chars)s characters.",
                    "At most %(max)s ground rules, each at most %(chars)s characters.", MAX_RULES),
                {max: MAX_RULES, chars: ruleLimits.item_max_length || 500})]],
                words: {
                    legend: t("Ground rule %(number)s"), added: t("Ground rule %(number)s added."),
                    removed: t("Ground rule %(number)s removed."), moved: t("Ground rule moved to position %(number)s."),
                    empty: t("No ground rules yet."), add: t("Add ground rule"),
                    full: fmt(ngettext("There can be at most %(max)s ground rule.", "There can be at most %(max)s ground rules.",
                        MAX_RULES), {max: MAX_RULES})
                },
                items: (Array.isArray(v.agreement_items) ? v.agreement_items : []).map(function (text) {
                    return {text: asText(text)};
                }),
                create: function () {
                    return {text: ""};
                },
                fields: parts.ruleFields,
                changed: ed.changed,
                read: function (item) {
                    return asText(item.text);
                }
            });

            var general = section(t("General"), [
                field("display_name", t("Display name"), t("The name learners see for this forum."), textInput(v.display_name)),
                field("intro", t("Introduction"), t("Shown to learners above the forum."), textArea(v.intro, 4), "foorumi-studio-wide"),
                field("identity", t("Identity"), t("What group members see of each other: their names, or stable pseudonyms such as “Participant 3”."),
                    identitySelect(v.identity))
            ]);

            var groups = section(t("Groups and feedback"), [
                h("p", {"class": "foorumi-studio-help", text: t("Groups form from learners who have submitted their reflection.")}),
                h("div", {"class": "foorumi-studio-row"}, [
                    field("group_size", t("Group size"), t("Groups fill up to this size. Between the smallest and the largest group."),
                        numberInput(v.group_size, limits.group_size)),
                    field("min_group_size", t("Smallest group"), t("A new group forms as soon as this many learners wait for one."),
                        numberInput(v.min_group_size, limits.min_group_size)),
                    field("max_group_size", t("Largest group"), t("Learners who come late may join a group up to this size."),
                        numberInput(v.max_group_size, limits.max_group_size))
                ]),
                h("div", {"class": "foorumi-studio-row"}, [
                    field("comments_required", t("Comments required"), t("How many peers' reflections each learner comments on. At most the smallest group minus one."),
                        numberInput(v.comments_required, limits.comments_required)),
                    field("pool_timeout_hours", t("Longest wait for a group (hours)"), t("After this, waiting learners join existing groups or form one of their own."),
                        numberInput(v.pool_timeout_hours, limits.pool_timeout_hours)),
                    field("feedback_min_words", t("Words a comment needs to count"),
                        t("A comment on a peer's reflection counts toward the comments required only with at least this many words (0: any comment counts)."),
                        numberInput(v.feedback_min_words, limits.feedback_min_words))
                ]),
                field("group_set", t("Group set"),
                    t("Forums of this course with the same group set keep the same small groups from session to session: a learner grouped in an earlier forum of the set goes straight to their group. Leave empty for groups of this forum's own. Lowercase letters, digits, - and _; it cannot be changed once learners have submitted."),
                    textInput(v.group_set, {maxlength: String(limits.group_set.max_length), spellcheck: "false", autocomplete: "off"})),
                checkboxField("newcomers_see_earlier", t("Newcomers may read earlier sessions"),
                    t("Whether a learner new to a group may read what the group wrote in its earlier sessions. Off by default: the ground rules promised confidentiality to the group as it was."),
                    v.newcomers_see_earlier)
            ]);

            var grading = section(t("Grading"), [
                checkboxField("scored", t("Scored"), t("The grade is the share of the requirements met: the reflection and the required comments."), v.scored),
                field("weight", t("Problem weight"), t("How much the forum counts when it is scored."),
                    numberInput(v.weight, limits.weight, "any"))
            ]);

            var live = liveNotice();
            [live, general, lists.prompts.node, lists.agreement_items.node, groups, grading].forEach(function (node) {
                if (node) {
                    ed.fieldsBox.appendChild(node);
                }
            });
        }

        // A forum where learners have already submitted: say what a change means for them.
        function liveNotice() {
            var submitted = Number(ed.live.submitted) || 0;
            if (!submitted) {
                return null;
            }
            return h("div", {"class": "foorumi-studio-live", role: "note"}, [
                h("p", {"class": "foorumi-studio-live-title", text: fmt(t("This forum is live. Reflections submitted: %(count)s."), {count: submitted})}),
                h("ul", {}, [
                    h("li", {text: t("Changed prompts: those who submitted keep their reflection as it is; a new prompt is optional for them when they edit, and required of everyone who has not submitted yet.")}),
                    h("li", {text: t("Changed group sizes: groups already formed stay as they are; the new sizes apply to learners placed from now on.")}),
                    h("li", {text: t("Pseudonyms cannot be switched to names any more: that would reveal who wrote what.")}),
                    h("li", {text: t("The group set cannot be changed any more: learners are already in its groups.")})
                ])
            ]);
        }

        /** The settings as the controls hold them now (``{"values": ...}`` of ``studio_submit``). */
        function collect() {
            var controls = ed.controls;
            var lists = ed.lists;
            return {
                display_name: controls.display_name.value,
                intro: controls.intro.value,
                agreement_required: controls.agreement_required.checked,
                agreement_items: lists.agreement_items.values(),
                prompts: lists.prompts.values(),
                group_size: numberValue(controls.group_size.value),
                min_group_size: numberValue(controls.min_group_size.value),
                max_group_size: numberValue(controls.max_group_size.value),
                comments_required: numberValue(controls.comments_required.value),
                pool_timeout_hours: numberValue(controls.pool_timeout_hours.value),
                feedback_min_words: numberValue(controls.feedback_min_words.value),
                identity: controls.identity.value,
                group_set: controls.group_set.value.trim(),
                newcomers_see_earlier: controls.newcomers_see_earlier.checked,
                scored: controls.scored.checked,
                weight: numberValue(controls.weight.value)
            };
        }

        return {build: build, collect: collect};
    };
}(window));
