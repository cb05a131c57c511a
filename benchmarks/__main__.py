"""What a learner's request costs as a forum grows (``make bench``).

Usage: ``python -m benchmarks [SIZE ...] [--database sqlite|postgresql] [--samples N]``
(sizes default to 10, 1,000 and 10,000 learners; ``--samples`` defaults to 60).

For each size, a new forum block (groups of 5, from 3 up to 7; 2 comments required; no
agreement step) is seeded through the repository (``benchmarks/seed.py``): every learner
submitted, every learner in a group commented once. All forums share one fresh database:
sqlite in a temporary directory, as the test suite uses, or with ``--database
postgresql`` a throwaway database and role on the local PostgreSQL 15 (127.0.0.1).

Then, through the real block handlers at the runtime level (``tests/harness.py``), with
the forums taking turns request by request (``benchmarks/measure.py``):

- ``state``: a seeded learner's poll of their view (group, threads, progress);
- ``submit``: a newcomer submitting a reflection into the seeded forum (placement under
  the forum lock: joins a group with room, or the pool); each forum gains a newcomer per
  request, so the smallest forum ends with ``--samples`` more learners than it started;
- ``comment``: a seeded learner's new comment in their group (a new request id each time);
- ``queries/state``: how many SQL queries one ``state`` request makes.

Times are the server time of one handler call in milliseconds: median and 95th
percentile over ``--samples`` requests per forum.

Reading the ratios (last row: the largest forum's figure over the smallest's): a
learner's request should cost what their group costs, not what the course costs. The
query count should stay at x1.00 exactly. Time ratios near x1 (well under x2 for a forum
a thousand times larger) mean every query found its rows through an index; a ratio that
grows with the size ratio means some request reads the whole forum. p95 ratios are
noisier than medians, and on a busy machine both wander by some tens of percent.
"""
import argparse
import sys
import time

from . import database

SIZES = (10, 1000, 10000)
SAMPLES = 60


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), metavar="SIZE",
                        help="learners per forum (at least 3, so a group forms)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help=f"timed requests per measure and forum (default {SAMPLES})")
    options = parser.parse_args(argv)
    if any(size < 3 for size in options.sizes):
        parser.error("every forum needs at least 3 learners (the smallest group)")
    if options.samples < 2:
        parser.error("--samples must be at least 2")
    return options


def progress(message):
    print(message, file=sys.stderr, flush=True)


def run(sizes, samples):
    """Seed every forum, then measure them together; the results, in the order of ``sizes``."""
    # Imported once Django is set up: the repository needs the app registry.
    from . import measure, seed  # pylint: disable=import-outside-toplevel

    forums = []
    for size in sizes:
        started = time.perf_counter()
        forums.append(seed.seed_forum(size))
        progress(f"seeded {size:,} learners in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    results = measure.measure_forums(forums, samples)
    progress(f"measured in {time.perf_counter() - started:.1f} s")
    return results


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    with database.configured(options.database):
        from . import report  # pylint: disable=import-outside-toplevel

        print(database.environment(), flush=True)
        results = run(options.sizes, options.samples)
        print("\n".join(report.table(results)), flush=True)
    progress(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
