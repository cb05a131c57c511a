"""OLX import and export of a forum, with a hardened parser.

The OLX of one forum (see docs/design.md, "OLX")::

    <foorumi display_name="Esimiesfoorumi 1" group_size="5" min_group_size="3"
             max_group_size="7" comments_required="2" pool_timeout_hours="24"
             identity="named" agreement_required="true" scored="false" weight="1">
      <intro>Tervetuloa foorumiin.</intro>
      <agreement><item>Luottamuksellisuus: ...</item></agreement>
      <prompt id="origin" min_words="20" max_words="400">Miten olet tullut esimieheksi?</prompt>
    </foorumi>

``read_olx`` turns such an element into XBlock field values and ``write_olx`` does the
reverse; ``read_olx(write_olx(values))`` gives ``values`` back. Text is stripped of
surrounding whitespace on read and written stripped. Values are converted here but not
validated: that is ``forum.config.validate``'s job.

Entities are never expanded and nothing is fetched: a document with a DOCTYPE, a DTD, an
entity declaration or an entity reference is refused with ``OlxError``, both when this
module parses the bytes (``parse_olx_bytes``) and when the runtime's own parser already
did (``check_node``, called by ``read_olx``).
"""

import codecs
import math
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from .forum.config import Prompt
from .forum.errors import Invalid

MAX_OLX_BYTES = 1_000_000

SAFE_PARSER = etree.XMLParser(
    encoding="utf-8",  # OLX is UTF-8; a declared encoding cannot hide a DOCTYPE
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)

TEXT_ATTRIBUTES = ("display_name", "identity", "group_set")
INT_ATTRIBUTES = (
    "group_size",
    "min_group_size",
    "max_group_size",
    "comments_required",
    "pool_timeout_hours",
    "feedback_min_words",
)
BOOL_ATTRIBUTES = ("agreement_required", "newcomers_see_earlier", "scored")
FLOAT_ATTRIBUTES = ("weight",)
# The order in which attributes are written (that of docs/design.md).
ATTRIBUTES = (
    "display_name",
    "group_size",
    "min_group_size",
    "max_group_size",
    "comments_required",
    "pool_timeout_hours",
    "feedback_min_words",
    "identity",
    "group_set",
    "newcomers_see_earlier",
    "agreement_required",
    "scored",
    "weight",
)

_INT_RE = re.compile(r"[+-]?[0-9]{1,9}")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_XML_SPACE = b" \t\r\n"


class OlxError(ValueError):
    """The OLX is refused; the message says what is wrong and where."""


def parse_olx_bytes(data: bytes) -> etree._Element:
    """Parse UTF-8 OLX ``data`` safely and return its root element.

    Refuses with ``OlxError`` anything that is not bytes, larger than ``MAX_OLX_BYTES``,
    not well-formed, or carrying a DOCTYPE, DTD, entity declaration or entity reference.
    A DOCTYPE is refused before the parser sees it, so no entity is ever expanded.
    """
    if not isinstance(data, bytes):
        raise OlxError(f"OLX must be given as bytes, not {type(data).__name__}.")
    if len(data) > MAX_OLX_BYTES:
        raise OlxError(f"The OLX is {len(data)} bytes long; at most {MAX_OLX_BYTES} are allowed.")
    _refuse_doctype(data)
    try:
        root = etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise OlxError(f"The OLX is not well-formed XML: {error}") from None
    check_node(root)
    return root


def check_node(node) -> None:
    """Refuse (``OlxError``) an element whose document has a DOCTYPE or DTD, or whose
    subtree holds an entity reference.

    For elements another parser produced (the XBlock runtime parses OLX with lxml's
    default parser, which expands internal entities): the DTD it came from still shows in
    the document's ``docinfo``, and unexpanded references show as ``_Entity`` nodes.
    """
    if not isinstance(node, etree._Element) or not isinstance(node.tag, str):
        raise OlxError(f"Expected an XML element, got {type(node).__name__}.")
    docinfo = node.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise OlxError(
            "OLX must not contain a DOCTYPE or DTD (entity declarations are refused, "
            "never expanded)."
        )
    for item in node.iter():
        if isinstance(item, etree._Entity):
            raise OlxError(
                f"OLX must not contain entity references (found {item.text} "
                f"inside <{_tag_of(item.getparent())}>)."
            )


