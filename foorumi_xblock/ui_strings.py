"""Every English string the JavaScript shows: the learner view (``static/js/foorumi*.js``)
and the Studio editor (``static/js/foorumi_studio*.js``) in ``JS_STRINGS`` and
``JS_PLURALS``, the staff console (``static/js/foorumi_staff*.js``) in ``STAFF_JS_STRINGS``
and ``STAFF_JS_PLURALS``.

Each is wrapped in the no-op ``_`` so that translation extraction finds it. Their
translations reach the browser in a catalog file per language (``static/js/i18n/``, written
by ``make translations``; see ``js_i18n`` below), and inline in ``init.i18n`` only where the
runtime's translator differs from that file; the JavaScript looks a string up with
``t("English")`` and a plural with ``ngettext("singular", "plural", n)`` (foorumi_core.js:
the inline entries, then the file, then the English) and fills ``%(name)s`` placeholders
itself, so the same catalogue entries work in Python and in the browser.

Plurals. A plural is declared as a ``(singular, plural)`` pair, and ``init.i18n`` carries
both translated forms, ``{singular: [translated singular, translated plural]}``; the
JavaScript takes the second for ``n != 1``. That is the plural rule of English and of
Finnish (``Plural-Forms: nplurals=2; plural=(n != 1)``), and it is assumed here: each form
is a catalogue entry of its own (a plain ``msgid``, so the ``.po`` stays plain), translated
to the same form in the target language. A language with other plural rules would need
``msgid_plural`` entries, which ``js_translations`` already prefers when the catalogue has
them, and a JavaScript rule per language.

``tests/runtime/test_ui_strings.py`` checks that these lists and the ``t("...")``/``ngettext(...)``
calls in the JavaScript match exactly; ``tests/browser/test_staff_console.py`` does the same
for the staff lists and the console.
"""
import functools
import json
import os
import re

from django.utils.translation import to_locale


def _(text):
    """Mark ``text`` for translation extraction; translated later, by the block."""
    return text


