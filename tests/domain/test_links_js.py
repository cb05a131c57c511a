"""Links in learner text (static/js/foorumi_links.js), run in Node.

The page turns http(s) addresses in reflections, comments and replies into links; anything
else stays text. This loads the page's own file with ``require`` (as test_word_count_parity.py
does for the word counter) and checks ``split`` on hostile and ordinary texts, and ``append``
on a small fake document that records exactly what the file does to it: elements made with
``createElement``, text set with ``textContent`` or text nodes, and nothing else (a DOM
without ``innerHTML`` fails loudly if the file ever reaches for it).
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "static" / "js" / "foorumi_links.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

REL = "nofollow noopener ugc"

FAKE_DOM = """
class Node { constructor() { this.children = []; } appendChild(kid) { this.children.push(kid); return kid; } }
class Text extends Node { constructor(text) { super(); this.nodeType = 3; this.text = text; } }
class Element extends Node {
  constructor(tag) { super(); this.nodeType = 1; this.tag = tag; this.attrs = {}; this._text = null;
    Object.defineProperty(this, 'innerHTML', {get() { throw new Error('innerHTML read'); },
                                              set() { throw new Error('innerHTML set'); }});
    Object.defineProperty(this, 'outerHTML', {set() { throw new Error('outerHTML set'); }}); }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  set textContent(value) { this._text = String(value); }
  get textContent() { return this._text; }
  insertAdjacentHTML() { throw new Error('insertAdjacentHTML'); }
}
const doc = {createElement: (tag) => new Element(tag), createTextNode: (text) => new Text(text)};
const dump = (node) => node.nodeType === 3 ? {text: node.text}
  : {tag: node.tag, attrs: node.attrs, text: node._text, kids: node.children.map(dump)};
"""


def run_node(body, data):
    program = (
        f"const links = require({json.dumps(str(JS))});\n" + FAKE_DOM +
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" + body
    )
    result = subprocess.run([NODE, "-e", program], input=json.dumps(data), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def split(*texts):
    return run_node("process.stdout.write(JSON.stringify(input.map((t) => links.split(t))));", list(texts))


def links_of(text):
    return [(part["text"], part["href"]) for part in split(text)[0] if "href" in part]


@pytest.mark.parametrize(("text", "expected"), [
    ("Lue https://example.fi/opas tästä.", [("https://example.fi/opas", "https://example.fi/opas")]),
    ("(see https://example.fi/a?b=1&c=2)", [("https://example.fi/a?b=1&c=2", "https://example.fi/a?b=1&c=2")]),
    ("https://en.wikipedia.org/wiki/Foo_(bar).", [("https://en.wikipedia.org/wiki/Foo_(bar)",
                                                   "https://en.wikipedia.org/wiki/Foo_(bar)")]),
    ("Two: http://a.fi, https://b.fi!", [("http://a.fi", "http://a.fi/"), ("https://b.fi", "https://b.fi/")]),
    ("“https://a.fi/x”…", [("https://a.fi/x", "https://a.fi/x")]),
    ("'https://a.fi/x';", [("https://a.fi/x", "https://a.fi/x")]),
    ("<https://a.fi/x>", [("https://a.fi/x", "https://a.fi/x")]),
    ("HTTPS://EXAMPLE.FI/Polku", [("HTTPS://EXAMPLE.FI/Polku", "https://example.fi/Polku")]),
    ("https://a.fi/ä?q=ö", [("https://a.fi/ä?q=ö", "https://a.fi/%C3%A4?q=%C3%B6")]),
    ("rivi\nhttps://a.fi\nrivi", [("https://a.fi", "https://a.fi/")]),
    # An address in a hostile text is still only what it says it is.
    ("javascript:alert(1)//https://a.fi", [("https://a.fi", "https://a.fi/")]),
    ('https://a.fi/"onmouseover="alert(1)', [("https://a.fi/", "https://a.fi/")]),
    ("https://a.fi/<script>alert(1)</script>", [("https://a.fi/", "https://a.fi/")]),
])
def test_http_and_https_addresses_become_links_without_trailing_punctuation(text, expected):
    assert links_of(text) == expected


@pytest.mark.parametrize("text", [
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "mailto:anna@example.fi", "anna@example.fi", "www.example.fi", "example.fi/polku", "ftp://example.fi/x",
    "file:///etc/passwd", "//example.fi/x", "http://", "https://", "https://.", "http:///x", "https:example.fi",
    "xhttps://example.fi", "ahttp://example.fi", "https://user:pw@example.fi", "https://pankki.fi@evil.example/x",
    "https://[not-an-ip]/", "https://exa mple.fi", "https://localhost/x", "https://exa\u202emple.fi",
    "https:\\\\example.fi", "https://%zz", "https://" + "a" * 3000 + ".fi",
])
def test_anything_else_stays_text(text):
    assert links_of(text) == []
    assert split(text)[0] == [{"text": text}]


def test_invisible_and_direction_marks_end_a_link():
    for mark in ("\u202e", "\u2066", "\u200b", "\u200f", "\ufeff", "\u0000", "\u00ad"):
        assert links_of(f"https://a.fi/x{mark}gpj.exe") == [("https://a.fi/x", "https://a.fi/x")], repr(mark)


def test_the_parts_put_together_are_the_text_again():
    texts = ["", "plain", "a https://a.fi b https://b.fi/(x) c.", "((https://a.fi)))", "https://a.fi" * 3,
             "javascript:https://a.fi", "\u202ehttps://a.fi\u202c", "😀https://a.fi😀", "https://https://a.fi"]
    for text, parts in zip(texts, split(*texts), strict=True):
        assert "".join(part["text"] for part in parts) == text


def test_splitting_stays_fast_on_long_hostile_text():
    text = "https://" * 5000 + "(" * 5000 + "https://a.fi/" + ")" * 5000 + "." * 5000
    result = run_node("const t0 = Date.now(); const parts = links.split(input);"
                      "process.stdout.write(JSON.stringify({ms: Date.now() - t0, n: parts.length}));", text)
    assert result["ms"] < 2000, result


def test_append_builds_text_nodes_and_anchors_with_text_content_only():
    body = ("const el = doc.createElement('div');"
            "input.forEach((t) => links.append(el, t, doc));"
            "process.stdout.write(JSON.stringify(dump(el)));")
    tree = run_node(body, ["Katso <b>https://a.fi/x?y=1</b>. ", "javascript:alert(1) ", "https://b.fi)"])
    kids = tree["kids"]
    assert kids == [
        {"text": "Katso <b>"},
        {"tag": "a", "attrs": {"href": "https://a.fi/x?y=1", "rel": REL, "class": "foorumi-link"},
         "text": "https://a.fi/x?y=1", "kids": []},
        {"text": "</b>. "},
        {"text": "javascript:alert(1) "},
        {"tag": "a", "attrs": {"href": "https://b.fi/", "rel": REL, "class": "foorumi-link"}, "text": "https://b.fi",
         "kids": []},
        {"text": ")"},
    ]
    assert all("target" not in kid.get("attrs", {}) for kid in kids)
