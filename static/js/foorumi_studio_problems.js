/*
 * Foorumi's Studio editor, the problems: ``window.Foorumi.studioProblems(ed, fields)`` (``ed``
 * the editor's shared context, foorumi_studio.js; ``fields`` foorumi_studio_fields.js) shows
 * each problem the server reports next to its field or list item (``aria-invalid``, the
 * message in the control's description) and in a summary at the top, one link per problem.
 * A list item's problem follows the item when it is moved.
 *
 * The server is the authority on every rule; its messages are inserted as text only.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.studioProblems = function (ed, fields) {
        var t = ed.t;
        var h = ed.h;
        var P = ed.P;
        var scope = ed.root;
        var summary = ed.summary;
        var promptLimits = ed.limits.prompts || {};
        var PROMPT_ID_RE = /^[a-z0-9][a-z0-9_-]*$/;
        var problems = [];     // [{field, key (list item key or null), message, subfield}]

        /** Problems from the server, list items tied to their item's key so they follow it. */
        function setProblems(list) {
            problems = (Array.isArray(list) ? list : []).map(function (problem) {
                var editor = ed.lists[problem.field];
                var key = null;
                if (editor && typeof problem.index === "number" && editor.items[problem.index]) {
                    key = editor.items[problem.index].key;
                }
                return {field: fields.asText(problem.field), key: key, message: fields.asText(problem.message), subfield: problem.subfield || null};
            });
        }

        /** Which parts of a prompt look wrong (only to choose where aria-invalid goes). */
        function promptSuspects(editor, item) {
            var bad = [];
            var id = fields.asText(item.id).trim();
            var duplicate = editor.items.some(function (other) {
                return other !== item && fields.asText(other.id).trim() === id && editor.indexOf(other.key) < editor.indexOf(item.key);
            });
            if (!PROMPT_ID_RE.test(id) || id.length > (promptLimits.id_max_length || 40) || duplicate) {
                bad.push("id");
            }
            var text = fields.asText(item.text);
            if (!text.trim() || text.length > (promptLimits.text_max_length || 2000)) {
                bad.push("text");
            }
            var low = fields.numberValue(item.min_words);
            var high = fields.numberValue(item.max_words);
            if (!fields.isWhole(high) || high < 1 || high > (promptLimits.max_words || 5000)) {
                bad.push("max_words");
            }
            if (!fields.isWhole(low) || low < 0 || (fields.isWhole(high) && low > high)) {
                bad.push("min_words");
            }
            return bad;
        }

        function errorNode(id, message) {
            return h("p", {"class": "foorumi-studio-error", id: id}, [
                h("span", {"class": "foorumi-studio-sr", text: t("Error:") + " "}), message
            ]);
        }

        /** Put an error message after ``anchor`` (and after the errors already there). */
        function insertError(anchor, node) {
            var after = anchor;
            while (after.nextElementSibling && after.nextElementSibling.classList.contains("foorumi-studio-error")) {
                after = after.nextElementSibling;
            }
            after.parentNode.insertBefore(node, after.nextSibling);
        }

        /** Describe ``control`` by error ``id`` too: its errors first (in order), then its help. */
        function addDescription(control, id) {
            var helpIds = (control.getAttribute("data-help-ids") || "").split(" ").filter(Boolean);
            var errors = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (other) {
                return other && helpIds.indexOf(other) < 0;
            });
            control.setAttribute("aria-describedby", errors.concat([id], helpIds).join(" "));
        }

        function clearMarks() {
            Array.prototype.forEach.call(scope.querySelectorAll(".foorumi-studio-error"), function (node) {
                node.parentNode.removeChild(node);
            });
            Array.prototype.forEach.call(scope.querySelectorAll("[data-help-ids]"), function (control) {
                control.removeAttribute("aria-invalid");
                var ids = control.getAttribute("data-help-ids");
                if (ids) {
                    control.setAttribute("aria-describedby", ids);
                } else {
                    control.removeAttribute("aria-describedby");
                }
            });
            Array.prototype.forEach.call(scope.querySelectorAll(".is-invalid"), function (node) {
                node.classList.remove("is-invalid");
            });
        }

        /** Mark every problem next to its field; returns the control to link to for each. */
        function renderProblems() {
            clearMarks();
            return problems.map(function (problem, n) {
                var id = P + "-error-" + n;
                var editor = ed.lists[problem.field];
                var control = ed.controls[problem.field];
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
                            var current = scope.querySelector('[id="' + target.id + '"]');
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

        /** Forget every problem: no marks, no summary. */
        function reset() {
            problems = [];
            clearMarks();
            hideSummary();
        }

        return {
            set: setProblems,
            render: renderProblems,
            showSummary: showSummary,
            hideSummary: hideSummary,
            reset: reset,
            clear: function () { problems = []; }
        };
    };
}(window));