JS_STRINGS = (
    _("Participant"),
    _("(you)"),
    _("The server sent an unexpected answer. Please try again."),
    _("Something went wrong (error %(status)s). Please try again."),
    _("Could not reach the server. Check your connection and try again."),
    _("New reflections: %(count)s"),
    _("New comments: %(count)s"),
    _("You have given the required comments. Your part of this forum is complete."),
    _("Thank you. You can now write your reflection."),
    _("Your reflection has been submitted."),
    _("You are now in %(group)s."),
    _("Loading…"),
    _("Show older comments"),
    _("The page could not be updated just now. It will try again."),
    _("This forum cannot be shown right now. Please reload the page."),
    _("Try again"),
    _("Your progress:"),
    _("Reflection submitted."),
    _("Ground rules"),
    _("Before you write, please read the ground rules of this group. They keep the forum a safe place for everyone."),
    _("Saving…"),
    _("I accept"),
    _("(%(min)s–%(max)s)"),
    _("(at most %(max)s)"),
    _("(at least %(min)s)"),
    _("Please answer this question."),
    _("Your reflection"),
    _("Answer each question in your own words. Your answers are saved as a draft while you write. When you submit, you join a small group and can read the reflections of the others."),
    _("Submit reflection"),
    _("Submitting…"),
    _("You can submit when every answer is within its word limits."),
    _("Saved"),
    _("Saved, except answers that are too long."),
    _("Not saved — retrying"),
    _("Unsaved changes"),
    _("Waiting for your group"),
    _("Your group will be formed as soon as enough people have submitted."),
    _("The page updates by itself."),
    _("Your submitted reflection"),
    _("(edited)"),
    _("Your group"),
    _("What is shared in the group stays in the group."),
    _("Names are pseudonyms: the others do not see your real name."),
    _("Members:"),
    _("Needs feedback"),
    _("These reflections have received the fewest comments so far."),
    _("Comment on %(name)s's reflection"),
    _("Reflections in your group"),
    _("%(name)s's reflection"),
    _("Comments (%(count)s)"),
    _("No comments yet."),
    _("New"),
    _("Hidden by a moderator. The others in your group cannot see it."),
    _("Removed by a moderator."),
    _("Edit reflection"),
    _("Edit your reflection"),
    _("Save changes"),
    _("Cancel"),
    _("Your changes are saved."),
    _("Flagged for staff"),
    _("Flag"),
    _("Why should course staff look at this? (required)"),
    _("Sending…"),
    _("Send to staff"),
    _("Please tell course staff why you are flagging this."),
    _("Thank you. Course staff will look at it."),
    _("Helpful to the author"),
    _("Edit"),
    _("Mark as helpful"),
    _("Edit your comment"),
    _("Marked as helpful."),
    _("No longer marked as helpful."),
    _("Write a comment first."),
    _("Reply"),
    _("Posting…"),
    _("Post comment"),
    _("Comment posted"),
    # the group view: comments, replies, links (foorumi_compose.js, foorumi_comments.js)
    _("Comment"),
    _("Comment on your reflection"),
    _("Post reply"),
    _("Reply to %(name)s"),
    _("Replies do not count toward your feedback."),
    _("Reply posted"),
    _("In reply to an earlier comment"),
    _("Unmark as helpful"),
    _("Show all"),
    _("Show less"),
    # --- waiting and completion (static/js/foorumi_stages.js) --------------------------
    _("Nobody else has submitted a reflection yet, so for now you are alone in this forum."),
    _("%(time)s today"),
    _("%(time)s tomorrow"),
    _("You will be placed in a group by %(when)s at the latest."),
    _("By %(when)s at the latest you will join one of the groups already formed, if one has room; if none has, the next person who submits will be placed in a group with you."),
    _("If no group has formed by %(when)s, the next person who submits will be placed in a group with you."),
    _("The next person who submits will be placed in a group with you."),
    _("Your group will read your reflection under your name. Course staff can read it too."),
    _("Your group will read your reflection as “Participant N”, not under your name (you get your number when the group forms). Course staff can read it too."),
    _("This forum is scored: your grade comes from submitting your reflection."),
    _("Your grade so far: %(met)s of %(total)s requirements met."),
    _("You accepted these ground rules before writing."),
    _("Your part is done"),
    _("You have submitted your reflection."),
    _("What next: you can keep reading and commenting, and your group may still reply to you. New comments appear here by themselves."),
    _("What next: when your group forms, you can read the others' reflections and comment on them if you like."),
    _("You have met every requirement, so your grade is full."),
    # --- groups that last (static/js/foorumi_sessions.js) ------------------------------
    # "Session ..." and "Close" are also the staff console's (foorumi_staff_sessions.js...).
    _("Your group meets again"),
    _("%(group)s is the same group as in the earlier sessions of this course."),
    _("New to the group:"),
    _("Nobody new has joined since the last session."),
    _("Earlier sessions"),
    _("Read session %(number)s"),
    _("Only those who were in the group then can read it: the ground rules promised confidentiality to the group as it was."),
    _("Session %(number)s is shown below, read only."),
    _("Session %(number)s: %(title)s"),
    _("Session %(number)s"),
    _("Earlier session (read only)"),
    _("Close"),
    _("What your group wrote then, as it was. Nothing here can be changed or commented on."),
    _("Nothing of this session can be shown."),
    _("The latest %(shown)s of %(total)s comments are shown."),
    # --- Studio editor (static/js/foorumi_studio.js) ----------------------------------
    # Also used by the editor, listed above: "Ground rules", "Saving…".
    _("Names"),
    _("Pseudonyms"),
    _("Unknown value: %(value)s"),
    _("Move up"),
    _("Move down"),
    _("Remove"),
    _("Text"),
    _("Id"),
    _("Minimum words"),
    _("Maximum words"),
    _("Reflection prompts"),
    _("The id names the prompt's answers: lowercase letters a-z, digits, '-' and '_'. Do not change it once learners have started writing."),
    _("Learners see their word count as they type. A minimum of 0 sets no word minimum, but an answer is still required."),
    _("This forum is live. Reflections submitted: %(count)s."),
    _("Changed prompts: those who submitted keep their reflection as it is; a new prompt is optional for them when they edit, and required of everyone who has not submitted yet."),
    _("Changed group sizes: groups already formed stay as they are; the new sizes apply to learners placed from now on."),
    _("Pseudonyms cannot be switched to names any more: that would reveal who wrote what."),
    _("The group set cannot be changed any more: learners are already in its groups."),
    _("Prompt %(number)s"),
    _("Prompt %(number)s added."),
    _("Prompt %(number)s removed."),
    _("Prompt moved to position %(number)s."),
    _("No prompts yet."),
    _("Add prompt"),
    _("Learners must accept the ground rules before writing"),
    _("The ground rules are shown to learners before they write; when acceptance is required, they accept them first."),
    _("Ground rule %(number)s"),
    _("Ground rule %(number)s added."),
    _("Ground rule %(number)s removed."),
    _("Ground rule moved to position %(number)s."),
    _("No ground rules yet."),
    _("Add ground rule"),
    _("General"),
    _("Display name"),
    _("The name learners see for this forum."),
    _("Introduction"),
    _("Shown to learners above the forum."),
    _("Identity"),
    _("What group members see of each other: their names, or stable pseudonyms such as “Participant 3”."),
    _("Groups and feedback"),
    _("Groups form from learners who have submitted their reflection."),
    _("Group size"),
    _("Groups fill up to this size. Between the smallest and the largest group."),
    _("Smallest group"),
    _("A new group forms as soon as this many learners wait for one."),
    _("Largest group"),
    _("Learners who come late may join a group up to this size."),
    _("Comments required"),
    _("How many peers' reflections each learner comments on. At most the smallest group minus one."),
    _("Longest wait for a group (hours)"),
    _("After this, waiting learners join existing groups or form one of their own."),
    _("Words a comment needs to count"),
    _("A comment on a peer's reflection counts toward the comments required only with at least this many words (0: any comment counts)."),
    _("Group set"),
    _("Forums of this course with the same group set keep the same small groups from session to session: a learner grouped in an earlier forum of the set goes straight to their group. Leave empty for groups of this forum's own. Lowercase letters, digits, - and _; it cannot be changed once learners have submitted."),
    _("Newcomers may read earlier sessions"),
    _("Whether a learner new to a group may read what the group wrote in its earlier sessions. Off by default: the ground rules promised confidentiality to the group as it was."),
    _("Grading"),
    _("Scored"),
    _("The grade is the share of the requirements met: the reflection and the required comments."),
    _("Problem weight"),
    _("How much the forum counts when it is scored."),
    _("Error:"),
    _("Saved."),
    _("The forum was not saved: please correct the marked fields."),
    _("The forum was not saved (error %(status)s). Please try again."),
    _("The forum was not saved: the server could not be reached. Please try again."),
    _("The forum was not saved."),
    _("Changes discarded."),
    _("This forum's settings need attention:"),
)


