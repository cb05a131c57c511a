/*
 * Foorumi's Studio editor, its controls: ``window.Foorumi.studioFields(ed)`` (``ed`` the
 * editor's shared context, foorumi_studio.js) gives labelled controls for the scalar
 * settings (text, numbers, the identity choice, check boxes), each with its help text and
 * registered in ``ed.controls`` by field name, and the value helpers the other parts share.
 *
 * Authored text is only ever inserted with textContent / text nodes / control values.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.studioFields = function (ed) {
        var t = ed.t;
        var fmt = ed.fmt;
        var h = ed.h;
        var P = ed.P;

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
            ed.controls[name] = control;
            return h("div", {"class": "foorumi-studio-field" + (extraClass ? " " + extraClass : ""), "data-field": name}, [
                h("label", {"for": id, "class": "foorumi-studio-label", text: label}),
                control,
                helpText ? help(helpId, helpText) : null
            ]);
        }

        function checkboxField(name, label, helpText, checked) {
            var id = P + "-" + name;
            var helpId = helpText ? id + "-help" : null;
            var control = h("input", {type: "checkbox", id: id, name: name, "data-field": name});
            control.checked = checked === true;
            describe(control, [helpId]);
            ed.controls[name] = control;
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
            var headingId = P + "-section-" + ed.nextKey();
            return h("section", {"class": "foorumi-studio-section", "aria-labelledby": headingId},
                [h("h3", {id: headingId, "class": "foorumi-studio-section-title", text: title})].concat(children));
        }

        return {
            asText: asText,
            numberValue: numberValue,
            isWhole: isWhole,
            describe: describe,
            help: help,
            field: field,
            checkboxField: checkboxField,
            textInput: textInput,
            textArea: textArea,
            numberInput: numberInput,
            identitySelect: identitySelect,
            section: section
        };
    };
}(window));
