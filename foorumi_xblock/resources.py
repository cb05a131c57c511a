"""How the views' JavaScript and CSS reach the browser.

The sources in ``static/`` are what we read, review and test, one concern per file
(``static/js/foorumi.js`` lists the learner view's parts). The browser gets each view's
scripts as **one** file, its parts minified (``rjsmin``) and joined in load order, and every
stylesheet and strings' file minified (``rjsmin``/``rcssmin``): made from the sources the
first time they are asked for, kept for the process (remade when a source file changes),
and served through ``XBlock.open_local_resource`` as the LMS and the workbench both serve an
XBlock's resources. Nothing generated is committed and there is no build step
(``docs/decisions/0003-no-js-build.md``).

A view's bundle is ``static/js/bundle/<view>.<digest>.js``: the digest of its content is in
its name, so a new release is never served from a browser's old cache. ``FOORUMI_JS_SOURCES=1`` in
the environment serves the source files one by one and untouched, for debugging.
"""
import hashlib
import os
import re
import threading

import rcssmin
import rjsmin

#: Each view's scripts in load order, its entry (the init function's file) last.
BUNDLES = {
    "learner": (
        "foorumi_core", "foorumi_words", "foorumi_links", "foorumi_render", "foorumi_sync", "foorumi_stages",
        "foorumi_compose", "foorumi_comments", "foorumi_group", "foorumi_sessions", "foorumi",
    ),
    "staff": (
        "foorumi_staff_console", "foorumi_staff_moderation", "foorumi_staff_groups", "foorumi_staff_learners",
        "foorumi_staff_sessions", "foorumi_staff",
    ),
    "studio": (
        "foorumi_core", "foorumi_studio_fields", "foorumi_studio_lists", "foorumi_studio_form", "foorumi_studio_problems",
        "foorumi_studio",
    ),
}
#: The init function of each view (its entry file's name in CamelCase).
ENTRIES = {"learner": "FoorumiXBlock", "staff": "FoorumiStaff", "studio": "FoorumiStudio"}
BUNDLE_DIR = "static/js/bundle"
_BUNDLE_NAME = re.compile(re.escape(BUNDLE_DIR) + r"/([a-z]+)(?:\.[0-9a-f]{1,64})?\.js")


def sources_mode():
    """Serve the sources one by one, untouched (``FOORUMI_JS_SOURCES=1``)."""
    return os.environ.get("FOORUMI_JS_SOURCES") == "1"


def source_path(name):
    return f"static/js/{name}.js"


def script_paths(view, read, stamp=None):
    """The resource paths a page of ``view`` names for its scripts, in load order.

    ``read(path)`` gives a source file's bytes; ``stamp(path)`` something that changes when
    the file does (its modification time), so that a page view need not read the sources
    to name the bundle."""
    if sources_mode():
        return tuple(source_path(name) for name in BUNDLES[view])
    uri = f"{BUNDLE_DIR}/{view}.js"
    stamps = tuple(stamp(source_path(name)) for name in BUNDLES[view]) if stamp else None
    with _LOCK:
        digest = _NAMED.get((uri, stamps)) if stamps else None
    if digest is None:
        digest = _served(uri, read)[1]
        if stamps:
            with _LOCK:
                _NAMED[(uri, stamps)] = digest
    return (f"{BUNDLE_DIR}/{view}.{digest}.js",)


def served(uri, read):
    """The bytes a browser gets for resource ``uri`` (a path under ``static/``), or None
    for a path this module does not make (the caller serves the file as it is)."""
    if sources_mode():
        return None
    found = _served(uri, read)
    return found[0] if found else None


_CACHE = {}
_NAMED = {}
_LOCK = threading.Lock()


def _served(uri, read):
    """``(content, digest)`` for a bundle, a minified script or stylesheet; None otherwise."""
    bundle = _BUNDLE_NAME.fullmatch(uri)
    if bundle:
        # "<view>.<digest>.js": the digest only names the content; the current one is served.
        view = bundle.group(1)
        if view not in BUNDLES:
            return None
        uri = f"{BUNDLE_DIR}/{view}.js"
        parts = [source_path(name) for name in BUNDLES[view]]
    elif uri.endswith((".js", ".css")):
        parts = [uri]
    else:
        return None
    sources = [read(path) for path in parts]
    key = (uri, hashlib.sha256(b"\0".join(sources)).hexdigest())
    with _LOCK:
        found = _CACHE.get(key)
    if found is None:
        if uri.endswith(".css"):
            content = rcssmin.cssmin(sources[0].decode("utf-8")).encode("utf-8")
        elif bundle:
            # Each part is a complete statement (an IIFE); ";" keeps them apart when joined.
            content = "\n".join(rjsmin.jsmin(s.decode("utf-8")) + ";" for s in sources).encode("utf-8")
        else:
            content = rjsmin.jsmin(sources[0].decode("utf-8")).encode("utf-8")
        found = (content, hashlib.sha256(content).hexdigest()[:12])
        with _LOCK:
            _CACHE[key] = found
    return found
