/*
 * Foorumi: the Studio editor of one forum.
 *
 * One vanilla-JS module, no framework and no libraries. The block passes ``init``:
 *   {values: {display_name, intro, agreement_required, agreement_items: [str],
 *             prompts: [{id, text, min_words, max_words}], group_size, min_group_size,
 *             max_group_size, comments_required, pool_timeout_hours, identity, scored,
 *             weight},
 *    limits: forum/config.py LIMITS, i18n: {english: translated},
 *    problems: [{field, index, message}]}
 *
 * Every setting is a labelled control; prompts and ground rules are keyed lists that can
 * be added to, removed from and reordered with real buttons (focus follows the moved
 * item, changes are announced in a live region). Save POSTs ``{"values": {...}}`` to the
 * ``studio_submit`` handler; the server is the authority on every rule, and each problem
 * it reports is shown next to its field (or list item) and in a summary at the top.
 *
 * Authored text is only ever inserted with textContent / text nodes / control values.
 */
/* exported FoorumiStudio */
function FoorumiStudio(runtime, element, init) {
    "use strict";

    if (element && element.jquery) {
        element = element[0];
    }
    init = init || {};
    if (typeof init.json === "string") {
        // Init data arrives as one JSON string with <, > and & escaped (see block.safe_json).
        init = JSON.parse(init.json);
    }

    var strings = init.i18n || {};
    var limits = init.limits || {};
    var promptLimits = limits.prompts || {};
    var ruleLimits = limits.agreement_items || {};
    var MAX_PROMPTS = positive(promptLimits.max_count, 10);
    var MAX_RULES = positive(ruleLimits.max_count, 20);
    var PROMPT_ID_RE = /^[a-z0-9][a-z0-9_-]*$/;

    FoorumiStudio.instances = (FoorumiStudio.instances || 0) + 1;
    var P = "foorumi-studio" + FoorumiStudio.instances + "-" + Math.random().toString(36).slice(2, 7);

    var root = element.querySelector(".foorumi-studio") || element;
    var form = root.querySelector(".foorumi-studio-form");
    var fieldsBox = root.querySelector(".foorumi-studio-fields");
    var summary = root.querySelector(".foorumi-studio-summary");
    var statusBox = root.querySelector(".foorumi-studio-status");
    var live = root.querySelector(".foorumi-studio-live");
    var saveButton = root.querySelector(".save-button");
    var cancelButton = root.querySelector(".cancel-button");

    var controls = {};     // field name -> its control (input, textarea or select)
    var lists = {};        // "prompts" / "agreement_items" -> list editor
    var problems = [];     // [{field, key (list item key or null), message, subfield}]
    var saving = false;
    var keySeq = 0;
    var lastSaved = copyValues(init.values || {});

    // ------------------------------------------------------------------ helpers
    function positive(value, fallback) {
        return typeof value === "number" && value > 0 ? value : fallback;
    }

    function t(text) {
        return Object.prototype.hasOwnProperty.call(strings, text) && strings[text] ? strings[text] : text;
    }

    /** Fill the ``%(name)s`` placeholders of a template (translated with ``t`` first). */
    function fmt(template, params) {
        return template.replace(/%\((\w+)\)s/g, function (match, name) {
            return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match;
        });
    }

    function h(tag, attrs, children) {
        var node = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (name) {
            var value = attrs[name];
            if (value === null || value === undefined || value === false) {
                return;
            }
            if (name === "text") {
                node.textContent = value;
            } else if (name.slice(0, 2) === "on") {
                node.addEventListener(name.slice(2), value);
            } else if (name === "checked") {
                node.checked = true;
            } else {
                node.setAttribute(name, value === true ? "" : String(value));
            }
        });
        (children || []).forEach(function (child) {
            if (child !== null && child !== undefined && child !== false) {
                node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
            }
        });
        return node;
    }

    function copyValues(values) {
        return JSON.parse(JSON.stringify(values || {}));
    }

    function asText(value) {
        return value === null || value === undefined ? "" : String(value);
    }

    /** A number control's value: a number, null when empty, or the raw text (the server says why). */
    function numberValue(raw) {
        var text = asText(raw).trim();
        if (text === "") {
            return null;
        }
        var number = Number(text);
        return isFinite(number) ? number : text;
    }

    function isWhole(value) {
        return typeof value === "number" && Math.floor(value) === value;
    }

    function announce(message) {
        if (!live) {
            return;
        }
        live.textContent = "";
        window.setTimeout(function () {
            live.textContent = message;
        }, 50);
    }

    function setStatus(message) {
        if (statusBox) {
            statusBox.textContent = message || "";
        }
    }

    function notify(name, data) {
        if (runtime && typeof runtime.notify === "function") {
            runtime.notify(name, data);
        }
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

    // ---------------------------------------------------------------- controls
    /** Remember a control's own description (help text), to which error ids are added. */
    function describe(control, helpIds) {
        var ids = (helpIds || []).filter(Boolean).join(" ");
        control.setAttribute("data-help-ids", ids);
        if (ids) {
            control.setAttribute("aria-describedby", ids);
        } else {
            control.removeAttribute("aria-describedby");
        }
    }

    function help(id, text) {
        return h("p", {"class": "foorumi-studio-help", id: id, text: text});
    }

    /** A labelled control for one scalar field, with help text below it. */
    function field(name, label, helpText, control, extraClass) {
        var id = P + "-" + name;
        var helpId = helpText ? id + "-help" : null;
        control.id = id;
        control.name = name;
        control.setAttribute("data-field", name);
        describe(control, [helpId]);
        controls[name] = control;
        return h("div", {"class": "foorumi-studio-field" + (extraClass ? " " + extraClass : ""), "data-field": name}, [
            h("label", {"for": id, "class": "foorumi-studio-label", text: label}),
            control,
            helpText ? help(helpId, helpText) : null
        ]);
    }

    function checkboxField(name, label, helpText, checked) {
        var id = P + "-" + name;
        var helpId = helpText ? id + "-help" : null;
        var control = h("input", {type: "checkbox", id: id, name: name, "data-field": name, checked: checked === true});
        describe(control, [helpId]);
        controls[name] = control;
        return h("div", {"class": "foorumi-studio-field foorumi-studio-check", "data-field": name}, [
            h("div", {"class": "foorumi-studio-check-row"}, [
                control,
                h("label", {"for": id, "class": "foorumi-studio-label", text: label})
            ]),
            helpText ? help(helpId, helpText) : null
        ]);
    }

    function textInput(value, attrs) {
        var input = h("input", Object.assign({type: "text"}, attrs || {}));
        input.value = asText(value);
        return input;
    }

    function textArea(value, rows) {
        var area = h("textarea", {rows: rows || 3});
        area.value = asText(value);
        return area;
    }

    /** A whole-number (or, with step "any", decimal) control within ``bounds``. */
    function numberInput(value, bounds, step) {
        bounds = bounds || {};
        var input = h("input", {
            type: "number", inputmode: step === "any" ? "decimal" : "numeric",
            min: bounds.min, max: bounds.max, step: step || 1
        });
        input.value = typeof value === "number" ? String(value) : asText(value);
        return input;
    }

    function identitySelect(value) {
        var select = h("select", {}, [
            h("option", {value: "named", text: t("Names")}),
            h("option", {value: "pseudonymous", text: t("Pseudonyms")})
        ]);
        if (value !== "named" && value !== "pseudonymous") {
            // An invalid stored value stays visible (and reported) instead of silently changing.
            select.appendChild(h("option", {value: asText(value), text: fmt(t("Unknown value: %(value)s"), {value: asText(value)})}));
        }
        select.value = asText(value);
        return select;
    }

    function section(title, children) {
        var headingId = P + "-section-" + (++keySeq);
        return h("section", {"class": "foorumi-studio-section", "aria-labelledby": headingId},
            [h("h3", {id: headingId, "class": "foorumi-studio-section-title", text: title})].concat(children));
    }

    // ------------------------------------------------------------- list editor
    /**
     * An editable, reorderable list of items (prompts or ground rules).
     * ``spec``: name, title, helpTexts [[id suffix, text]], max, words {legend, added,
     * removed, moved, empty, add, full}, items (initial data), create(items) -> new item,
     * fields(item, base, number) -> nodes (controls carry data-part), read(item) -> value.
     */
    function ListEditor(spec) {
        var self = this;
        var base = P + "-" + spec.name;
        var headingId = base + "-title";
        var helpIds = [];
        var helpNodes = (spec.helpTexts || []).map(function (pair) {
            var id = base + "-help-" + pair[0];
            helpIds.push(id);
            return help(id, pair[1]);
        });

        self.spec = spec;
        self.name = spec.name;
        self.base = base;
        self.items = spec.items.map(function (item) {
            item.key = "k" + (++keySeq);
            return item;
        });
        self.list = h("ol", {"class": "foorumi-studio-items", "aria-labelledby": headingId});
        self.empty = h("p", {"class": "foorumi-studio-empty", text: spec.words.empty});
        self.full = h("p", {"class": "foorumi-studio-help foorumi-studio-full", id: base + "-full", text: spec.words.full});
        self.addButton = h("button", {
            type: "button", "class": "foorumi-studio-button foorumi-studio-add",
            onclick: function () { self.add(); }
        }, [spec.words.add]);
        self.node = h("section", {"class": "foorumi-studio-section foorumi-studio-list", "data-field": spec.name,
            "aria-labelledby": headingId}, [
            h("h3", {id: headingId, "class": "foorumi-studio-section-title", tabindex: "-1", text: spec.title})
        ].concat(spec.before || [], helpNodes, [self.list, self.empty, h("div", {"class": "foorumi-studio-list-actions"},
            [self.addButton, self.full])]));
        self.heading = self.node.querySelector("h3");
        self.helpIds = helpIds;
        self.render();
    }

    ListEditor.prototype.render = function () {
        var self = this;
        var spec = self.spec;
        var count = self.items.length;
        self.list.textContent = "";
        self.items.forEach(function (item, index) {
            var number = index + 1;
            var itemBase = self.base + "-" + item.key;
            var legend = fmt(spec.words.legend, {number: number});
            var fieldset = h("fieldset", {"class": "foorumi-studio-item", tabindex: "-1"}, [
                h("legend", {"class": "foorumi-studio-item-title", text: legend})
            ].concat(spec.fields(item, itemBase, number, self.helpIds), [
                h("div", {"class": "foorumi-studio-item-actions"}, [
                    self.button(t("Move up"), "up", item, index === 0),
                    self.button(t("Move down"), "down", item, index === count - 1),
                    self.button(t("Remove"), "remove", item, false)
                ])
            ]));
            self.list.appendChild(h("li", {"data-key": item.key}, [fieldset]));
        });
        self.empty.hidden = count > 0;
        var full = count >= spec.max;
        self.addButton.disabled = full;
        self.full.hidden = !full;
        describe(self.addButton, full ? [self.full.id] : []);
    };

    ListEditor.prototype.button = function (label, action, item, disabled) {
        var self = this;
        return h("button", {
            type: "button", "class": "foorumi-studio-button foorumi-studio-" + action, "data-action": action,
            disabled: disabled,
            onclick: function () {
                if (action === "remove") {
                    self.remove(item.key);
                } else {
                    self.move(item.key, action === "up" ? -1 : 1);
                }
            }
        }, [label]);
    };

    ListEditor.prototype.indexOf = function (key) {
        for (var i = 0; i < this.items.length; i++) {
            if (this.items[i].key === key) {
                return i;
            }
        }
        return -1;
    };

    ListEditor.prototype.itemNode = function (key) {
        return this.list.querySelector('li[data-key="' + key + '"]');
    };

    ListEditor.prototype.refresh = function () {
        this.render();
        renderProblems();
    };

    ListEditor.prototype.add = function () {
        if (this.items.length >= this.spec.max) {
            return;
        }
        var item = this.spec.create(this.items);
        item.key = "k" + (++keySeq);
        this.items.push(item);
        this.refresh();
        var node = this.itemNode(item.key);
        var first = node && node.querySelector("[data-first]");
        if (first) {
            first.focus();
        }
        announce(fmt(this.spec.words.added, {number: this.items.length}));
    };

    ListEditor.prototype.remove = function (key) {
        var index = this.indexOf(key);
        if (index < 0) {
            return;
        }
        this.items.splice(index, 1);
        this.refresh();
        // Focus the item that took its place, else the one before it, else the Add button.
        var next = this.items[Math.min(index, this.items.length - 1)];
        var target = next ? this.itemNode(next.key).querySelector("fieldset") : null;
        if (!target) {
            target = this.addButton.disabled ? this.heading : this.addButton;
        }
        target.focus();
        announce(fmt(this.spec.words.removed, {number: index + 1}));
    };

    ListEditor.prototype.move = function (key, step) {
        var index = this.indexOf(key);
        var to = index + step;
        if (index < 0 || to < 0 || to >= this.items.length) {
            return;
        }
        var item = this.items.splice(index, 1)[0];
        this.items.splice(to, 0, item);
        this.refresh();
        // Focus follows the moved item: the same button while it can still move that way.
        var node = this.itemNode(key);
        var same = node.querySelector('[data-action="' + (step < 0 ? "up" : "down") + '"]');
        var other = node.querySelector('[data-action="' + (step < 0 ? "down" : "up") + '"]');
        (!same.disabled ? same : !other.disabled ? other : node.querySelector("fieldset")).focus();
        announce(fmt(this.spec.words.moved, {number: to + 1}));
    };

    ListEditor.prototype.values = function () {
        var spec = this.spec;
        return this.items.map(function (item) {
            return spec.read(item);
        });
    };

    /** Bind a control to ``item[part]`` (kept as typed; converted when saving). */
    function bind(control, item, part) {
        control.setAttribute("data-part", part);
        control.addEventListener("input", function () {
            item[part] = control.value;
        });
        return control;
    }

    function itemControl(label, id, control, helpIds, extraClass) {
        control.id = id;
        describe(control, helpIds);
        return h("div", {"class": "foorumi-studio-field" + (extraClass ? " " + extraClass : "")}, [
            h("label", {"for": id, "class": "foorumi-studio-label", text: label}),
            control
        ]);
    }

    function promptFields(item, base, number, helpIds) {
        var idInput = bind(textInput(item.id, {autocomplete: "off", spellcheck: "false", "class": "foorumi-studio-id"}), item, "id");
        var text = bind(textArea(item.text, 3), item, "text");
        text.setAttribute("data-first", "");
        var words = promptLimits.max_words || 5000;
        var minWords = bind(numberInput(item.min_words, {min: 0, max: words}), item, "min_words");
        var maxWords = bind(numberInput(item.max_words, {min: 1, max: words}), item, "max_words");
        return [
            itemControl(t("Text"), base + "-text", text, [helpIds[0]], "foorumi-studio-wide"),
            h("div", {"class": "foorumi-studio-row"}, [
                itemControl(t("Id"), base + "-id", idInput, [helpIds[1]]),
                itemControl(t("Minimum words"), base + "-min", minWords, [helpIds[2]]),
                itemControl(t("Maximum words"), base + "-max", maxWords, [helpIds[2]])
            ])
        ];
    }

    function ruleFields(item, base, number, helpIds) {
        var text = bind(textArea(item.text, 2), item, "text");
        text.setAttribute("data-first", "");
        return [itemControl(t("Text"), base + "-text", text, helpIds, "foorumi-studio-wide")];
    }

    /** ``prompt-N``: the first free id from the next position on. */
    function suggestPromptId(items) {
        var used = {};
        items.forEach(function (item) {
            used[asText(item.id).trim()] = true;
        });
        var n = items.length + 1;
        while (used["prompt-" + n]) {
            n += 1;
        }
        return "prompt-" + n;
    }

    function promptItem(prompt) {
        var p = prompt && typeof prompt === "object" ? prompt : {};
        return {
            id: asText(p.id),
            text: asText(p.text),
            min_words: p.min_words === undefined ? 0 : p.min_words,
            max_words: p.max_words === undefined ? 500 : p.max_words
        };
    }

    // -------------------------------------------------------------------- build
    function build(values) {
        controls = {};
        lists = {};
        fieldsBox.textContent = "";
        var v = values;

        lists.prompts = new ListEditor({
            name: "prompts",
            title: t("Reflection prompts"),
            max: MAX_PROMPTS,
            helpTexts: [
                ["text", fmt(t("Learners answer each prompt in a text box of its own. From %(min)s to %(max)s prompts."),
                    {min: promptLimits.min_count || 1, max: MAX_PROMPTS})],
                ["id", t("The id names the prompt's answers: lowercase letters a-z, digits, '-' and '_'. Do not change it once learners have started writing.")],
                ["words", t("Learners see their word count as they type; a minimum of 0 means none.")]
            ],
            words: {
                legend: t("Prompt %(number)s"), added: t("Prompt %(number)s added."), removed: t("Prompt %(number)s removed."),
                moved: t("Prompt moved to position %(number)s."), empty: t("No prompts yet."), add: t("Add prompt"),
                full: fmt(t("There can be at most %(max)s prompts."), {max: MAX_PROMPTS})
            },
            items: (Array.isArray(v.prompts) ? v.prompts : []).map(promptItem),
            create: function (items) {
                return {id: suggestPromptId(items), text: "", min_words: 0, max_words: 500};
            },
            fields: promptFields,
            read: function (item) {
                return {
                    id: asText(item.id).trim(), text: asText(item.text),
                    min_words: numberValue(item.min_words), max_words: numberValue(item.max_words)
                };
            }
        });

        lists.agreement_items = new ListEditor({
            name: "agreement_items",
            title: t("Ground rules"),
            max: MAX_RULES,
            before: [checkboxField("agreement_required", t("Learners must accept the ground rules before writing"),
                t("The ground rules are shown to learners before they write; when acceptance is required, they accept them first."),
                v.agreement_required)],
            helpTexts: [["text", fmt(t("At most %(max)s ground rules, each at most %(chars)s characters."),
                {max: MAX_RULES, chars: ruleLimits.item_max_length || 500})]],
            words: {
                legend: t("Ground rule %(number)s"), added: t("Ground rule %(number)s added."),
                removed: t("Ground rule %(number)s removed."), moved: t("Ground rule moved to position %(number)s."),
                empty: t("No ground rules yet."), add: t("Add ground rule"),
                full: fmt(t("There can be at most %(max)s ground rules."), {max: MAX_RULES})
            },
            items: (Array.isArray(v.agreement_items) ? v.agreement_items : []).map(function (text) {
                return {text: asText(text)};
            }),
            create: function () {
                return {text: ""};
            },
            fields: ruleFields,
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
                    numberInput(v.pool_timeout_hours, limits.pool_timeout_hours))
            ])
        ]);

        var grading = section(t("Grading"), [
            checkboxField("scored", t("Scored"), t("The grade is the share of the requirements met: the reflection and the required comments."), v.scored),
            field("weight", t("Problem weight"), t("How much the forum counts when it is scored."),
                numberInput(v.weight, limits.weight, "any"))
        ]);

        var live = liveNotice();
        [live, general, lists.prompts.node, lists.agreement_items.node, groups, grading].forEach(function (node) {
            if (node) {
                fieldsBox.appendChild(node);
            }
        });
    }

    // A forum where learners have already submitted: say what a change means for them.
    function liveNotice() {
        var submitted = Number((init.live || {}).submitted) || 0;
        if (!submitted) {
            return null;
        }
        return h("div", {"class": "foorumi-studio-live", role: "note"}, [
            h("p", {"class": "foorumi-studio-live-title", text: fmt(t("This forum is live. Reflections submitted: %(count)s."), {count: submitted})}),
            h("ul", {}, [
                h("li", {text: t("Changed prompts: those who submitted keep their reflection as it is; a new prompt is optional for them when they edit, and required of everyone who has not submitted yet.")}),
                h("li", {text: t("Changed group sizes: groups already formed stay as they are; the new sizes apply to learners placed from now on.")}),
                h("li", {text: t("Pseudonyms cannot be switched to names any more: that would reveal who wrote what.")})
            ])
        ]);
    }

    function collect() {
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
            identity: controls.identity.value,
            scored: controls.scored.checked,
            weight: numberValue(controls.weight.value)
        };
    }

    // ----------------------------------------------------------------- problems
    /** Problems from the server, list items tied to their item's key so they follow it. */
    function setProblems(list) {
        problems = (Array.isArray(list) ? list : []).map(function (problem) {
            var editor = lists[problem.field];
            var key = null;
            if (editor && typeof problem.index === "number" && editor.items[problem.index]) {
                key = editor.items[problem.index].key;
            }
            return {field: asText(problem.field), key: key, message: asText(problem.message), subfield: problem.subfield || null};
        });
    }

    /** Which parts of a prompt look wrong (only to choose where aria-invalid goes). */
    function promptSuspects(editor, item) {
        var bad = [];
        var id = asText(item.id).trim();
        var duplicate = editor.items.some(function (other) {
            return other !== item && asText(other.id).trim() === id && editor.indexOf(other.key) < editor.indexOf(item.key);
        });
        if (!PROMPT_ID_RE.test(id) || id.length > (promptLimits.id_max_length || 40) || duplicate) {
            bad.push("id");
        }
        var text = asText(item.text);
        if (!text.trim() || text.length > (promptLimits.text_max_length || 2000)) {
            bad.push("text");
        }
        var low = numberValue(item.min_words);
        var high = numberValue(item.max_words);
        if (!isWhole(high) || high < 1 || high > (promptLimits.max_words || 5000)) {
            bad.push("max_words");
        }
        if (!isWhole(low) || low < 0 || (isWhole(high) && low > high)) {
            bad.push("min_words");
        }
        return bad;
    }

    function errorNode(id, message) {
        return h("p", {"class": "foorumi-studio-error", id: id}, [
            h("span", {"class": "foorumi-studio-sr", text: t("Error:") + " "}), message
        ]);
    }

    /** Describe ``control`` by error ``id`` too: its errors first (in order), then its help. */
    /** Put an error message after ``anchor`` (and after the errors already there). */
    function insertError(anchor, node) {
        var after = anchor;
        while (after.nextElementSibling && after.nextElementSibling.classList.contains("foorumi-studio-error")) {
            after = after.nextElementSibling;
        }
        after.parentNode.insertBefore(node, after.nextSibling);
    }

    function addDescription(control, id) {
        var helpIds = (control.getAttribute("data-help-ids") || "").split(" ").filter(Boolean);
        var errors = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (other) {
            return other && helpIds.indexOf(other) < 0;
        });
        control.setAttribute("aria-describedby", errors.concat([id], helpIds).join(" "));
    }

    function clearMarks() {
        Array.prototype.forEach.call(root.querySelectorAll(".foorumi-studio-error"), function (node) {
            node.parentNode.removeChild(node);
        });
        Array.prototype.forEach.call(root.querySelectorAll("[data-help-ids]"), function (control) {
            control.removeAttribute("aria-invalid");
            var ids = control.getAttribute("data-help-ids");
            if (ids) {
                control.setAttribute("aria-describedby", ids);
            } else {
                control.removeAttribute("aria-describedby");
            }
        });
        Array.prototype.forEach.call(root.querySelectorAll(".is-invalid"), function (node) {
            node.classList.remove("is-invalid");
        });
    }

    /** Mark every problem next to its field; returns the control to link to for each. */
    function renderProblems() {
        clearMarks();
        return problems.map(function (problem, n) {
            var id = P + "-error-" + n;
            var editor = lists[problem.field];
            var control = controls[problem.field];
            if (editor && problem.key) {
                var li = editor.itemNode(problem.key);
                if (!li) {
                    return null;
                }
                var fieldset = li.querySelector("fieldset");
                var parts = Array.prototype.slice.call(fieldset.querySelectorAll("[data-part]"));
                var item = editor.items[editor.indexOf(problem.key)];
                var suspects = problem.subfield ? [problem.subfield]
                    : editor.name === "prompts" ? promptSuspects(editor, item) : ["text"];
                var invalid = parts.filter(function (part) {
                    return suspects.indexOf(part.getAttribute("data-part")) >= 0;
                });
                if (!invalid.length) {
                    invalid = parts;
                }
                fieldset.classList.add("is-invalid");
                insertError(fieldset.querySelector("legend"), errorNode(id, problem.message));
                parts.forEach(function (part) {
                    addDescription(part, id);
                });
                invalid.forEach(function (part) {
                    part.setAttribute("aria-invalid", "true");
                });
                return invalid[0];
            }
            if (editor) {
                // The list as a whole (e.g. too many, or none).
                var heading = editor.heading;
                editor.node.classList.add("is-invalid");
                insertError(heading, errorNode(id, problem.message));
                addDescription(editor.addButton, id);
                var first = editor.list.querySelector("[data-part]");
                return first || (editor.addButton.disabled ? heading : editor.addButton);
            }
            if (control) {
                var wrap = control.closest(".foorumi-studio-field");
                wrap.classList.add("is-invalid");
                // After the control, so that the controls of a row stay aligned.
                insertError(wrap.querySelector(".foorumi-studio-check-row") || control, errorNode(id, problem.message));
                control.setAttribute("aria-invalid", "true");
                addDescription(control, id);
                return control;
            }
            return null;
        });
    }

    /** The summary at the top: a heading and one link per problem (to its control). */
    function showSummary(heading, targets, focus) {
        summary.textContent = "";
        summary.appendChild(h("p", {"class": "foorumi-studio-summary-title", text: heading}));
        if (problems.length) {
            var list = h("ul", {"class": "foorumi-studio-summary-list"});
            // In the order of the form (the server lists them in field order).
            var order = problems.map(function (problem, n) {
                return n;
            }).sort(function (a, b) {
                var x = targets[a];
                var y = targets[b];
                if (!x || !y || x === y) {
                    return (x ? 0 : 1) - (y ? 0 : 1) || a - b;
                }
                return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
            });
            order.forEach(function (n) {
                var problem = problems[n];
                var target = targets[n];
                var item;
                if (target && target.id) {
                    // Looked up when followed: list items are rebuilt when they are moved.
                    item = h("a", {href: "#" + target.id, onclick: function (event) {
                        var current = root.querySelector('[id="' + target.id + '"]');
                        event.preventDefault();
                        if (current) {
                            current.focus();
                        }
                    }}, [problem.message]);
                } else {
                    item = document.createTextNode(problem.message);
                }
                list.appendChild(h("li", {}, [item]));
            });
            summary.appendChild(list);
        }
        summary.hidden = false;
        if (focus) {
            summary.focus();
        }
    }

    function hideSummary() {
        summary.hidden = true;
        summary.textContent = "";
    }

    // --------------------------------------------------------------------- save
    function saved(data) {
        problems = [];
        clearMarks();
        hideSummary();
        lastSaved = copyValues(data && data.values ? data.values : collect());
        var title = root.querySelector(".foorumi-studio-title");
        if (title && typeof lastSaved.display_name === "string") {
            title.textContent = lastSaved.display_name;
        }
        setStatus(t("Saved."));
        notify("save", {state: "end"});
    }

    function failed(status, data) {
        var message;
        if (status === 400 && data && Array.isArray(data.problems) && data.problems.length) {
            setProblems(data.problems);
            message = asText(data.error) || t("The forum was not saved: please correct the marked fields.");
        } else {
            problems = [];
            if (data && data.error) {
                message = asText(data.error);
            } else if (status) {
                message = fmt(t("The forum was not saved (error %(status)s). Please try again."), {status: status});
            } else {
                message = t("The forum was not saved: the server could not be reached. Please try again.");
            }
        }
        setStatus("");
        showSummary(message, renderProblems(), true);
        notify("error", {title: t("The forum was not saved."), message: message});
    }

    function save(event) {
        if (event) {
            event.preventDefault();
        }
        if (saving) {
            return;
        }
        saving = true;
        saveButton.setAttribute("aria-disabled", "true");
        setStatus(t("Saving…"));
        var values = collect();
        notify("save", {state: "start", message: t("Saving…")});
        var done = function () {
            saving = false;
            saveButton.removeAttribute("aria-disabled");
        };
        var request;
        try {
            request = fetch(runtime.handlerUrl(element, "studio_submit"), {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
                body: JSON.stringify({values: values})
            });
        } catch (error) {
            request = Promise.reject(error);
        }
        request.then(function (response) {
            return response.text().then(function (text) {
                var data = null;
                try {
                    data = text ? JSON.parse(text) : null;
                } catch (error) {
                    data = null;
                }
                return {status: response.status, data: data};
            });
        }).then(function (reply) {
            if (reply.status === 200 && reply.data && reply.data.result === "success") {
                saved(reply.data);
            } else {
                failed(reply.status, reply.data);
            }
        }, function () {
            failed(0, null);
        }).then(done, function (error) {
            done();
            throw error;
        });
    }

    function cancel() {
        if (runtime && typeof runtime.notify === "function") {
            runtime.notify("cancel", {});
            return;
        }
        // No Studio around (e.g. the workbench): discard the changes instead.
        problems = [];
        hideSummary();
        build(lastSaved);
        setStatus(t("Changes discarded."));
    }

    // --------------------------------------------------------------------- start
    build(lastSaved);
    if (Array.isArray(init.problems) && init.problems.length) {
        setProblems(init.problems);
        showSummary(t("This forum's settings need attention:"), renderProblems(), false);
    }
    if (form) {
        form.addEventListener("submit", save);
        form.addEventListener("input", function () {
            if (!saving) {
                setStatus("");  // "Saved." no longer holds
            }
        });
    } else if (saveButton) {
        saveButton.addEventListener("click", save);
    }
    if (cancelButton) {
        cancelButton.addEventListener("click", cancel);
    }

    return {save: save, values: collect};
}
