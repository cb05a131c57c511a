"""Cost per learner request as a forum grows (``make bench``).

For forums of 10, 100 and 1,000 learners (groups of five, everyone submitted and one
comment each), it measures at the runtime level, over shared in-memory field data:

- the median wall time of a learner's ``state`` and ``comment`` requests,
- how many peers' states one ``state`` request reads (``user_state`` calls),
- the size of the shared index in bytes, and bytes per learner,

and prints the ratios against the smallest forum. Per-request work should follow the
group, not the course: the reads stay flat, the index grows by bytes per learner.
"""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("FOORUMI_VAR_DIR", tempfile.mkdtemp(prefix="foorumi-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foorumi_xblock.workbench.settings")
django.setup()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from harness import ForumHarness  # noqa: E402  pylint: disable=wrong-import-position

SIZES = tuple(int(arg) for arg in sys.argv[1:]) or (10, 100, 1000)  # python -m benchmarks 10 100 10000
SAMPLES = 30


def build(size):
    forum = ForumHarness(group_size=5, min_group_size=3, max_group_size=7, comments_required=2, agreement_required=False)
    for number in range(size):
        forum.ok(f"l{number}", "submit_reflection", {"answers": forum.answers(), "request_id": f"s{number}"})
    for number in range(size):
        state = forum.ok(f"l{number}", "state")
        if state["suggested"]:
            forum.ok(f"l{number}", "comment", {"reflection_id": state["suggested"][0], "text": "Kiitos jakamisesta.", "request_id": f"c{number}"})
    return forum


def median_ms(action):
    times = []
    for sample in range(SAMPLES):
        start = time.perf_counter()
        action(sample)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(size):
    forum = build(size)
    learner = f"l{size // 2}"
    forum.user_state.reads = 0
    forum.ok(learner, "state")
    reads = forum.user_state.reads
    state_ms = median_ms(lambda _: forum.ok(learner, "state"))
    target = forum.ok(learner, "state")["threads"]
    target = next(t["id"] for t in target if not t["author"]["is_me"])
    comment_ms = median_ms(lambda n: forum.ok(learner, "comment", {"reflection_id": target, "text": "Lisää ajatuksia.", "request_id": f"b{n}"}))
    index_bytes = len(json.dumps(forum.index()))
    return {"learners": size, "state_ms": state_ms, "comment_ms": comment_ms, "peer_reads": reads,
            "index_bytes": index_bytes, "index_bytes_per_learner": index_bytes / size}


def main():
    rows = [measure(size) for size in SIZES]
    base = rows[0]
    print(f"{'learners':>8} {'state ms':>9} {'comment ms':>10} {'peer reads':>10} {'index B':>9} {'B/learner':>9}")
    for row in rows:
        print(f"{row['learners']:>8} {row['state_ms']:>9.2f} {row['comment_ms']:>10.2f} {row['peer_reads']:>10} "
              f"{row['index_bytes']:>9} {row['index_bytes_per_learner']:>9.0f}")
    last = rows[-1]
    print()
    print(f"ratios {last['learners']} vs {base['learners']} learners "
          f"({last['learners'] // base['learners']}x the course):")
    print(f"  state request time  x{last['state_ms'] / base['state_ms']:.1f}")
    print(f"  comment request time x{last['comment_ms'] / base['comment_ms']:.1f}")
    print(f"  peer reads per view  x{last['peer_reads'] / max(1, base['peer_reads']):.1f}")
    print(f"  index bytes/learner  x{last['index_bytes_per_learner'] / base['index_bytes_per_learner']:.1f}")


if __name__ == "__main__":
    main()