def read_olx(node) -> dict[str, Any]:
    """The XBlock field values in the forum element ``node``.

    Only the attributes present are returned (a missing one keeps its field's default);
    ``intro``, ``agreement_items`` (a list of str) and ``prompts`` (a list of dicts with
    ``id``, ``text``, ``min_words``, ``max_words``) when their elements are present.
    Unknown attributes (``url_name``, ``xblock-family``, ...) and namespaced children are
    ignored. Raises ``OlxError`` naming the attribute or element on a bad value, an
    unknown element, or anything ``check_node`` refuses.
    """
    check_node(node)
    where = f"<{node.tag}>"
    values: dict[str, Any] = {}
    for name in ATTRIBUTES:
        raw = node.get(name)
        if raw is not None:
            values[name] = _convert(name, raw, where)
    prompts, seen = [], set()
    for child in _child_elements(node):
        tag = child.tag
        if tag in seen and tag != "prompt":
            raise OlxError(f"{where} must contain at most one <{tag}> element.")
        seen.add(tag)
        if tag == "intro":
            values["intro"] = _text_of(child, "<intro>")
        elif tag == "agreement":
            values["agreement_items"] = _read_agreement(child)
        elif tag == "prompt":
            prompts.append(_read_prompt(child, len(prompts) + 1))
        else:
            raise OlxError(
                f"Unexpected element <{tag}> in {where}: expected <intro>, <agreement> "
                "or <prompt>."
            )
    if prompts:
        values["prompts"] = prompts
    return values


def write_olx(values: Mapping[str, Any], node) -> None:
    """Fill the forum element ``node`` (its tag already set) from XBlock field ``values``.

    Writes the attributes and the ``intro``, ``agreement`` and ``prompt`` children for
    the keys present in ``values``; other keys are ignored. Text is written stripped, as
    ``read_olx`` strips it. Raises ``OlxError`` naming the field when a value has the
    wrong type or holds characters XML cannot carry (e.g. control characters).
    """
    for name in ATTRIBUTES:
        if name in values:
            _set(node, name, _format(name, values[name]), name)
    if "intro" in values:
        _add_text(node, "intro", values["intro"], "intro")
    if "agreement_items" in values:
        agreement = etree.SubElement(node, "agreement")
        for index, item in enumerate(_as_list(values["agreement_items"], "agreement_items")):
            _add_text(agreement, "item", item, f"agreement item {index + 1}")
    if "prompts" in values:
        for index, item in enumerate(_as_list(values["prompts"], "prompts")):
            _write_prompt(node, item, f"prompt {index + 1}")


# Reading ------------------------------------------------------------------------------


def _refuse_doctype(data: bytes) -> None:
    """Scan the prolog (XML declaration, comments, PIs, whitespace) for a ``<!`` markup
    declaration, the only place a DOCTYPE may stand, and refuse it before parsing."""
    pos = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while True:
        while pos < len(data) and data[pos] in _XML_SPACE:
            pos += 1
        if data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            closing = 3
        elif data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            closing = 2
        elif data.startswith(b"<!", pos):
            raise OlxError(
                "OLX must not contain a DOCTYPE or DTD (entity declarations are refused, "
                "never expanded)."
            )
        else:
            return  # the root element, or something the parser will refuse
        if end < 0:
            return
        pos = end + closing


def _tag_of(element) -> str:
    return element.tag if element is not None and isinstance(element.tag, str) else "?"


def _child_elements(node):
    """Child elements without a namespace; comments and PIs are skipped."""
    for child in node:
        if isinstance(child.tag, str) and not child.tag.startswith("{"):
            yield child


def _show(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "...")


