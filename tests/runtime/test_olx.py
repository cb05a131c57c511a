"""OLX import and export: round trips, hostile text, and refusal of DTDs and entities."""

import codecs
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from foorumi_xblock import olx
from foorumi_xblock.forum.config import ForumConfig, validate
from foorumi_xblock.olx import (
    SAFE_PARSER,
    OlxError,
    check_node,
    parse_olx_bytes,
    read_olx,
    write_olx,
)

DESIGN_EXAMPLE = """\
<foorumi display_name="Esimiesfoorumi 1" group_size="5" min_group_size="3" max_group_size="7"
         comments_required="2" identity="named" agreement_required="true" weight="1">
  <intro>Tervetuloa foorumiin.</intro>
  <agreement>
    <item>Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.</item>
    <item>Tasa-arvoisuus ja kunnioitus.</item>
  </agreement>
  <prompt id="origin" min_words="20" max_words="400">Miten olet tullut esimieheksi?</prompt>
  <prompt id="support">Missä tilanteissa tarvitset vertaistukea?</prompt>
</foorumi>
""".encode()

DESIGN_VALUES = {
    "display_name": "Esimiesfoorumi 1",
    "group_size": 5,
    "min_group_size": 3,
    "max_group_size": 7,
    "comments_required": 2,
    "identity": "named",
    "agreement_required": True,
    "weight": 1.0,
    "intro": "Tervetuloa foorumiin.",
    "agreement_items": [
        "Luottamuksellisuus: ryhmässä kerrottu jää ryhmään.",
        "Tasa-arvoisuus ja kunnioitus.",
    ],
    "prompts": [
        {"id": "origin", "text": "Miten olet tullut esimieheksi?", "min_words": 20,
         "max_words": 400},
        {"id": "support", "text": "Missä tilanteissa tarvitset vertaistukea?", "min_words": 0,
         "max_words": 500},
    ],
}


def export(values) -> bytes:
    """``values`` written into a fresh <foorumi> element, serialised as the runtime would."""
    node = etree.Element("foorumi")
    write_olx(values, node)
    return etree.tostring(node, encoding="utf-8", pretty_print=True)


def round_trip(values):
    return read_olx(parse_olx_bytes(export(values)))


# Round trips ---------------------------------------------------------------------------


def test_design_example_reads_as_documented():
    assert read_olx(parse_olx_bytes(DESIGN_EXAMPLE)) == DESIGN_VALUES


def test_design_example_read_from_the_runtime_parser():
    assert read_olx(etree.fromstring(DESIGN_EXAMPLE)) == DESIGN_VALUES


def test_design_example_round_trips():
    assert round_trip(DESIGN_VALUES) == DESIGN_VALUES
    assert export(round_trip(DESIGN_VALUES)) == export(DESIGN_VALUES)


def test_design_example_is_a_valid_config():
    assert validate(ForumConfig.from_fields(DESIGN_VALUES)) == []


def test_default_config_round_trips_through_olx():
    config = ForumConfig(scored=True, weight=2.5, pool_timeout_hours=48, identity="pseudonymous")
    assert ForumConfig.from_fields(round_trip(config.to_fields())) == config


HOSTILE = [
    "Ääkköset: hyvää päivää, Öljy",
    "It's \"quoted\" and 'single'",
    "Tom & Jerry &amp; &lt; &#60; &lol9;",
    "a < b > c",
    "end ]]> of CDATA <![CDATA[ x ]]>",
    "<script>alert('x')</script>",
    "<!DOCTYPE x [<!ENTITY y 'z'>]>",
    "line one\nline two\r\nline three\rfour\ttab",
    "inner  spaces   kept",
    "emoji 🙂 and astral 𝔘 and \u200b zero width",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips(text):
    values = {
        "display_name": text,
        "identity": text,
        "intro": text,
        "agreement_items": [text, text],
        "prompts": [{"id": text, "text": text, "min_words": 1, "max_words": 2}],
    }
    data = export(values)
    assert b"<script>" not in data and b"<!DOCTYPE" not in data
    assert round_trip(values) == values


def test_surrounding_whitespace_is_stripped_on_write_and_read():
    values = {"display_name": "  Nimi ", "intro": "\n  Hei \n", "agreement_items": [" a "],
              "prompts": [{"id": " x ", "text": "\tT\n"}]}
    assert round_trip(values) == {
        "display_name": "Nimi",
        "intro": "Hei",
        "agreement_items": ["a"],
        "prompts": [{"id": "x", "text": "T", "min_words": 0, "max_words": 500}],
    }
    node = etree.fromstring(b"<foorumi><intro>\n   Hei\n  </intro></foorumi>")
    assert read_olx(node) == {"intro": "Hei"}


def test_only_present_attributes_and_elements_are_read():
    assert read_olx(etree.fromstring(b"<foorumi/>")) == {}
    node = etree.fromstring(
        b'<foorumi url_name="abc" xblock-family="xblock.v1" scored="True"><agreement/></foorumi>'
    )
    assert read_olx(node) == {"scored": True, "agreement_items": []}


def test_comments_are_ignored():
    node = etree.fromstring(
        b"<foorumi><!-- c --><intro>a<!-- c -->b</intro><agreement><!-- c --></agreement></foorumi>"
    )
    assert read_olx(node) == {"intro": "ab", "agreement_items": []}


_XML_ILLEGAL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
_xml_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=_XML_ILLEGAL), max_size=40
).map(str.strip)


