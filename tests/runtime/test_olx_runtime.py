"""OLX through the XBlock runtime: the block's own export, parsed back by the runtime.

``tests/runtime/test_olx.py`` covers ``olx.py`` itself; here the whole path an LMS import/export
takes: ``Runtime.export_to_xml`` writes the block, ``Runtime.parse_xml_string`` (given
bytes, as exported) reads it back into a block with equal fields.
"""
import datetime
import io

import pytest
from lxml import etree
from xblock.fields import Boolean, Date, Dict, Scope, String
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from foorumi_xblock.forum.config import FIELD_NAMES
from foorumi_xblock.olx import OlxError
from tests.runtime.test_olx import DESIGN_EXAMPLE

HOSTILE = {
    "display_name": 'Esimiesfoorumi "puun & kuoren" välissä <b>',
    "intro": "Tervetuloa!\nÄlä käytä ]]> tai <script>alert('x')</script> & muuta.",
    "agreement_required": True,
    "agreement_items": ["Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.", "Kunnioitus & 'turvallisuus' <3"],
    "prompts": [
        {"id": "origin", "text": "Miten olet tullut esimieheksi?", "min_words": 20, "max_words": 400},
        {"id": "tuki-2", "text": 'Missä tarvitset "vertaistukea"? <i>&amp;</i>', "min_words": 0, "max_words": 300},
    ],
    "group_size": 4, "min_group_size": 3, "max_group_size": 6, "comments_required": 2,
    "pool_timeout_hours": 48, "feedback_min_words": 7, "identity": "pseudonymous", "group_set": "esimiesfoorumit",
    "newcomers_see_earlier": True, "scored": True, "weight": 2.5,
}


def runtime():
    return TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})


def fields_of(block):
    return {name: getattr(block, name) for name in FIELD_NAMES}


def test_export_then_import_through_the_runtime_gives_back_equal_fields():
    source = runtime()
    usage_id = source.parse_xml_string(b"<foorumi/>")
    block = source.get_block(usage_id)
    for name, value in HOSTILE.items():
        setattr(block, name, value)
    block.save()
    exported = io.BytesIO()
    source.export_to_xml(block, exported)
    target = runtime()
    again = target.get_block(target.parse_xml_string(exported.getvalue()))
    assert fields_of(again) == HOSTILE


def test_the_design_documents_olx_imports():
    rt = runtime()
    block = rt.get_block(rt.parse_xml_string(DESIGN_EXAMPLE))
    assert block.display_name == "Esimiesfoorumi 1"
    assert [p["id"] for p in block.prompts] == ["origin", "support"]
    assert block.prompts[0]["min_words"] == 20
    assert block.agreement_items[1] == "Tasa-arvoisuus ja kunnioitus."
    assert block.validate().messages == []


@pytest.mark.parametrize("document", [
    b'<!DOCTYPE foorumi [<!ENTITY x "boom">]><foorumi display_name="&x;"/>',
    b'<!DOCTYPE foorumi [<!ENTITY x SYSTEM "file:///etc/passwd">]><foorumi><intro>&x;</intro></foorumi>',
    b'<!DOCTYPE foorumi [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><foorumi><intro>&c;</intro></foorumi>',
])
def test_the_runtime_refuses_documents_with_a_dtd_or_entities(document):
    # The runtime parses with lxml's default parser first: it never fetches an external
    # entity (so it stops at the undefined reference, XMLSyntaxError) and may expand an
    # internal one; whatever it lets through, the block refuses from the tree's DTD.
    rt = runtime()
    with pytest.raises((OlxError, etree.XMLSyntaxError)):
        rt.parse_xml_string(document)


def test_an_internal_entity_the_runtime_expanded_is_still_refused_by_the_block():
    with pytest.raises(OlxError, match="(?i)doctype|dtd|entit"):
        runtime().parse_xml_string(b'<!DOCTYPE foorumi [<!ENTITY x "boom">]><foorumi display_name="&x;"/>')


class PlatformMixin:
    """What the LMS mixes into every block (a few of its settings)."""

    visible_to_staff_only = Boolean(scope=Scope.settings, default=False)
    group_access = Dict(scope=Scope.settings, default={})
    due = Date(scope=Scope.settings, default=None)
    format = String(scope=Scope.settings, default=None)


def platform_runtime():
    return TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())}, mixins=(PlatformMixin,))


def test_the_platforms_settings_survive_export_and_import_beside_foorumis_own():
    source = platform_runtime()
    block = source.get_block(source.parse_xml_string(b"<foorumi/>"))
    for name, value in HOSTILE.items():
        setattr(block, name, value)
    block.visible_to_staff_only = True
    block.group_access = {"50": [1, 2]}
    block.due = datetime.datetime(2027, 1, 31, 12, 0, tzinfo=datetime.UTC)
    block.save()
    exported = io.BytesIO()
    source.export_to_xml(block, exported)
    target = platform_runtime()
    again = target.get_block(target.parse_xml_string(exported.getvalue()))
    assert fields_of(again) == HOSTILE
    assert again.visible_to_staff_only is True
    assert again.group_access == {"50": [1, 2]}
    assert again.due == block.due
    assert not again.fields["format"].is_set_on(again)  # what was never set stays unset
    # Foorumi's own elements are written as before, not as JSON attributes.
    tree = etree.fromstring(exported.getvalue())
    assert [child.tag for child in tree][:1] == ["intro"] and "prompts" not in tree.attrib
    # ... and a second round trip changes nothing.
    again_out = io.BytesIO()
    target.export_to_xml(again, again_out)
    assert again_out.getvalue() == exported.getvalue()