#: Plurals of the learner view and the Studio editor: ``(singular, plural)``, the second for
#: n != 1 (see the module's docstring).
JS_PLURALS = (
    (_("%(count)s word"), _("%(count)s words")),
    (_("%(count)s / %(max)s character"), _("%(count)s / %(max)s characters")),
    (_("%(given)s of %(required)s comment given"), _("%(given)s of %(required)s comments given")),
    (_("%(given)s of %(required)s comment given — complete"), _("%(given)s of %(required)s comments given — complete")),
    (_("This answer is too long: at most %(chars)s character."), _("This answer is too long: at most %(chars)s characters.")),
    (_("Write at least %(min)s word."), _("Write at least %(min)s words.")),
    (_("Shorten this answer to at most %(max)s word."), _("Shorten this answer to at most %(max)s words.")),
    (_("You are the %(ordinal)s of %(needed)s person needed to start a group."),
     _("You are the %(ordinal)s of %(needed)s people needed to start a group.")),
    (_("Still to do: comment on %(count)s peer's reflection."), _("Still to do: comment on %(count)s peers' reflections.")),
    (_("Still to do: comment on %(count)s more peer's reflection."),
     _("Still to do: comment on %(count)s more peers' reflections.")),
    (_("A comment counts when it has at least %(words)s word."), _("A comment counts when it has at least %(words)s words.")),
    (_("This forum is scored: your grade is the share of the requirements you meet, submitting your reflection and "
       "commenting on %(count)s peer's reflection, each counting the same."),
     _("This forum is scored: your grade is the share of the requirements you meet, submitting your reflection and "
       "commenting on %(count)s peers' reflections, each counting the same.")),
    (_("You have submitted your reflection and commented on %(count)s peer's reflection."),
     _("You have submitted your reflection and commented on %(count)s peers' reflections.")),
    (_("The reason can be at most %(max)s character."), _("The reason can be at most %(max)s characters.")),
    (_("A comment can be at most %(max)s character."), _("A comment can be at most %(max)s characters.")),
    (_("%(count)s older comment shown."), _("%(count)s older comments shown.")),
    (_("Show all %(count)s comment"), _("Show all %(count)s comments")),
    (_("Too short to count toward your feedback: a comment counts with at least %(min)s word."),
     _("Too short to count toward your feedback: a comment counts with at least %(min)s words.")),
    # --- groups that last (static/js/foorumi_sessions.js) ------------------------------
    (_("Session %(number)s: %(title)s, %(count)s person took part"),
     _("Session %(number)s: %(title)s, %(count)s people took part")),
    (_("Session %(number)s, %(count)s person took part"), _("Session %(number)s, %(count)s people took part")),
    (_("%(count)s member of your group has not written in this session yet. They are still in the group and may "
       "write later."),
     _("%(count)s members of your group have not written in this session yet. They are still in the group and may "
       "write later.")),
    # --- Studio editor (static/js/foorumi_studio*.js) ----------------------------------
    (_("Learners answer each prompt in a text box of its own. From %(min)s to %(max)s prompt."),
     _("Learners answer each prompt in a text box of its own. From %(min)s to %(max)s prompts.")),
    (_("There can be at most %(max)s prompt."), _("There can be at most %(max)s prompts.")),
    (_("At most %(max)s ground rule, each at most %(chars)s characters."),
     _("At most %(max)s ground rules, each at most %(chars)s characters.")),
    (_("There can be at most %(max)s ground rule."), _("There can be at most %(max)s ground rules.")),
)