@st.composite
def olx_values(draw):
    """Any field values of the right types, each key present or not."""
    optional = {
        "display_name": _xml_text,
        "identity": _xml_text,
        "group_size": st.integers(-10**8, 10**8),
        "min_group_size": st.integers(-10**8, 10**8),
        "max_group_size": st.integers(-10**8, 10**8),
        "comments_required": st.integers(-10**8, 10**8),
        "pool_timeout_hours": st.integers(-10**8, 10**8),
        "agreement_required": st.booleans(),
        "scored": st.booleans(),
        "weight": st.floats(allow_nan=False, allow_infinity=False),
        "intro": _xml_text,
        "agreement_items": st.lists(_xml_text, max_size=5),
        "prompts": st.lists(
            st.fixed_dictionaries({
                "id": _xml_text,
                "text": _xml_text,
                "min_words": st.integers(-10**8, 10**8),
                "max_words": st.integers(-10**8, 10**8),
            }),
            min_size=1,
            max_size=4,
        ),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(optional))))
    return {name: draw(optional[name]) for name in sorted(chosen)}


@given(olx_values())
def test_any_values_round_trip(values):
    assert round_trip(values) == values


# Refusals: DTDs, entities, bombs -------------------------------------------------------

INTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE foorumi [<!ENTITY greeting "Hei">]>
<foorumi display_name="&greeting;"><intro>&greeting;</intro></foorumi>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foorumi [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<foorumi><intro>&x;</intro></foorumi>"""


def entity_bomb(levels=10, where="content"):
    """The billion laughs: each level holds ten references to the one before."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, levels)
    )
    top = b"&lol%d;" % (levels - 1)
    body = b"<intro>%s</intro>" % top if where == "content" else b""
    attribute = b' display_name="%s"' % top if where == "attribute" else b""
    return b"<?xml version='1.0'?><!DOCTYPE foorumi [%s]><foorumi%s>%s</foorumi>" % (
        entities, attribute, body)


@pytest.mark.parametrize(
    "data",
    [
        INTERNAL_DTD,
        EXTERNAL_ENTITY,
        entity_bomb(),
        entity_bomb(where="attribute"),
        b'<!DOCTYPE foorumi SYSTEM "http://example.invalid/foorumi.dtd"><foorumi/>',
        b"<!DOCTYPE foorumi><foorumi/>",
        codecs.BOM_UTF8
        + b"<?xml version='1.0'?>\n<!-- hi -->\n<?pi x?>\n<!DOCTYPE foorumi><foorumi/>",
    ],
    ids=["internal-dtd", "external-entity", "bomb", "bomb-in-attribute", "external-dtd",
         "bare-doctype", "doctype-after-prolog"],
)
def test_parse_refuses_doctype_before_parsing(data, monkeypatch):
    def never_called(*args, **kwargs):
        raise AssertionError("the parser must not see a document with a DOCTYPE")

    monkeypatch.setattr(olx.etree, "fromstring", never_called)
    started = time.perf_counter()
    with pytest.raises(OlxError, match="DOCTYPE"):
        parse_olx_bytes(data)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "data",
    [
        INTERNAL_DTD.decode().encode("utf-16"),
        INTERNAL_DTD.decode().replace("UTF-8", "UTF-16").encode("utf-16-le"),
        b'<?xml version="1.0" encoding="ISO-8859-1"?>' + INTERNAL_DTD[21:],
    ],
    ids=["utf-16", "utf-16-le", "latin-1-declared"],
)
def test_parse_refuses_doctype_in_other_encodings(data):
    with pytest.raises(OlxError):
        parse_olx_bytes(data)


def test_the_safe_parser_alone_never_expands_and_check_node_refuses():
    # Even without the pre-check, the parser keeps references unexpanded and the
    # result is refused.
    root = etree.fromstring(EXTERNAL_ENTITY, SAFE_PARSER)
    assert "root:" not in etree.tostring(root).decode()
    with pytest.raises(OlxError, match="DOCTYPE"):
        check_node(root)


def test_check_node_refuses_what_the_default_parser_expanded():
    root = etree.fromstring(INTERNAL_DTD)  # lxml's default parser, as the runtime uses
    assert root.findtext("intro") == "Hei"
    with pytest.raises(OlxError, match="DOCTYPE"):
        check_node(root)
    with pytest.raises(OlxError, match="DOCTYPE"):
        read_olx(root)
    with pytest.raises(OlxError, match="DOCTYPE"):
        read_olx(root.find("intro"))


def test_check_node_refuses_a_small_bomb_the_default_parser_expanded():
    root = etree.fromstring(entity_bomb(levels=4))
    assert len(root.findtext("intro")) == 3 * 10**3
    with pytest.raises(OlxError):
        read_olx(root)


