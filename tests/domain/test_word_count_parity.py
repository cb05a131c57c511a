"""The page counts words exactly as the server does.

The learner page shows a live word count against each prompt's limits, and the server
enforces the same limits on submit: if the two counted differently, a learner could be
told "ok" and then be refused. This loads the page's own counter (static/js/foorumi_words.js,
which exports itself under Node) with ``require`` and runs it on the same texts as
``forum/words.py``.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foorumi_xblock.forum.words import count_words

JS = Path(__file__).resolve().parents[2] / "static" / "js" / "foorumi_words.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

PIECES = [
    "esimies", "vertaistuki", "Äiti", "öljy", "x", "42", "3,5", "1.000", "EU:ssa", "rock'n'roll",
    "esimies-alaissuhde", "-", "—", "...", ".", ",", ":", "/", "@", "&", "'", "’", "(", ")", "\"",
    "https://example.fi/a?b=1", "www.foorumi.fi", "anna@example.fi", "a@b", "x@y.", "@x.fi",
    "漢字", "ひらがな", "😀", "e\u0301", "\u00ad", " ", "  ", "\n", "\t",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2800", "\u3164", "\u115f", "\u1160", "\u202e",
    "\U000e0041", "\ufe0f",
]

texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def js_counts(samples):
    program = (
        f"const {{countWords}} = require({json.dumps(str(JS))});\n"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "process.stdout.write(JSON.stringify(input.map((text) => countWords(text))));\n"
    )
    result = subprocess.run([NODE, "-e", program], input=json.dumps(samples), capture_output=True, text=True,
                            check=True, timeout=60)
    return json.loads(result.stdout)


FIXED = [
    "", "Miten olet tullut esimieheksi?", "Tulin esimieheksi sattumalta, kun EU:ssa oli 3,5 % kasvua.",
    "Katso https://example.fi/x ja (anna@example.fi).", "a" * 5000, "a.a." * 1000 + "@" + "a" * 2000,
    "\u3164 \u3164 \u3164", "\u200b", "sana\u200bsana", "\u2800 \u2800", "\ufeffsana", "\u115f\u1160 x",
]


def test_the_page_and_the_server_agree_on_fixed_texts():
    assert js_counts(FIXED) == [count_words(text) for text in FIXED]
    assert [count_words(text) for text in FIXED[-6:]] == [0, 0, 1, 0, 1, 1]  # invisible is no word


@settings(max_examples=1, deadline=None)  # one Node process for 300 texts; its start-up varies
@given(st.lists(texts, min_size=300, max_size=300))
def test_the_page_and_the_server_agree_on_generated_texts(samples):
    assert js_counts(samples) == [count_words(text) for text in samples]