#: The staff console's own strings (``static/js/foorumi_staff.js``), sent to course staff only
#: (``init.staff.i18n``); the console also uses a few of ``JS_STRINGS`` above ("Cancel",
#: the network errors...), which come with the learner module's ``init.i18n``.
STAFF_JS_STRINGS = (
    _("Yes"),
    _("No"),
    _("The report is up to date."),
    _("Forum views"),
    _("Staff console"),
    _("View as learner"),
    _("Please wait…"),
    _("Update report"),
    _("Updated %(time)s"),
    _("Learners"),
    _("Accepted the ground rules"),
    _("Submitted"),
    _("In groups"),
    _("Waiting for a group"),
    _("Groups"),
    _("Comments"),
    _("Complete"),
    _("Flagged items"),
    _("Participation"),
    _("Reflection by %(name)s"),
    _("Comment by %(name)s"),
    _("An item that no longer exists"),
    _("Nothing has been flagged."),
    _("Learners flagged these for staff. Hiding an item shows the group “Removed by a moderator” instead; its author still sees it, marked as hidden. Every decision is logged with its reason."),
    _("Hidden from the group"),
    _("Visible to the group"),
    _("Flags: %(count)s"),
    _("last flagged %(time)s"),
    _("Reasons given:"),
    _("Reason for restoring (optional)"),
    _("Reason for hiding (required)"),
    _("Restore"),
    _("Hide"),
    _("Write the reason for hiding first: it goes into the log."),
    _("Hidden. The group now sees “Removed by a moderator” in its place."),
    _("Restored. The group sees it again."),
    _("One learner waits alone. They join a group when someone else submits, or when the longest wait (%(hours)s h) is over."),
    _("Someone has waited longer than the longest wait (%(hours)s h)."),
    _("Nobody is waiting for a group."),
    _("waiting since %(time)s"),
    _("Form groups now"),
    _("Yes, form groups"),
    _("Learners placed in groups: %(count)s."),
    _("Silent: no recent activity"),
    _("No groups yet."),
    _("Group health"),
    _("Group"),
    _("Members"),
    _("Reflections"),
    _("Lacking feedback"),
    _("Last activity"),
    _("Warnings"),
    _("Actions"),
    _("Read %(group)s"),
    _("Hidden from the group. Reason: %(reason)s"),
    _("Reading %(group)s"),
    _("No reflections yet."),
    _("Name"),
    _("Username"),
    _("Comments given"),
    _("Comments received"),
    _("Helpful received"),
    _("Waiting"),
    _("Nobody has opened this forum yet."),
    _("Filter learners"),
    _("By name, username or group."),
    _("Move to group"),
    _("Learners; select a column heading to sort by it."),
    _("No learner matches the filter."),
    _("Learners shown: %(shown)s of %(total)s."),
    _("Choose a group"),
    _("%(group)s (members: %(count)s)"),
    _("New group for %(name)s"),
    _("Move"),
    _("Choose the group to move %(name)s to first."),
    _("%(name)s is now in %(group)s."),
    _("No moderation decisions yet."),
    _("Moderation log"),
    _("Hidden"),
    _("Restored"),
    _("Moderation log, latest first"),
    _("When"),
    _("Decision"),
    _("Item"),
    _("Reason"),
    _("By"),
    _("Export"),
    _("Participation as a CSV file, one row per learner."),
    _("Download participation (CSV)"),
    _("Download participation with reflection texts (CSV)"),
    _("The file with texts holds what learners wrote: keep it confidential."),
    # --- groups across sessions (static/js/foorumi_staff_sessions.js) --------------------
    _("(this session)"),
    _("This forum's groups continue in the other forums of its group set. Who took part in each session, by group:"),
    _("Groups across sessions"),
    _("Active"),
    _("Merge into…"),
    _("Who took part in each session, by group"),
    _("Active: members who took part in this session or the one before. A group needs at least %(min)s."),
    _("Nobody"),
    _("Merge %(group)s into"),
    _("Merge"),
    _("Choose the group to merge %(group)s into first."),
    _("Yes, merge"),
    _("%(group)s was merged into %(into)s."),
)