@pytest.mark.parametrize("data", [EXTERNAL_ENTITY, entity_bomb(), entity_bomb(where="attribute")])
def test_default_parser_trees_are_refused_or_never_built(data):
    started = time.perf_counter()
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        pass  # lxml itself refused (undefined external entity, amplification limit)
    else:
        with pytest.raises(OlxError):
            check_node(root)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("resolve", [False, True])
def test_check_node_refuses_trees_from_other_parsers(resolve):
    parser = etree.XMLParser(resolve_entities=resolve, load_dtd=True, no_network=True)
    for data in (INTERNAL_DTD, entity_bomb(levels=3)):
        with pytest.raises(OlxError):
            check_node(etree.fromstring(data, parser))


def test_check_node_refuses_an_entity_reference_without_dtd():
    node = etree.Element("foorumi")
    intro = etree.SubElement(node, "intro")
    intro.append(etree.Entity("lol9"))
    with pytest.raises(OlxError, match="entity"):
        check_node(node)
    with pytest.raises(OlxError, match="entity"):
        read_olx(node)


def test_check_node_accepts_a_plain_element():
    check_node(etree.Element("foorumi"))
    check_node(parse_olx_bytes(DESIGN_EXAMPLE))


@pytest.mark.parametrize(
    "data, message",
    [
        ("<foorumi/>", "bytes"),
        (b"<foorumi>", "well-formed"),
        (b"", "well-formed"),
        (b"<foorumi>&x;</foorumi>", "well-formed"),
        (b"<foorumi>\xe4</foorumi>", "well-formed"),
        (b"<foorumi>" + b"x" * (olx.MAX_OLX_BYTES) + b"</foorumi>", "at most"),
    ],
    ids=["str", "unclosed", "empty", "undefined-entity", "not-utf8", "too-large"],
)
def test_parse_refuses_bad_input(data, message):
    with pytest.raises(OlxError, match=message):
        parse_olx_bytes(data)


def test_parse_accepts_a_bom_and_prolog():
    data = codecs.BOM_UTF8 + b"<?xml version='1.0' encoding='utf-8'?><!-- c --><foorumi/>"
    assert read_olx(parse_olx_bytes(data)) == {}


# Bad values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attribute, value",
    [
        ("group_size", "five"),
        ("group_size", ""),
        ("min_group_size", "3.5"),
        ("max_group_size", "0x7"),
        ("comments_required", "1e3"),
        ("pool_timeout_hours", "9" * 10),
        ("agreement_required", "yes"),
        ("scored", "1"),
        ("weight", "abc"),
        ("weight", "nan"),
        ("weight", "inf"),
        ("weight", "1e999"),
        ("weight", "1_0"),
    ],
)
def test_bad_attribute_values_name_the_attribute(attribute, value):
    node = etree.fromstring(b'<foorumi %s="%s"/>' % (attribute.encode(), value.encode()))
    with pytest.raises(OlxError, match=attribute):
        read_olx(node)


@pytest.mark.parametrize(
    "xml, message",
    [
        (b'<foorumi><prompt id="a" min_words="x">T</prompt></foorumi>', "min_words"),
        (b'<foorumi><prompt id="a">T</prompt><prompt id="b" max_words="1.5">U</prompt></foorumi>',
         "max_words.*<prompt> number 2"),
        (b"<foorumi><prompt>T</prompt></foorumi>", "id"),
        (b"<foorumi><promt id='a'>T</promt></foorumi>", "<promt>"),
        (b"<foorumi><intro>a <b>bold</b></intro></foorumi>", "<b>"),
        (b"<foorumi><intro>a</intro><intro>b</intro></foorumi>", "at most one <intro>"),
        (b"<foorumi><agreement/><agreement/></foorumi>", "at most one <agreement>"),
        (b"<foorumi><agreement><rule>x</rule></agreement></foorumi>", "<rule>"),
        (b'<foorumi><prompt id="a">T <i>x</i></prompt></foorumi>', "<prompt> number 1"),
    ],
)
def test_bad_elements_are_refused_with_where(xml, message):
    with pytest.raises(OlxError, match=message):
        read_olx(etree.fromstring(xml))


def test_olx_error_is_a_value_error():
    assert issubclass(OlxError, ValueError)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"group_size": "5"}, "group_size"),
        ({"scored": 1}, "scored"),
        ({"weight": float("nan")}, "weight"),
        ({"display_name": None}, "display_name"),
        ({"intro": "bell \x07"}, "intro"),
        ({"display_name": "nul \x00"}, "display_name"),
        ({"agreement_items": "x"}, "agreement_items"),
        ({"agreement_items": ["ok", 3]}, "agreement item 2"),
        ({"prompts": [{"id": "a"}]}, "prompt 1"),
        ({"prompts": [{"id": "a", "text": "T", "min_words": "1"}]}, "prompt 1"),
    ],
)
def test_write_refuses_values_it_cannot_export(values, message):
    with pytest.raises(OlxError, match=message):
        write_olx(values, etree.Element("foorumi"))
