"""The Foorumi XBlock: fields, views and handlers, and nothing else.

Handlers parse and validate their input, hand the work to ``learner.LearnerForum`` (which
runs it as one transaction through the repository, ``store/``, and calls the pure domain
in ``forum/``) and map the domain's typed errors to HTTP statuses in one place
(``api_handler``). The forum's shared records live in Foorumi's own tables; the block's
fields hold only settings and the learner's private draft and last published grade.
"""
import functools
import importlib.resources
import io
import json
import os
import time
import uuid

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from . import olx, resources
from .forum import config as forum_config
from .forum.errors import Conflict, ForumError, Invalid, NotAllowed, NotFound, TooLarge, WrongStage, _
from .forum.records import MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_FLAG_REASON_CHARS, MAX_REASON_CHARS, handle_of
from .i18n import Translator
from .retirement import usernames_by_anonymous_id
from .i18n import language as i18n_language
from .ui_strings import js_i18n

loader = ResourceLoader(__name__)

#: The one place where domain errors become HTTP statuses.
STATUS = {Invalid: 400, NotAllowed: 403, NotFound: 404, WrongStage: 409, Conflict: 409, TooLarge: 413}

#: No request body a learner sends needs more (answers are bounded well below this).
MAX_BODY_BYTES = 256 * 1024

POLL_SECONDS = 15


def safe_json(data):
    """JSON for a page's init data with ``<``, ``>`` and ``&`` escaped.

    Runtimes write ``initialize_js`` arguments into a ``<script>`` element; learner text
    such as ``</script>`` must never be able to end it.
    """
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def json_response(payload, status=200):
    """A JSON response."""
    return Response(json.dumps(payload), status=status, content_type="application/json", charset="utf-8")


def api_handler(func=None, *, staff=False):
    """A POST JSON handler: bounded body, a JSON object in, JSON out, typed errors as statuses.

    Errors are ``{"error": "<translated message>", **details}`` with 400/403/404/409/413
    (and 405 for a method other than POST); a handler that raises has changed nothing.
    With ``staff=True`` the caller's course-staff role is checked first, before anything of
    the request is read: everyone else gets 403.
    """
    if func is None:
        return functools.partial(api_handler, staff=staff)

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        gettext = self.gettext
        viewer = self.viewer()
        if not viewer.authenticated:  # the LMS's no-auth handler route: nobody to act as
            return json_response({"error": gettext("Please sign in first.")}, 403)
        if staff and not viewer.is_staff:
            return json_response({"error": gettext("Only course staff may do this.")}, 403)
        if request.method != "POST":
            return json_response({"error": gettext("Method must be POST")}, 405)
        if (request.content_length or 0) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            return json_response({"error": gettext("The request is too large.")}, 413)
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...
            return json_response({"error": gettext("The request is not valid JSON.")}, 400)
        if not isinstance(data, dict):
            return json_response({"error": gettext("The request must be a JSON object.")}, 400)
        try:
            return json_response(func(self, data))
        except ForumError as error:
            return json_response({**error.details, "error": error.render(gettext)}, STATUS[type(error)])

    return wrapper


def text_field(data, key):
    """``data[key]`` as text, or a 400."""
    value = data.get(key)
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text."), field=key)
    return value