#: Plurals of the staff console, sent to course staff only with ``STAFF_JS_STRINGS``.
STAFF_JS_PLURALS = (
    (_("Small: fewer than %(min)s member"), _("Small: fewer than %(min)s members")),
    (_("Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s member), "
       "or form a group of their own when there is none."),
     _("Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s members), "
       "or form a group of their own when there is none.")),
    (_("Fewer than %(min)s member took part in this session or the one before"),
     _("Fewer than %(min)s members took part in this session or the one before")),
    (_("Merge %(group)s into %(into)s? Its %(count)s member joins %(into)s in this session and the later ones; "
       "earlier sessions keep their groups."),
     _("Merge %(group)s into %(into)s? Its %(count)s members join %(into)s in this session and the later ones; "
       "earlier sessions keep their groups.")),
)


def js_translations(gettext, strings=JS_STRINGS, plurals=JS_PLURALS, ngettext=None, baseline=None):
    """``{english: translated}`` for every string of ``strings`` and ``{singular: [singular,
    plural]}`` (translated) for every pair of ``plurals``, for ``init.i18n``.

    Only what differs from ``baseline`` is sent: by default the English (the JavaScript falls
    back to it); for a page whose language has a catalog file, that file's table
    (``js_i18n``), so that normally nothing is. A plural's forms come from the catalogue's
    plural entry when ``ngettext`` finds one, else from each form's own entry (the rule
    n != 1 assumed, see the module's docstring).
    """
    baseline = baseline or {}
    out = {}
    for english in strings:
        translated = gettext(english) or english
        if translated != baseline.get(english, english):
            out[english] = translated
    for singular, plural in plurals:
        forms = [singular, plural]
        if ngettext is not None:
            forms = [ngettext(singular, plural, 1) or singular, ngettext(singular, plural, 2) or plural]
        if forms == [singular, plural]:
            forms = [gettext(singular) or singular, gettext(plural) or plural]
        if forms != list(baseline.get(singular, [singular, plural])):
            out[singular] = forms
    return out