def _convert(name: str, raw: str, where: str):
    value = raw.strip()
    if name in TEXT_ATTRIBUTES:
        return value
    if name in INT_ATTRIBUTES:
        if not _INT_RE.fullmatch(value):
            raise OlxError(f"Attribute {name}={_show(raw)} of {where} must be a whole number.")
        return int(value)
    if name in BOOL_ATTRIBUTES:
        if value.lower() not in ("true", "false"):
            raise OlxError(f'Attribute {name}={_show(raw)} of {where} must be "true" or "false".')
        return value.lower() == "true"
    if not _FLOAT_RE.fullmatch(value) or not math.isfinite(float(value)):
        raise OlxError(f"Attribute {name}={_show(raw)} of {where} must be a finite number.")
    return float(value)


def _text_of(element, where: str) -> str:
    """The element's text, stripped; it may hold no child elements."""
    for child in element:
        if isinstance(child.tag, str):
            raise OlxError(f"{where} must contain only text, not <{child.tag}>.")
    return "".join(element.itertext()).strip()


def _read_agreement(element) -> list[str]:
    items = []
    for child in _child_elements(element):
        if child.tag != "item":
            raise OlxError(f"Unexpected element <{child.tag}> in <agreement>: expected <item>.")
        items.append(_text_of(child, f"<item> {len(items) + 1} of <agreement>"))
    return items


def _read_prompt(element, number: int) -> dict:
    where = f"<prompt> number {number}"
    prompt_id = element.get("id")
    if prompt_id is None:
        raise OlxError(f"{where} has no id attribute.")
    limits = {}
    for name in ("min_words", "max_words"):
        raw = element.get(name)
        if raw is not None:
            if not _INT_RE.fullmatch(raw.strip()):
                raise OlxError(f"Attribute {name}={_show(raw)} of {where} must be a whole number.")
            limits[name] = int(raw)
    return Prompt(prompt_id.strip(), _text_of(element, where), **limits).to_dict()


# Writing ------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _format(name: str, value) -> str:
    if name in TEXT_ATTRIBUTES and isinstance(value, str):
        return value.strip()
    if name in INT_ATTRIBUTES and _is_int(value):
        return str(value)
    if name in BOOL_ATTRIBUTES and isinstance(value, bool):
        return "true" if value else "false"
    if name in FLOAT_ATTRIBUTES and (_is_int(value) or isinstance(value, float)):
        number = float(value)
        if math.isfinite(number):
            return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    raise OlxError(f"Cannot export {name}={value!r}: wrong type or value.")


def _set(element, attribute: str, text: str, what: str) -> None:
    try:
        element.set(attribute, text)
    except ValueError:
        raise OlxError(f"Cannot export {what}: it holds characters XML cannot carry.") from None


def _set_text(element, text, what: str) -> None:
    if not isinstance(text, str):
        raise OlxError(f"Cannot export {what}: expected text, got {type(text).__name__}.")
    try:
        element.text = text.strip()
    except ValueError:
        raise OlxError(f"Cannot export {what}: it holds characters XML cannot carry.") from None


def _add_text(parent, tag: str, text, what: str) -> None:
    _set_text(etree.SubElement(parent, tag), text, what)


def _as_list(value, what: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise OlxError(f"Cannot export {what}: expected a list, got {type(value).__name__}.")
    return list(value)


def _write_prompt(node, item, what: str) -> None:
    try:
        prompt = item if isinstance(item, Prompt) else Prompt.from_dict(item)
    except Invalid as error:
        raise OlxError(f"Cannot export {what}: {error}") from None
    if not isinstance(prompt.id, str):
        raise OlxError(f"Cannot export {what}: its id must be text.")
    element = etree.SubElement(node, "prompt")
    _set(element, "id", prompt.id.strip(), f"{what} id")
    for name in ("min_words", "max_words"):
        value = getattr(prompt, name)
        if not _is_int(value):
            raise OlxError(f"Cannot export {what}: {name} must be a whole number.")
        element.set(name, str(value))
    _set_text(element, prompt.text, what)
