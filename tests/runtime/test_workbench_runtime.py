"""The workbench pieces Foorumi ships, inside the real workbench runtime (in process).

The user service's staff rule and identity attributes, and two learners meeting through
Foorumi's tables in the workbench's database (no ``user_state`` service needed).
"""
import json

import pytest
from webob import Request

from foorumi_xblock.block import FoorumiXBlock
from foorumi_xblock.workbench.services import WorkbenchUserService, anonymous_id_for, display_name_for, is_staff_id


@pytest.mark.parametrize("user_id, staff", [
    ("staff", True), ("staff1", True), ("staff_anna", True),
    ("anna", False), ("student_1", False), ("mystaff", False), ("", False), (None, False),
])
def test_ids_starting_with_staff_are_course_staff(user_id, staff):
    assert is_staff_id(user_id) is staff
    user = WorkbenchUserService(user_id).get_current_user()
    assert user.opt_attrs["edx-platform.user_is_staff"] is staff


def test_every_user_has_a_display_name_and_a_stable_anonymous_id():
    anna = WorkbenchUserService("anna_k").get_current_user()
    again = WorkbenchUserService("anna_k").get_current_user()
    ben = WorkbenchUserService("ben").get_current_user()
    assert anna.full_name == display_name_for("anna_k") == "Anna K"
    assert anna.opt_attrs["edx-platform.username"] == "anna_k"
    assert anna.opt_attrs["edx-platform.anonymous_user_id"] == again.opt_attrs["edx-platform.anonymous_user_id"]
    assert anna.opt_attrs["edx-platform.anonymous_user_id"] != ben.opt_attrs["edx-platform.anonymous_user_id"]
    assert anna.opt_attrs["edx-platform.anonymous_user_id"] == anonymous_id_for("anna_k")


@pytest.fixture(scope="module")
def workbench_db():
    """The workbench's tables in the test process's database (see conftest) and its scenarios."""
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from workbench.scenarios import get_scenarios

    return get_scenarios()


def handle(usage_id, student, handler, data):
    from workbench.runtime import WorkbenchRuntime

    runtime = WorkbenchRuntime(student)
    block = runtime.get_block(usage_id)
    request = Request.blank("/", method="POST", body=json.dumps(data).encode())
    response = runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body)


def test_the_workbench_runtime_gives_foorumi_its_services(workbench_db):
    from workbench.runtime import WorkbenchRuntime

    usage_id = workbench_db["foorumi.2"].usage_id
    runtime = WorkbenchRuntime("staff1")
    block = runtime.get_block(usage_id)
    assert block.viewer().is_staff is True
    assert WorkbenchRuntime("anna").get_block(usage_id).viewer().is_staff is False
    assert FoorumiXBlock.service_declaration("user_state") is None  # the tables replaced it


def test_two_workbench_learners_meet_through_foorumis_tables(workbench_db):
    usage_id = workbench_db["foorumi.2"].usage_id  # pseudonymous, groups from 2, no agreement
    anna = {"answers": {"challenge": "Aikataulut ovat tiukkoja."}, "request_id": "a1"}
    status, state = handle(usage_id, "wb_anna", "submit_reflection", anna)
    assert status == 200 and state["stage"] == "pool"
    ben = {"answers": {"challenge": "Palaute on vaikeaa."}, "request_id": "b1"}
    status, state = handle(usage_id, "wb_ben", "submit_reflection", ben)
    assert status == 200 and state["stage"] == "group"
    texts = sorted(t["answers"]["challenge"] for t in state["threads"])
    assert texts == ["Aikataulut ovat tiukkoja.", "Palaute on vaikeaa."]