# -- the catalog files: the JS strings per language, served by URL and cached ------------------
#
# ``make translations`` (scripts/js_catalog.py) writes, for every compiled catalog
# ``conf/locale/<locale>/LC_MESSAGES/text.mo``, one file per table below into
# ``static/js/i18n/``: ``foorumi_i18n_<locale>.js`` (``JS_STRINGS``/``JS_PLURALS``: the
# learner view and the Studio editor) and ``foorumi_i18n_staff_<locale>.js`` (the console's,
# named on staff pages only). Each adds its entries to ``window.Foorumi.catalog[<locale>]``.
# A view names the file of its page's language by URL and sends inline (``init.i18n``) only
# what the runtime's translator says differently from the file; ``init.catalog`` names the
# locale. ``tests/runtime/test_js_catalog.py`` fails when a file is out of step.

#: Each catalog file's table: its name → (strings, plurals).
JS_CATALOGS = {
    "foorumi_i18n": (JS_STRINGS, JS_PLURALS),
    "foorumi_i18n_staff": (STAFF_JS_STRINGS, STAFF_JS_PLURALS),
}
CATALOG_DIR = "static/js/i18n"
_LOCALE_RE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})?")
_ENTRIES = "    var entries = "


def js_catalog_source(name, locale, gettext, ngettext):
    """The text of catalog file ``name`` for ``locale``, from a catalog's ``gettext``/``ngettext``."""
    strings, plurals = JS_CATALOGS[name]
    table = js_translations(gettext, strings, plurals, ngettext=ngettext)
    # ASCII only (\u escapes): the file reads the same whatever charset a server declares.
    rows = ",\n".join(f"        {json.dumps(key)}: {json.dumps(value)}" for key, value in table.items())
    body = "{\n" + rows + "\n    }" if rows else "{}"
    what = "the course staff's console" if name.endswith("_staff") else "the learner view and the Studio editor"
    return (
        "/*\n"
        f" * Foorumi's JavaScript strings in {locale}: {what}; entries of window.Foorumi.catalog[{json.dumps(locale)}].\n"
        f" * Generated from conf/locale/{locale}/LC_MESSAGES/text.mo and foorumi_xblock/ui_strings.py by\n"
        " * `make translations` (scripts/js_catalog.py): do not edit.\n"
        " */\n"
        "(function (root) {\n"
        '    "use strict";\n'
        "    var Foorumi = root.Foorumi = root.Foorumi || {};\n"
        "    var catalogs = Foorumi.catalog = Foorumi.catalog || {};\n"
        f"    var table = catalogs[{json.dumps(locale)}] = catalogs[{json.dumps(locale)}] || {{}};\n"
        f"{_ENTRIES}{body};\n"
        "    Object.keys(entries).forEach(function (key) { table[key] = entries[key]; });\n"
        "}(window));\n"
    )


def read_js_catalog(text):
    """The table of a catalog file's text (``js_catalog_source``)."""
    return json.loads(text.split("\n" + _ENTRIES, 1)[1].split(";\n", 1)[0])


@functools.lru_cache(maxsize=32)
def shipped_js_catalog(name, language):
    """``(locale, path, table)`` of the catalog file ``name`` for a Django language code
    (``fi``, ``fi-fi``...), or None when that language has none (English never has)."""
    locale = to_locale(language or "en")
    for candidate in dict.fromkeys((locale, locale.split("_")[0])):
        if not _LOCALE_RE.fullmatch(candidate):
            continue
        path = f"{CATALOG_DIR}/{name}_{candidate}.js"
        file = os.path.join(os.path.dirname(os.path.abspath(__file__)), *path.split("/"))
        if os.path.isfile(file):
            with open(file, encoding="utf-8") as handle:
                return candidate, path, read_js_catalog(handle.read())
    return None


def js_i18n(name, language, gettext, ngettext):
    """What a view sends for the table ``name`` in ``language``: ``(path, locale, overrides)``.

    ``path`` (under ``public_dir``) is the language's catalog file and ``locale`` its key, or
    both None; ``overrides`` is what ``gettext``/``ngettext`` (the runtime's translator: the
    platform's i18n service may translate differently) say otherwise than that file, or than
    the English when there is no file.
    """
    strings, plurals = JS_CATALOGS[name]
    shipped = shipped_js_catalog(name, language)
    if shipped is None:
        return None, None, js_translations(gettext, strings, plurals, ngettext=ngettext)
    locale, path, table = shipped
    return path, locale, js_translations(gettext, strings, plurals, ngettext=ngettext, baseline=table)