@XBlock.supports("multi_device")  # the learner view works on phones (375 px)
@XBlock.needs("i18n", "user")
@XBlock.wants("teams", "studio_user_permissions")
class FoorumiXBlock(StudioEditableXBlockMixin, XBlock):
    """A peer forum: reflection prompts, small groups formed from submitters, peer feedback."""

    # -- authored content and settings (defaults and rules in forum/config.py) -------------
    display_name = String(
        display_name=_("Display name"), scope=Scope.settings, default=forum_config.ForumConfig.display_name,
        help=_("The name learners see for this forum."),
    )
    intro = String(display_name=_("Introduction"), scope=Scope.content, default="", multiline_editor=True)
    agreement_required = Boolean(
        display_name=_("Ground rules must be accepted"), scope=Scope.settings, default=True,
    )
    agreement_items = List(
        display_name=_("Ground rules"), scope=Scope.content, default=list(forum_config.DEFAULT_AGREEMENT),
    )
    prompts = List(
        display_name=_("Reflection prompts"), scope=Scope.content,
        default=[p.to_dict() for p in forum_config.ForumConfig.prompts],
    )
    group_size = Integer(display_name=_("Group size"), scope=Scope.settings, default=5)
    min_group_size = Integer(display_name=_("Smallest group"), scope=Scope.settings, default=3)
    max_group_size = Integer(display_name=_("Largest group"), scope=Scope.settings, default=7)
    comments_required = Integer(display_name=_("Comments required"), scope=Scope.settings, default=2)
    pool_timeout_hours = Integer(display_name=_("Longest wait for a group (hours)"), scope=Scope.settings, default=24)
    feedback_min_words = Integer(
        display_name=_("Words a comment needs to count"), scope=Scope.settings, default=5,
        help=_("A comment on a peer's reflection counts toward the comments required only with at least this "
               "many words (0: any comment counts)."),
    )
    identity = String(
        display_name=_("Identity"), scope=Scope.settings, default="named",
        values=[{"display_name": _("Names"), "value": "named"}, {"display_name": _("Pseudonyms"), "value": "pseudonymous"}],
    )
    group_set = String(
        display_name=_("Group set"), scope=Scope.settings, default="",
        help=_("Forums of the course with the same group set keep the same small groups from session to session "
               "(empty: this forum forms groups of its own). Cannot be changed once learners have submitted."),
    )
    newcomers_see_earlier = Boolean(
        display_name=_("Newcomers may read earlier sessions"), scope=Scope.settings, default=False,
        help=_("Whether a learner new to a group may read what the group wrote in earlier sessions of the set. "
               "Off by default: the ground rules promised confidentiality to the group as it was."),
    )
    scored = Boolean(display_name=_("Scored"), scope=Scope.settings, default=False)
    weight = Float(display_name=_("Problem weight"), scope=Scope.settings, default=1.0)

    editable_fields = forum_config.FIELD_NAMES

    # -- the learner's private, single-writer state (shared records: store/) -----------
    draft = Dict(scope=Scope.user_state)
    published_grade = Float(scope=Scope.user_state, default=None)
    placement = String(scope=Scope.user_state, default="")

    # Static files are served by URL (``runtime.local_resource_url``) from here only;
    # ``foorumi_xblock/static`` links to the repository's ``static/``.
    public_dir = "static"

    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    icon_class = "problem"

    clock = staticmethod(time.time)

    def __repr__(self):
        # XBlock's repr lists every field, learners' drafts included; pages and logs that
        # print a block (the workbench does) must not show them.
        return f"<FoorumiXBlock {self.scope_ids.usage_id}>"

    @property
    def has_score(self):
        """Scored only when the author says so."""
        return bool(self.scored)

    def max_score(self):
        """A grade is the fraction of requirements met (the LMS applies ``weight``)."""
        return 1

    # -- who is asking ---------------------------------------------------------------------
    @property
    def gettext(self):
        """``gettext`` in the request's language (the platform's service, then Foorumi's
        own catalog: see ``i18n.py``)."""
        return self.translator().gettext

    def translator(self):
        """This request's ``i18n.Translator``."""
        return Translator(self.runtime.service(self, "i18n"))

    def viewer(self):
        """The current user from the user service, with a forum-local handle."""
        user = self.runtime.service(self, "user").get_current_user()
        attrs = getattr(user, "opt_attrs", {}) or {}
        username = attrs.get("edx-platform.username") or str(self.scope_ids.user_id)
        anonymous = attrs.get("edx-platform.anonymous_user_id") or username
        authenticated = bool(attrs.get("edx-platform.is_authenticated"))
        from .learner import Viewer  # see forum()
        return Viewer(
            handle=handle_of(str(self.scope_ids.usage_id), anonymous),
            username=username,
            name=getattr(user, "full_name", None) or username,
            is_staff=authenticated
            and bool(attrs.get("edx-platform.user_is_staff") or attrs.get("edx-platform.user_is_global_staff")),
            user_id=str(anonymous),
            authenticated=authenticated,
        )

    def config(self):
        """The forum's settings as the domain's ``ForumConfig``."""
        return forum_config.ForumConfig.from_fields({name: getattr(self, name) for name in forum_config.FIELD_NAMES})

    def course_key(self):
        """The course this block belongs to (the workbench has one course for everything)."""
        return str(getattr(self.scope_ids.usage_id, "context_key", None) or "workbench")

    def forum(self, private=True):
        """This request's learner forum; a forum whose settings break a rule is not opened.

        ``private=False`` leaves the learner's private fields unread (a poll needs none of
        them, and in the LMS each is a read of the learner's state row).
        """
        # Imported here: the repository needs Django's app registry, which is not ready yet
        # when the platform loads XBlock classes.
        from .learner import LearnerForum, Private

        config = self.config()
        if forum_config.validate(config):
            raise WrongStage(_("This forum is not ready yet: course staff need to correct its settings in Studio."))
        return LearnerForum(
            config=config, viewer=self.viewer(),
            private=Private(draft=dict(self.draft or {}), published_grade=self.published_grade, placement=self.placement)
            if private else Private(),
            now=self.clock(), new_id=lambda: uuid.uuid4().hex[:12], usage_key=self.scope_ids.usage_id,
            course_key=self.course_key(),
        )

    def _run(self, operation=None, **kwargs):
        """Run one learner operation, publish what it says, and return the learner state."""
        forum = self.forum()
        outcome = forum.run(operation, **kwargs)
        # Private state is written only when it changed: a poll writes nothing.
        for name in ("draft", "published_grade", "placement"):
            if getattr(forum.private, name) != getattr(self, name):
                setattr(self, name, getattr(forum.private, name))
        for name, data in outcome.events:
            self.runtime.publish(self, name, data)
        return forum.view(outcome, self.gettext)

    def staff_forum(self):
        """This request's staff operations (the caller's role is checked by the handler)."""
        from .staff import StaffForum  # see forum()

        user_service = self.runtime.service(self, "user")
        return StaffForum(
            config=self.config(), viewer=self.viewer(), now=self.clock(), new_id=lambda: uuid.uuid4().hex[:12],
            usage_key=self.scope_ids.usage_id, course_key=self.course_key(),
            usernames=functools.partial(usernames_by_anonymous_id, user_service),
            gettext=self.gettext,
        )

    # -- views -------------------------------------------------------------------------------
    def _fragment(self, template, context, scripts=(), init=None, css=("static/css/foorumi.css",), entry=None):
        """A view's fragment: its template, its CSS and JS files by URL, and the init data.

        The files are served from ``public_dir`` (``runtime.local_resource_url``), so the
        browser caches them across units and views; what varies per view is the markup and
        the init data, passed inline to the view's init function ``entry`` (by default the
        last script's: ``foorumi_studio.js`` → ``FoorumiStudio``). The scripts load in order,
        each part before the entry that wires it (``resources.py``: one minified file per
        view, or the sources one by one).
        """
        translator = self.translator()
        context = {**context, "lang": translator.language}
        fragment = Fragment(loader.render_django_template(template, context, i18n_service=translator.for_templates()))
        for path in css:
            fragment.add_css_url(self.runtime.local_resource_url(self, path))
        for path in scripts:
            fragment.add_javascript_url(self.runtime.local_resource_url(self, path))
        if scripts:
            fragment.initialize_js(entry or script_name(scripts[-1]), {"json": safe_json(init or {})})
        return fragment

    @classmethod
    def _scripts(cls, view):
        """The resource paths of a view's scripts (``resources.script_paths``)."""
        return resources.script_paths(view, cls._read_resource, cls._resource_stamp)

    # A file of the package (``path`` under ``public_dir``, checked by the caller). By package
    # name, not the class's module: the runtime's mixed-in class lives in ``xblock.core``.
    @staticmethod
    def _read_resource(path):
        return importlib.resources.files(__package__).joinpath(path).read_bytes()

    @staticmethod
    def _resource_stamp(path):
        try:
            return os.stat(str(importlib.resources.files(__package__).joinpath(path))).st_mtime_ns
        except OSError:
            return None

    @classmethod
    def open_local_resource(cls, uri):
        """A resource the LMS or the workbench serves by URL: a view's scripts as one minified
        file, stylesheets and strings' files minified (``resources.py``); XBlock's own
        checks (only under ``public_dir``, no ``/.``) apply first."""
        if isinstance(uri, bytes):
            uri = uri.decode("utf-8")
        if not uri.startswith(cls.public_dir + "/") or "/." in uri:
            return super().open_local_resource(uri)  # refuses it
        content = resources.served(uri, cls._read_resource)
        return io.BytesIO(content) if content is not None else super().open_local_resource(uri)

    @staticmethod
    def _js_strings(translator, name="foorumi_i18n"):
        """A view's JS strings (the table ``name`` of ``ui_strings.JS_CATALOGS``) in the page's
        language: ``(scripts, init)``. The language's catalog file goes by URL (cached like
        the other scripts; English has none); inline go only ``i18n``, what the runtime's
        translator says otherwise than that file (normally nothing), and ``catalog``, the
        file's locale, where the JavaScript finds its entries (``window.Foorumi.catalog``)."""
        path, locale, overrides = js_i18n(name, translator.language, translator.gettext, translator.ngettext)
        return ((path,) if path else ()), ({"i18n": overrides, "catalog": locale} if locale else {"i18n": overrides})

    def student_view(self, context=None):
        """The learner's forum; the JS module renders the state and keeps it fresh."""
        gettext = self.gettext
        context = {"display_name": gettext(self.display_name), "intro": self.intro, "notice": ""}
        if not self.viewer().authenticated:
            notice = gettext("Please sign in to take part in this forum.")
            return self._fragment("templates/student.html", {**context, "notice": notice})
        try:
            state = self._run()
        except ForumError as error:  # e.g. settings imported from OLX that break a rule
            return self._fragment("templates/student.html", {**context, "notice": error.render(gettext)})
        translator = self.translator()
        catalog_js, strings = self._js_strings(translator)
        init = {
            "state": state, **strings,
            "lang": self._language(), "poll_seconds": POLL_SECONDS,
            "limits": {
                "answer_chars": MAX_ANSWER_CHARS, "comment_chars": MAX_COMMENT_CHARS, "reason_chars": MAX_FLAG_REASON_CHARS,
            },
        }
        # The strings' file, then the learner view's parts (resources.BUNDLES; static/js/foorumi.js
        # says what each one does), its entry last.
        learner_js = catalog_js + self._scripts("learner")
        if not state["is_staff"]:
            return self._fragment("templates/student.html", {**context, "is_staff": False}, scripts=learner_js, init=init,
                                  entry=resources.ENTRIES["learner"])
        # Course staff get the console, with the learner view as its second panel. A fragment
        # has one init function, so the console's (FoorumiStaff) is it, and it starts the
        # learner module (FoorumiXBlock, loaded first) on the same element. Learners never
        # receive the console's script, strings or report.
        staff_catalog_js, staff_strings = self._js_strings(translator, "foorumi_i18n_staff")
        init["staff"] = {
            "report": self.staff_forum().report(),
            "i18n": staff_strings["i18n"],
            "limits": {"reason_chars": MAX_REASON_CHARS},
        }
        staff_js = staff_catalog_js + self._scripts("staff")  # into the same catalog as the learner's
        return self._fragment(
            "templates/student.html", {**context, "is_staff": True}, scripts=learner_js + staff_js, init=init,
            css=("static/css/foorumi.css", "static/css/foorumi_staff.css"), entry=resources.ENTRIES["staff"],
        )

    @staticmethod
    def _language():
        """The page's language: Django's active language (the platform's i18n service has
        no ``get_language``)."""
        return i18n_language()

    def author_view(self, context=None):
        """A readable preview for Studio: the settings and the content learners will see."""
        gettext = self.gettext
        cfg = self.config()
        problems = forum_config.validate(cfg)
        return self._fragment("templates/author.html", {
            "display_name": gettext(cfg.display_name),
            "intro": cfg.intro,
            "config": cfg,
            "agreement_items": [gettext(item) for item in cfg.agreement_items],
            "problems": [p.render(gettext) for p in problems],
        })

    def studio_view(self, context=None):
        """The editor: every setting, and prompts and ground rules as editable lists."""
        gettext = self.gettext
        translator = self.translator()
        cfg = self.config()
        values = cfg.to_fields()
        values["agreement_items"] = [gettext(item) for item in values["agreement_items"]]
        # The strings' file, the shared core and the editor's parts (static/js/foorumi_studio.js
        # says which), its entry last.
        catalog_js, strings = self._js_strings(translator)
        return self._fragment(
            "templates/studio.html", {"display_name": gettext(cfg.display_name)},
            scripts=catalog_js + self._scripts("studio"), entry=resources.ENTRIES["studio"],
            init={"values": values, "limits": forum_config.LIMITS, **strings,
                  "problems": self._problems_json(forum_config.validate(cfg)),
                  "live": {"submitted": self._submitted_count()}},
            css=("static/css/foorumi_studio.css",),
        )

    def _problems_json(self, problems):
        gettext = self.gettext
        return [{"field": p.field, "index": p.index, "subfield": p.subfield, "message": p.render(gettext)} for p in problems]

    # -- Studio ----------------------------------------------------------------------------
    def can_author(self):
        """Course staff, or whoever Studio says may edit this course."""
        if self.viewer().is_staff:
            return True
        permissions = self.runtime.service(self, "studio_user_permissions")
        course_key = getattr(self.scope_ids.usage_id, "context_key", None)
        return bool(permissions is not None and course_key is not None and permissions.can_write(course_key))

    @api_handler
    def studio_submit(self, data):
        """Save the editor's values, or refuse with 400 and every problem next to its field."""
        return self._save_settings(data.get("values"))

    @api_handler
    def submit_studio_edits(self, data):
        """The generic editor's save (``StudioEditableXBlockMixin``), through the same checks.

        Without this, the mixin's own handler would let anyone change the settings.
        """
        values = data.get("values")
        defaults = data.get("defaults") or []
        if isinstance(values, dict) and isinstance(defaults, list):
            values = {**{name: self.fields[name].default for name in defaults if name in forum_config.FIELD_NAMES}, **values}
        return self._save_settings(values)

    def _save_settings(self, values):
        """Validate ``values`` (a subset of the settings) with the domain's rules and store them."""
        if not self.can_author():
            raise NotAllowed(_("Only course staff may do this."))
        if not isinstance(values, dict):
            raise Invalid(_("The request must be a JSON object with values."))
        known = {k: v for k, v in values.items() if k in forum_config.FIELD_NAMES}
        current = {name: getattr(self, name) for name in forum_config.FIELD_NAMES}
        cfg = forum_config.ForumConfig.from_fields({**current, **known})
        problems = forum_config.validate(cfg)
        if self.identity == "pseudonymous" and cfg.identity == "named" and self._anyone_submitted():
            problems.append(forum_config.Problem(
                "identity", _("Learners have already written here under pseudonyms; showing their names now "
                              "would reveal who wrote what. Keep pseudonyms, or use a new forum.")))
        if cfg.group_set != self.group_set and self._anyone_submitted():
            problems.append(forum_config.Problem(
                "group_set", _("Learners have already submitted here, in the groups of the current group set; "
                               "it can no longer be changed. Use a new forum for another group set.")))
        if problems:
            raise Invalid(
                _("The forum was not saved: please correct the marked fields."),
                details={"problems": self._problems_json(problems)},
            )
        for name, value in cfg.to_fields().items():
            if name in known:
                setattr(self, name, value)
        return {"result": "success", "values": cfg.to_fields()}

    def _anyone_submitted(self):
        return self._submitted_count() > 0

    def _submitted_count(self):
        """How many learners have submitted here (Studio warns before changes that matter)."""
        from . import store  # see forum()

        return store.submitted_count(self.scope_ids.usage_id)

    def validate_field_data(self, validation, data):
        """Studio's validation: every rule of ``forum/config.py``, one message each."""
        cfg = forum_config.ForumConfig.from_fields({name: getattr(data, name) for name in forum_config.FIELD_NAMES})
        for problem in forum_config.validate(cfg):
            label = self.fields[problem.field].display_name
            where = f" {problem.index + 1}" if problem.index is not None else ""
            text = f"{self.gettext(label)}{where}: {problem.render(self.gettext)}"
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

    # -- learner handlers (docs/design.md "Handler API") -----------------------------------------
    @api_handler
    def state(self, data):
        """The learner state (and the pool timeout that any request applies).

        With ``{"since": version}`` (the ``version`` of the state the page shows), a poll
        that finds nothing new is answered ``{"unchanged": true}`` from one query.
        """
        since = data.get("since")
        if since is not None:
            if not isinstance(since, str) or len(since) > 100:
                raise Invalid(_("%(field)s must be text."), field="since")
            if self.forum(private=False).unchanged(since):
                return {"unchanged": True, "version": since}
        return self._run()

    @api_handler
    def older_comments(self, data):
        """A page of a thread's older comments, before ``before`` (the oldest one shown)."""
        return self.forum().older_comments(data.get("reflection_id"), data.get("before"), self.gettext)

    @api_handler
    def earlier_session(self, data):
        """An earlier session of the learner's group in its group set, read-only."""
        return self.forum().earlier_session(data.get("session"), self.gettext)

    @api_handler
    def accept_agreement(self, data):
        """Accept the group's ground rules."""
        return self._run("accept_agreement")

    @api_handler
    def save_draft(self, data):
        """Save unsubmitted answers (partial, but each within its bounds)."""
        return self._run("save_draft", answers=data.get("answers"))

    @api_handler
    def submit_reflection(self, data):
        """Submit the reflection; a retried ``request_id`` creates nothing twice."""
        return self._run("submit_reflection", answers=data.get("answers"), request_id=data.get("request_id"))

    @api_handler
    def edit_reflection(self, data):
        """Edit the submitted reflection."""
        return self._run("edit_reflection", answers=data.get("answers"))

    @api_handler
    def comment(self, data):
        """Comment in a thread of one's own group (or reply to a comment there with ``reply_to``);
        a retried ``request_id`` creates nothing twice."""
        reply_to = data.get("reply_to")
        if reply_to is not None and not isinstance(reply_to, str):
            raise Invalid(_("%(field)s must be text."), field="reply_to")
        return self._run(
            "comment", reflection_id=text_field(data, "reflection_id"), text=text_field(data, "text"),
            request_id=data.get("request_id"), reply_to=reply_to,
        )

    @api_handler
    def edit_comment(self, data):
        """Edit one's own comment."""
        return self._run("edit_comment", comment_id=text_field(data, "comment_id"), text=text_field(data, "text"))

    @api_handler
    def mark_helpful(self, data):
        """Mark a comment on one's own reflection as helpful, or unmark it."""
        return self._run("mark_helpful", comment_id=text_field(data, "comment_id"), helpful=data.get("helpful"))

    @api_handler
    def flag(self, data):
        """Flag another's reflection or comment in one's group for staff."""
        return self._run("flag", item_id=text_field(data, "item_id"), reason=text_field(data, "reason"))

    # -- staff handlers (docs/design.md "Handler API"): the role is checked before the input ------
    @api_handler(staff=True)
    def staff_report(self, data):
        """Participation, group health, the pool, flags and decisions."""
        return self.staff_forum().report()

    @api_handler(staff=True)
    def staff_group(self, data):
        """Any group's threads, hidden items included and marked."""
        return self.staff_forum().group(data.get("group_id"))

    @api_handler(staff=True)
    def moderate(self, data):
        """Hide or restore a reflection or comment, with a reason; returns the fresh report."""
        staff = self.staff_forum()
        staff.moderate(data.get("item_id"), data.get("action"), data.get("reason", ""))
        self.runtime.publish(self, "foorumi.moderated", {"item_id": data.get("item_id"), "action": data.get("action")})
        return staff.report()

    @api_handler(staff=True)
    def form_groups(self, data):
        """Place everyone waiting in the pool now; returns the fresh report."""
        staff = self.staff_forum()
        changes = staff.form_groups()
        self.runtime.publish(self, "foorumi.groups.formed_now", {"changes": len(changes)})
        return staff.report()

    @api_handler(staff=True)
    def move_learner(self, data):
        """Move a learner into another group (their reflection and comments go along)."""
        staff = self.staff_forum()
        staff.move(data.get("learner_id"), data.get("group_id"))
        self.runtime.publish(self, "foorumi.learner.moved", {"group_id": data.get("group_id")})
        return staff.report()

    @api_handler(staff=True)
    def merge_groups(self, data):
        """Merge one group of the set into another (also for the set's later forums)."""
        staff = self.staff_forum()
        staff.merge(data.get("group_id"), data.get("into_group_id"))
        self.runtime.publish(self, "foorumi.groups.merged", {
            "group_id": data.get("group_id"), "into_group_id": data.get("into_group_id"),
        })
        return staff.report()

    @XBlock.handler
    def export_csv(self, request, suffix=""):
        """Participation as CSV (GET; ``?include_text=1`` adds the answers); staff only."""
        if not self.viewer().is_staff:  # anonymous callers are never staff
            return json_response({"error": self.gettext("Only course staff may do this.")}, 403)
        if request.method != "GET":
            return json_response({"error": self.gettext("Method must be GET")}, 405)
        include_text = request.GET.get("include_text") == "1"
        body = self.staff_forum().export_csv(include_text=include_text)
        response = Response(body.encode("utf-8"), content_type="text/csv", charset="utf-8")
        name = "foorumi-participation-with-texts.csv" if include_text else "foorumi-participation.csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    # -- OLX ---------------------------------------------------------------------------------
    #: Fields that OLX never carries as attributes (the tree and learner state say them).
    _NOT_IN_OLX = frozenset({"parent", "children"})

    @classmethod
    def _platform_fields(cls):
        """Settings and content fields beyond Foorumi's own: those the platform mixes in
        (``visible_to_staff_only``, ``group_access``, ``due`` ...). They travel as attributes,
        as XBlock's default OLX writes them, so copy-paste and course export keep them."""
        return {
            name: field for name, field in cls.fields.items()
            if name not in forum_config.FIELD_NAMES and name not in cls._NOT_IN_OLX
            and field.scope in (Scope.settings, Scope.content)
        }

    @classmethod
    def parse_xml(cls, node, runtime, keys, *args, **kwargs):
        """Read the OLX of docs/design.md; documents with a DTD or entities are refused."""
        values = olx.read_olx(node)  # refuses a tree with a DTD or entities first
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in values.items():
            setattr(block, name, value)
        platform = cls._platform_fields()
        for name, raw in node.attrib.items():
            if name in platform:
                setattr(block, name, platform[name].from_string(raw))
        return block

    def add_xml_to_node(self, node):
        """Write the OLX of docs/design.md, and the platform's settings as attributes."""
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        olx.write_olx({name: getattr(self, name) for name in forum_config.FIELD_NAMES if self.fields[name].is_set_on(self)}, node)
        for name, field in sorted(self._platform_fields().items()):
            if field.is_set_on(self):
                node.set(name, field.to_string(field.read_from(self)))

    # -- workbench ---------------------------------------------------------------------------
    @staticmethod
    def workbench_scenarios():
        """Demo forums in Finnish and English for the workbench."""
        folder = os.path.join(os.path.dirname(__file__), "workbench", "scenarios")
        scenarios = []
        for filename in sorted(os.listdir(folder)):
            if filename.endswith(".xml"):
                with open(os.path.join(folder, filename), encoding="utf-8") as handle:
                    xml = handle.read()
                title = xml.split('display_name="', 1)[1].split('"', 1)[0]
                scenarios.append((title, xml))
        return scenarios


def script_name(path):
    """The JS init function of a module: ``foorumi_studio.js`` → ``FoorumiStudio``."""
    stem = os.path.splitext(os.path.basename(path))[0]
    base = "".join(part.capitalize() for part in stem.split("_"))
    return "FoorumiXBlock" if base == "Foorumi" else base
