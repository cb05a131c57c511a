"""Every English string the JavaScript shows: the learner view (``static/js/foorumi*.js``)
and the Studio editor (``static/js/foorumi_studio*.js``) in ``JS_STRINGS`` and
``JS_PLURALS``, the staff console (``static/js/foorumi_staff*.js``) in ``STAFF_JS_STRINGS``
and ``STAFF_JS_PLURALS``.

Each is wrapped in the no-op ``_`` so that translation extraction finds it. The block
sends ``init.i18n = js_translations(gettext, ngettext=ngettext)``; the JavaScript looks a
string up with ``t("English")`` and a plural with ``ngettext("singular", "plural", n)``
(foorumi_core.js; both fall back to the English) and fills ``%(name)s`` placeholders
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
    _("Learners see their word count as they type; a minimum of 0 means none."),
    _("This forum is live. Reflections submitted: %(count)s."),
    _("Changed prompts: those who submitted keep their reflection as it is; a new prompt is optional for them when they edit, and required of everyone who has not submitted yet."),
    _("Changed group sizes: groups already formed stay as they are; the new sizes apply to learners placed from now on."),
    _("Pseudonyms cannot be switched to names any more: that would reveal who wrote what."),
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
    (_("Nobody waits for long: within %(hours)s hour you will be placed in a group even if fewer people arrive."),
     _("Nobody waits for long: within %(hours)s hours you will be placed in a group even if fewer people arrive.")),
    (_("The reason can be at most %(max)s character."), _("The reason can be at most %(max)s characters.")),
    (_("A comment can be at most %(max)s character."), _("A comment can be at most %(max)s characters.")),
    (_("%(count)s older comment shown."), _("%(count)s older comments shown.")),
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
    _("Close"),
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
)


#: Plurals of the staff console, sent to course staff only with ``STAFF_JS_STRINGS``.
STAFF_JS_PLURALS = (
    (_("Small: fewer than %(min)s member"), _("Small: fewer than %(min)s members")),
    (_("Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s member), "
       "or form a group of their own when there is none."),
     _("Place everyone waiting (%(count)s) in groups now? They join the smallest groups (up to %(max)s members), "
       "or form a group of their own when there is none.")),
)


def js_translations(gettext, strings=JS_STRINGS, plurals=JS_PLURALS, ngettext=None):
    """``{english: translated}`` for every string of ``strings`` and ``{singular: [singular,
    plural]}`` (translated) for every pair of ``plurals``, for ``init.i18n``.

    Only what differs from the English is sent; the JavaScript falls back to English. A
    plural's forms come from the catalogue's plural entry when ``ngettext`` finds one, else
    from each form's own entry (the rule n != 1 assumed, see the module's docstring).
    """
    out = {}
    for english in strings:
        translated = gettext(english)
        if translated and translated != english:
            out[english] = translated
    for singular, plural in plurals:
        forms = [singular, plural]
        if ngettext is not None:
            forms = [ngettext(singular, plural, 1) or singular, ngettext(singular, plural, 2) or plural]
        if forms == [singular, plural]:
            forms = [gettext(singular) or singular, gettext(plural) or plural]
        if forms != [singular, plural]:
            out[singular] = forms
    return out
