"""Usernames for the staff report: one lookup in the LMS, the user service elsewhere."""
import sys
import types
from types import SimpleNamespace

from foorumi_xblock.retirement import anonymous_ids_of, usernames_by_anonymous_id


class FakeQuerySet(list):
    def select_related(self, *names):
        return self


class FakeAnonymousUserId:
    rows = [SimpleNamespace(anonymous_user_id="a1", user=SimpleNamespace(username="anna")),
            SimpleNamespace(anonymous_user_id="b2", user=SimpleNamespace(username="ben"))]
    calls = []

    class objects:  # the shape of a Django manager
        @staticmethod
        def filter(**kwargs):
            FakeAnonymousUserId.calls.append(kwargs)
            if "anonymous_user_id__in" in kwargs:
                wanted = set(kwargs["anonymous_user_id__in"])
                return FakeQuerySet(r for r in FakeAnonymousUserId.rows if r.anonymous_user_id in wanted)
            return SimpleNamespace(values_list=lambda *a, **k: ["a1", "a9"])


def install_fake_lms(monkeypatch):
    names = ["common", "common.djangoapps", "common.djangoapps.student", "common.djangoapps.student.models"]
    for name in names:
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["common.djangoapps.student.models"].AnonymousUserId = FakeAnonymousUserId
    FakeAnonymousUserId.calls.clear()


def test_in_the_lms_all_usernames_come_from_one_query(monkeypatch):
    install_fake_lms(monkeypatch)
    service = SimpleNamespace(get_user_by_anonymous_id=lambda uid: (_ for _ in ()).throw(AssertionError("one by one")))
    assert usernames_by_anonymous_id(service, ["a1", "b2", "c3", ""]) == {"a1": "anna", "b2": "ben"}
    assert len(FakeAnonymousUserId.calls) == 1
    assert anonymous_ids_of(SimpleNamespace(id=1)) == ["a1", "a9"]


def test_elsewhere_the_user_service_is_asked_for_each():
    users = {"a1": SimpleNamespace(username="anna")}
    service = SimpleNamespace(get_user_by_anonymous_id=users.get)
    assert usernames_by_anonymous_id(service, ["a1", "zz"]) == {"a1": "anna"}
    assert usernames_by_anonymous_id(SimpleNamespace(), ["a1"]) == {}
