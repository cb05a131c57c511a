"""Where a request's time goes: pyinstrument sessions summarized as top costs.

Sessions come from the server's workers (``server_wsgi.py`` saves one per request that
asks with ``X-Bench-Profile``) or from requests at the runtime level (``profile_calls``);
the sessions of one label are combined, and two lists are printed per label, in
milliseconds per request and in percent of the profiled time:

- **Foorumi call sites**: each sample goes to the deepest frame in ``foorumi_xblock`` on
  its stack, so a store function's row carries the SQL it made (compiled, run, turned
  into objects) but not the time of Foorumi functions it called (those have rows of
  their own). Where a request spends time outside Foorumi (the runtime, Django's
  request handling), the sample goes to "(outside Foorumi)"; the workbench's key-value
  store (XBlock fields, one ``XBlockState`` query per ``user_state`` field access) and
  opening the database connection (once per request unless ``CONN_MAX_AGE`` keeps it)
  have rows of their own wherever they are called from.
- **By kind of work**: the self time of every sample's innermost frame, by the library
  and layer it belongs to (``KINDS``): the database driver's round trips, Django's SQL
  compiler, the rest of the ORM, Django's request handling, the XBlock runtime, the
  workbench, JSON, Foorumi's own Python, opening connections, and so on.

pyinstrument is a bench-only dependency (``benchmarks/requirements.txt``); without it the
benchmark says so and skips its profiles.
"""
import os
from pathlib import Path

#: (kind, path fragments of the innermost frame's file), the first match wins.
KINDS = (
    ("database driver (round trips, fetch)", ("/psycopg2/", "/pymysql/", "/sqlite3/", "/MySQLdb/",
                                              "django/db/backends/")),
    ("Django ORM: SQL compiler", ("django/db/models/sql/compiler.py",)),
    ("Django ORM: query building, expressions", ("django/db/models/sql/", "django/db/models/expressions.py",
                                                 "django/db/models/lookups.py", "django/db/models/functions/",
                                                 "django/db/models/aggregates.py", "django/db/models/query_utils.py")),
    ("Django ORM: querysets, rows to objects", ("django/db/models/", "django/db/transaction.py", "django/db/utils.py",
                                                "django/db/__init__.py")),
    ("Django request handling, middleware", ("django/core/handlers/", "django/middleware/", "django/http/",
                                             "django/urls/", "django/contrib/")),
    ("Django (other)", ("/django/",)),
    ("Foorumi's workbench services (user, i18n)", ("foorumi_xblock/workbench/",)),
    ("workbench (runtime, key-value store)", ("/workbench/",)),
    ("XBlock runtime and fields", ("/xblock/",)),
    ("Foorumi (own Python)", ("foorumi_xblock/",)),
    ("xblock-poll", ("/poll/",)),
    ("JSON", ("/json/", "simplejson")),
    ("WebOb", ("/webob/",)),
    ("gettext, translations", ("gettext.py",)),
    ("copy, deepcopy", ("/copy.py",)),
    ("hashlib, uuid", ("hashlib", "uuid.py")),
)
OUTSIDE = "(outside Foorumi: the runtime, Django's request handling)"
#: Reads and writes of XBlock fields in the workbench's store (one ``XBlockState`` row
#: query per field access of ``user_state``): a call site of their own, not Foorumi's.
KEY_VALUE_STORE = ("workbench/runtime.py", "workbench/models.py")
KVS_SITE = "(workbench key-value store: XBlockState rows of fields)"
#: Opening the database connection (with ``CONN_MAX_AGE`` 0, once per request, by
#: whichever query comes first): a site and a kind of its own.
CONNECT = "(database: opening a connection)"
CONNECT_FUNCTIONS = frozenset({"connect", "ensure_connection"})
CONNECT_FILE = "django/db/backends/base/base.py"


def available():
    """Whether pyinstrument can be imported."""
    try:
        import pyinstrument  # noqa: F401  (imported to check it is installed)
    except ImportError:
        return False
    return True


def profile_calls(call, count, interval=0.0005):
    """Run ``call(n)`` for n in range(count) under one pyinstrument profiler; its session."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    try:
        for n in range(count):
            call(n)
    finally:
        session = profiler.stop()
    return session


def load(directory, label):
    """The combined session of every ``<label>.*.json`` in ``directory``, and how many."""
    from pyinstrument.session import Session

    paths = sorted(Path(directory).glob(f"{label}.*.json"))
    combined = None
    for path in paths:
        session = Session.load(path)
        combined = session if combined is None else Session.combine(combined, session)
    return combined, len(paths)


def _kind(path):
    path = (path or "").replace(os.sep, "/")
    for kind, fragments in KINDS:
        if any(fragment in path for fragment in fragments):
            return kind
    if "/lib/python3" in path and "site-packages" not in path:
        return "Python standard library (other)"
    return "other"


def _is_foorumi(path):
    return "foorumi_xblock/" in (path or "").replace(os.sep, "/")


def _short(path):
    path = (path or "").replace(os.sep, "/")
    return path.split("foorumi_xblock/", 1)[-1] if "foorumi_xblock/" in path else path.rsplit("/", 1)[-1]


def summarize(session, requests, top=8):
    """``(total ms per request, [(call site, ms, %)], [(kind, ms, %)])`` of a session."""
    root = session.root_frame()
    if root is None or not root.time:
        return 0.0, [], []
    sites, kinds = {}, {}

    def walk(frame, owner, parent_kind, connecting):
        path = (frame.file_path or "").replace(os.sep, "/")
        if not connecting and frame.function in CONNECT_FUNCTIONS and path.endswith(CONNECT_FILE):
            connecting, owner = True, CONNECT
        if connecting:
            kind = CONNECT
        elif _is_foorumi(path):
            owner = f"{frame.function} ({_short(path)}:{frame.line_no})"
        elif any(fragment in path for fragment in KEY_VALUE_STORE):
            owner = KVS_SITE
        if not connecting:
            # Built-in functions (``<built-in>``, ``<string>``) count as the code that called them.
            kind = parent_kind if path.startswith("<") or not path else _kind(path)
        own = frame.total_self_time
        if own:
            sites[owner] = sites.get(owner, 0.0) + own
            kinds[kind] = kinds.get(kind, 0.0) + own
        for child in frame.children:
            if not child.is_synthetic:
                walk(child, owner, kind, connecting)

    walk(root, OUTSIDE, "other", False)
    total = sum(sites.values())

    def rows(table):
        ranked = sorted(table.items(), key=lambda item: item[1], reverse=True)[:top]
        return [(name, seconds * 1000 / requests, 100 * seconds / total) for name, seconds in ranked]

    return total * 1000 / requests, rows(sites), rows(kinds)


def render(label, where, session, requests, top=8):
    """The printed lines of one label's summary."""
    per_request, sites, kinds = summarize(session, requests, top)
    lines = [f"{label} ({where}; {requests} requests profiled, {per_request:.1f} ms per request under the profiler)"]
    lines.append("    Foorumi call sites (with the library work beneath them):")
    lines += [f"      {ms:8.2f} ms {share:5.1f} %  {name}" for name, ms, share in sites]
    lines.append("    by kind of work (self time):")
    lines += [f"      {ms:8.2f} ms {share:5.1f} %  {name}" for name, ms, share in kinds]
    return lines


def save_text(session, path):
    """pyinstrument's own text rendering of a session (the whole tree), for a closer look."""
    Path(path).write_text(session_text(session), encoding="utf-8")


def session_text(session):
    from pyinstrument.renderers import ConsoleRenderer

    return ConsoleRenderer(unicode=False, color=False, show_all=False, short_mode=False).render(session)
