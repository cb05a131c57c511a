"""Storage: the learner's own state, the shared index, and peers' state, through the runtime.

- **Own state** (``Scope.user_state`` fields of the block) is authoritative for what a
  learner writes; only that learner's requests write it.
- **The shared index** (one ``Scope.user_state_summary`` field) holds ids only. In one
  process its writes are serialised by a lock and always re-read fresh from field data, so
  concurrent learners lose nothing; across processes it is repaired by ``merge_learner``.
- **Peers' state** is read through a ``PeerStateReader``: the runtime's ``user_state``
  service (LMS and workbench) or an in-memory fake in unit tests.
"""
import threading
from contextlib import contextmanager

#: The own-state field names and their empty values.
OWN_FIELDS = {
    "accepted_at": None,
    "draft": {},
    "reflection": {},
    "my_comments": [],
    "helpful_marks": [],
    "my_flags": [],
    "placement": {},
    "published_grade": None,
}

INDEX_FIELD = "forum_index"

#: Locks are striped: a fixed number, each shared by the keys that hash to it, so memory
#: stays bounded however many learners and blocks a process serves. Two keys sharing a
#: stripe only wait for each other; learner locks are always taken before index locks.
_LEARNER_LOCKS = tuple(threading.RLock() for _ in range(256))
_INDEX_LOCKS = tuple(threading.RLock() for _ in range(64))


@contextmanager
def learner_lock(block_id, username):
    """Serialise one learner's requests on one block in this process (two tabs, retries)."""
    with _LEARNER_LOCKS[hash((str(block_id), str(username))) % len(_LEARNER_LOCKS)]:
        yield


@contextmanager
def index_lock(block_id):
    """Serialise read-modify-write of one block's shared index in this process."""
    with _INDEX_LOCKS[hash(str(block_id)) % len(_INDEX_LOCKS)]:
        yield


class FieldStore:
    """The adapter over an XBlock's fields and field data.

    Reads bypass the block's field cache so that a value is fresh once a lock is held;
    writes go straight to field data and update the cache, so nothing is left dirty for
    the runtime to write again later, outside the lock.
    """

    def __init__(self, block):
        self.block = block

    def _read(self, name):
        field = self.block.fields[name]
        field_data = self.block._field_data  # pylint: disable=protected-access
        if field_data.has(self.block, name):
            return field.from_json(field_data.get(self.block, name))
        return field.default

    def _write_many(self, values):
        block = self.block
        field_data = block._field_data  # pylint: disable=protected-access
        field_data.set_many(block, {name: block.fields[name].to_json(value) for name, value in values.items()})
        cache = getattr(block, "_field_data_cache", None)
        for name in values:
            if cache is not None:
                cache.pop(name, None)
            block._dirty_fields.pop(block.fields[name], None)  # pylint: disable=protected-access

    def read_own(self):
        """The learner's own state as a dict of field name to (JSON) value."""
        return {name: self._read(name) for name in OWN_FIELDS}

    def write_own(self, changed):
        """Write the changed own-state fields."""
        if changed:
            self._write_many(changed)

    def read_index(self):
        """The shared index as stored (a dict)."""
        return self._read(INDEX_FIELD) or {}

    def write_index(self, data):
        """Replace the shared index."""
        self._write_many({INDEX_FIELD: data})


class PeerStateReader:
    """Reads other learners' own state (a dict of own-state fields) by username."""

    def read(self, username):  # pragma: no cover - interface
        raise NotImplementedError


class UserStateServiceReader(PeerStateReader):
    """Over the LMS ``user_state`` service (``get_state_as_dict(username, block_id)``)."""

    def __init__(self, service, block_id):
        self.service = service
        self.block_id = str(block_id)

    def read(self, username):
        state = self.service.get_state_as_dict(username, self.block_id) or {}
        return {name: state.get(name, empty) for name, empty in OWN_FIELDS.items()}
