/*
 * Foorumi's Studio editor, its lists: ``window.Foorumi.studioLists(ed, fields)`` (``ed`` the
 * editor's shared context, foorumi_studio.js; ``fields`` foorumi_studio_fields.js) gives
 * ``ListEditor``, an editable, reorderable list (the reflection prompts, the ground rules)
 * whose items can be added, removed and moved with real buttons: focus follows the moved
 * item and each change is announced in the live region. Also the controls of a prompt and
 * of a ground rule.
 *
 * Authored text is only ever inserted with textContent / text nodes / control values.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.studioLists = function (ed, fields) {
        var t = ed.t;
        var fmt = ed.fmt;
        var h = ed.h;
        var P = ed.P;
        var promptLimits = ed.limits.prompts || {};

        // ------------------------------------------------------------- list editor
        /**
         * An editable, reorderable list of items (prompts or ground rules).
         * ``spec``: name, title, helpTexts [[id suffix, text]], max, words {legend, added,
         * removed, moved, empty, add, full}, items (initial data), create(items) -> new item,
         * fields(item, base, number) -> nodes (controls carry data-part), read(item) -> value,
         * changed() after items were added, removed or moved (the problems are marked again).
         */
        function ListEditor(spec) {
            var self = this;
            var base = P + "-" + spec.name;
            var headingId = base + "-title";
            var helpIds = [];
            var helpNodes = (spec.helpTexts || []).map(function (pair) {
                var id = base + "-help-" + pair[0];
                helpIds.push(id);
                return fields.help(id, pair[1]);
            });

            self.spec = spec;
            self.name = spec.name;
            self.base = base;
            self.items = spec.items.map(function (item) {
                item.key = "k" + ed.nextKey();
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
            fields.describe(self.addButton, full ? [self.full.id] : []);
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
            this.spec.changed();
        };

        ListEditor.prototype.add = function () {
            if (this.items.length >= this.spec.max) {
                return;
            }
            var item = this.spec.create(this.items);
            item.key = "k" + ed.nextKey();
            this.items.push(item);
            this.refresh();
            var node = this.itemNode(item.key);
            var first = node && node.querySelector("[data-first]");
            if (first) {
                first.focus();
            }
            ed.announce(fmt(this.spec.words.added, {number: this.items.length}));
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
            ed.announce(fmt(this.spec.words.removed, {number: index + 1}));
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
            ed.announce(fmt(this.spec.words.moved, {number: to + 1}));
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
            fields.describe(control, helpIds);
            return h("div", {"class": "foorumi-studio-field" + (extraClass ? " " + extraClass : "")}, [
                h("label", {"for": id, "class": "foorumi-studio-label", text: label}),
                control
            ]);
        }

        function promptFields(item, base, number, helpIds) {
            var idInput = bind(fields.textInput(item.id, {autocomplete: "off", spellcheck: "false", "class": "foorumi-studio-id"}), item, "id");
            var text = bind(fields.textArea(item.text, 3), item, "text");
            text.setAttribute("data-first", "");
            var words = promptLimits.max_words || 5000;
            var minWords = bind(fields.numberInput(item.min_words, {min: 0, max: words}), item, "min_words");
            var maxWords = bind(fields.numberInput(item.max_words, {min: 1, max: words}), item, "max_words");
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
            var text = bind(fields.textArea(item.text, 2), item, "text");
            text.setAttribute("data-first", "");
            return [itemControl(t("Text"), base + "-text", text, helpIds, "foorumi-studio-wide")];
        }

        /** ``prompt-N``: the first free id from the next position on. */
        function suggestPromptId(items) {
            var used = {};
            items.forEach(function (item) {
                used[fields.asText(item.id).trim()] = true;
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
                id: fields.asText(p.id),
                text: fields.asText(p.text),
                min_words: p.min_words === undefined ? 0 : p.min_words,
                max_words: p.max_words === undefined ? 500 : p.max_words
            };
        }

        return {
            ListEditor: ListEditor,
            promptFields: promptFields,
            ruleFields: ruleFields,
            suggestPromptId: suggestPromptId,
            promptItem: promptItem
        };
    };
}(window));
