/*
 * Foorumi's staff console, moderation: ``window.Foorumi.staffModeration(c)`` (``c`` the
 * console, foorumi_staff_console.js) gives the flag queue (the flagged text, whose it is,
 * every reason, the count) with Hide (a reason is required) and Restore, and the log of
 * every decision. The report's learner text is only ever inserted with textContent.
 */
(function (root) {
    "use strict";

    var Foorumi = root.Foorumi = root.Foorumi || {};

    Foorumi.staffModeration = function (c) {
        var t = c.t;
        var fmt = c.fmt;
        var h = c.h;
        var idOf = c.idOf;
        var ui = c.ui;

        function flagTitle(flag) {
            if (flag.kind === "reflection") {
                return fmt(t("Reflection by %(name)s"), {name: flag.author ? c.isolate(flag.author) : t("Participant")});
            }
            if (flag.kind === "comment") {
                return fmt(t("Comment by %(name)s"), {name: flag.author ? c.isolate(flag.author) : t("Participant")});
            }
            return t("An item that no longer exists");
        }

        // -------------------------------------------------------------- flag queue
        /** The flag queue: ``flags`` (the report's), ``groups`` to name each item's group. */
        function flagsSection(flags, groups) {
            var kids = [];
            if (!flags.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("Nothing has been flagged.")}));
            } else {
                kids.push(h("p", {"class": "foorumi-help",
                    text: t("Learners flagged these for staff. Hiding an item shows the group “Removed by a moderator” instead; its author still sees it, marked as hidden. Every decision is logged with its reason.")}));
                var list = h("ul", {"class": "foorumi-staff-flags"});
                flags.forEach(function (flag) {
                    list.appendChild(buildFlag(flag, c.groupName(groups, flag.group_id)));
                });
                kids.push(list);
            }
            return c.section("flags", t("Flagged items"), kids);
        }

        function buildFlag(flag, group) {
            var item = flag.item_id;
            var titleId = idOf("flag-h", item);
            var li = h("li", {"class": "foorumi-staff-flag" + (flag.hidden ? " is-hidden" : ""), id: idOf("flag", item)});
            li.appendChild(h("h5", {"class": "foorumi-staff-item-title", id: titleId, tabindex: "-1", text: flagTitle(flag)}));
            li.appendChild(h("p", {"class": "foorumi-meta"}, [
                h("span", {"class": "foorumi-staff-badge " + (flag.hidden ? "is-hidden" : "is-visible"),
                    text: flag.hidden ? t("Hidden from the group") : t("Visible to the group")}),
                group ? h("span", {text: group}) : null,
                h("span", {text: fmt(t("Flags: %(count)s"), {count: Number(flag.count) || 0})}),
                flag.last_flagged ? h("span", null, c.withTime(t("last flagged %(time)s"), flag.last_flagged)) : null
            ]));
            if (flag.text) {
                li.appendChild(h("div", {"class": "foorumi-text foorumi-staff-quote", text: flag.text}));
            }
            li.appendChild(h("p", {"class": "foorumi-staff-label", id: idOf("reasons-h", item), text: t("Reasons given:")}));
            var reasons = h("ul", {"class": "foorumi-staff-reasons", "aria-labelledby": idOf("reasons-h", item)});
            (flag.reasons || []).forEach(function (reason) {
                reasons.appendChild(h("li", {"class": "foorumi-text", text: reason}));
            });
            li.appendChild(reasons);
            if (flag.kind === "reflection" || flag.kind === "comment") {
                li.appendChild(buildModerate(flag));
            }
            return li;
        }

        function buildModerate(flag) {
            var item = flag.item_id;
            var key = "moderate:" + item;
            var inputId = idOf("reason", item);
            var errId = idOf("err", key);
            var input = h("input", {
                type: "text",
                id: inputId,
                "class": "foorumi-staff-input",
                maxlength: String(c.maxReason),
                autocomplete: "off",
                "aria-required": flag.hidden ? null : "true",
                "aria-invalid": ui.invalid[key] ? "true" : null,
                "aria-describedby": errId
            });
            input.value = ui.reason[item] || "";
            input.addEventListener("input", function () { ui.reason[item] = input.value; });
            input.addEventListener("keydown", function (event) {
                if (event.key === "Enter") {
                    event.preventDefault();
                    moderate(flag);
                }
            });
            return h("div", {"class": "foorumi-staff-moderate"}, [
                h("label", {"for": inputId, "class": "foorumi-label",
                    text: flag.hidden ? t("Reason for restoring (optional)") : t("Reason for hiding (required)")}),
                h("div", {"class": "foorumi-staff-inline"}, [
                    input,
                    c.button(idOf("mod", item), flag.hidden ? t("Restore") : t("Hide"), function () { moderate(flag); },
                        {kind: flag.hidden ? "secondary" : "primary", busy: !!ui.busy[key], describedby: idOf("flag-h", item)})
                ]),
                c.errorBox(key)
            ]);
        }

        function moderate(flag) {
            var item = flag.item_id;
            var key = "moderate:" + item;
            var reason = (ui.reason[item] || "").trim();
            var hide = !flag.hidden;
            if (hide && !reason) {
                c.setError(key, t("Write the reason for hiding first: it goes into the log."));
                ui.invalid[key] = true;
                ui.focusAfter = idOf("reason", item);
                c.render();
                return;
            }
            c.act(key, "moderate", {item_id: item, action: hide ? "hide" : "restore", reason: reason}, {ok: function () {
                delete ui.reason[item];
                ui.focusAfter = idOf("mod", item);
                c.announce(hide ? t("Hidden. The group now sees “Removed by a moderator” in its place.") :
                    t("Restored. The group sees it again."));
            }});
        }

        // ---------------------------------------------------------------- decisions
        function itemLabel(flags, itemId) {
            for (var i = 0; i < flags.length; i++) {
                if (flags[i].item_id === itemId) {
                    return flagTitle(flags[i]);
                }
            }
            return itemId;
        }

        /** The decision log: ``decisions`` (latest first), ``flags`` to name their items. */
        function logSection(decisions, flags) {
            var kids = [];
            if (!decisions.length) {
                kids.push(h("p", {"class": "foorumi-help", text: t("No moderation decisions yet.")}));
                return c.section("decisions", t("Moderation log"), kids);
            }
            var tbody = h("tbody");
            decisions.forEach(function (d) {
                tbody.appendChild(h("tr", null, [
                    c.td(c.timeEl(d.at, true)),
                    c.td(d.action === "hide" ? t("Hidden") : d.action === "restore" ? t("Restored") : String(d.action || "")),
                    c.td(itemLabel(flags, d.item_id)),
                    c.td(h("span", {"class": "foorumi-text", text: d.reason || ""})),
                    c.td(d.by || "")
                ]));
            });
            kids.push(c.tableBox(h("table", {"class": "foorumi-staff-table foorumi-staff-log"}, [
                h("caption", {"class": "foorumi-sr", text: t("Moderation log, latest first")}),
                h("thead", null, h("tr", null, [c.th(t("When")), c.th(t("Decision")), c.th(t("Item")), c.th(t("Reason")),
                    c.th(t("By"))])),
                tbody
            ])));
            return c.section("decisions", t("Moderation log"), kids);
        }

        return {flags: flagsSection, log: logSection};
    };
}(window));
