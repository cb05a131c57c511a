"""A per-process cache of authored fields for the workbench served by several workers.

The workbench's key-value store runs one ``get_or_create`` query per field read, and a
Foorumi request reads every setting: on a 2-core machine that was over half of each
request's CPU. The LMS serves authored fields (settings, content) from the modulestore,
cached, so caching them is closer to the LMS, and leaves alone what the multi-process tests
and the benchmarks measure (learners' ``user_state`` rows and Foorumi's tables). Writes go
through and drop the cached row; a Studio edit would reach only the worker that took it, so
this is for ``tests/multiprocess/race_wsgi.py`` and ``benchmarks/server_wsgi.py``, never
for ``make run``.
"""
import copy
import json

from xblock.fields import Scope

#: Authored scopes: in the LMS they come from the modulestore, not from per-field SQL.
AUTHORED = frozenset({Scope.content, Scope.settings, Scope.children, Scope.parent})


def cache_authored_fields(kvs):
    """Make ``kvs`` (the workbench's key-value store) read authored fields from a cache."""
    get, has, set_, delete = kvs.get, kvs.has, kvs.set, kvs.delete
    rows = {}

    def ident(key):
        return (key.scope, key.user_id, key.block_scope_id, key.block_family)

    def row(key):
        if ident(key) not in rows:
            from workbench.models import XBlockState

            rows[ident(key)] = json.loads(XBlockState.get_for_key(key).state)
        return rows[ident(key)]

    def cached_get(key):  # a copy, as the store's own json.loads gives: callers may change it
        return copy.deepcopy(row(key)[key.field_name]) if key.scope in AUTHORED else get(key)

    def cached_has(key):
        return key.field_name in row(key) if key.scope in AUTHORED else has(key)

    def writing(method):
        def write(key, *args):
            rows.pop(ident(key), None)
            return method(key, *args)
        return write

    kvs.get, kvs.has, kvs.set, kvs.delete = cached_get, cached_has, writing(set_), writing(delete)
