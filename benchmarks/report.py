"""The printed tables: one row per forum, the largest forum's figures over the smallest's,
Foorumi's figures over xblock-poll's, the staff figures, and the goals."""

#: The goals the figures are read against (docs: the benchmark issue).
COMMENT_OVER_VOTE = 2.0  # a comment costs no more than 2x a poll vote
LARGEST_OVER_SMALLEST = 1.2  # 10,000 learners cost no more than 1.2x 10
REPORT_MS, CSV_MS = 2000, 5000  # the staff report and the CSV export at 10,000 learners

MEASURES = (("state", "state"), ("poll", "no-change poll"), ("submit", "submit"), ("comment", "comment"))
WIDTH, FIRST = 17, 16


def _row(cells, widths):
    return "  ".join(str(cell).rjust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _pair(timing):
    return f"{timing.median:.2f} / {timing.p95:.2f}"


def _ratio(large, small):
    return f"x{large / small:.2f}" if small else "-"


def _ratio_pair(large, small):
    return f"{_ratio(large.median, small.median)} / {_ratio(large.p95, small.p95)}"


def _count(value):
    return "-" if value is None else str(value)


def forum_table(results, queries=True):
    """Rows per forum (by size) and the ratio row; query counts when measured."""
    results = sorted(results, key=lambda r: r.learners)
    headers = ("learners", *(title for _name, title in MEASURES))
    units = ("", *("median / p95" for _ in MEASURES))
    widths = (FIRST, *(WIDTH for _ in MEASURES))
    if queries:
        headers, units, widths = (*headers, "queries per request"), (*units, "st / po / su / co"), (*widths, 26)
    lines = [_row(headers, widths), _row(units, widths)]
    for result in results:
        cells = (f"{result.learners:,}", *(_pair(getattr(result, name)) for name, _title in MEASURES))
        if queries:
            cells = (*cells, " / ".join(_count(result.queries.get(name)) for name, _title in MEASURES))
        lines.append(_row(cells, widths))
    if len(results) > 1:
        large, small = results[-1], results[0]
        cells = (f"{large.learners:,}/{small.learners:,}",
                 *(_ratio_pair(getattr(large, name), getattr(small, name)) for name, _title in MEASURES))
        if queries:
            counts = [(large.queries.get(name), small.queries.get(name)) for name, _title in MEASURES]
            cells = (*cells, " / ".join(_ratio(a, b)[1:] if a is not None and b else "-" for a, b in counts))
        lines.append(_row(cells, widths))
    return lines


def poll_table(results, poll):
    """Foorumi's figures over xblock-poll's on the same server: reads over ``get_results``,
    writes over ``vote``."""
    pairs = (("state", poll.results, "state/get_results"), ("poll", poll.results, "no-change/get_results"),
             ("submit", poll.vote, "submit/vote"), ("comment", poll.vote, "comment/vote"))
    widths = (FIRST, *(22 for _ in pairs))
    lines = [f"xblock-poll {poll.version} on the same server, in the same rounds (ms, median / p95): "
             f"get_results {_pair(poll.results)} ({_count(poll.queries.get('results'))} queries), "
             f"vote {_pair(poll.vote)} ({_count(poll.queries.get('vote'))} queries)",
             "Foorumi over xblock-poll (median / p95):",
             _row(("learners", *(title for _name, _base, title in pairs)), widths)]
    for result in sorted(results, key=lambda r: r.learners):
        lines.append(_row((f"{result.learners:,}",
                           *(_ratio_pair(getattr(result, name), base) for name, base, _title in pairs)), widths))
    return lines


def staff_table(columns):
    """``columns``: ``[(title, StaffResult)]``; median / slowest per column."""
    columns = [(title, staff) for title, staff in columns if staff is not None]
    if not columns:
        return []
    learners = columns[0][1].learners
    count = columns[0][1].report.count
    widths = (22, *(26 for _ in columns), 10)
    lines = [f"Staff at {learners:,} learners (ms, median / slowest of {count}; goals: report < {REPORT_MS:,}, "
             f"CSV < {CSV_MS:,}):",
             _row(("", *(title for title, _staff in columns), "goal"), widths)]
    for name, goal in (("report", REPORT_MS), ("csv", CSV_MS)):
        label = "staff_report" if name == "report" else "export_csv (no texts)"
        cells = [f"{getattr(s, name).median:,.0f} / {getattr(s, name).maximum:,.0f}" for _t, s in columns]
        lines.append(_row((label, *cells, f"< {goal:,}"), widths))
    details = ", ".join(f"{title}: report of {s.report_learners:,} learners, CSV {s.csv_rows:,} rows "
                        f"{s.csv_bytes / 1024:,.0f} KiB" for title, s in columns)
    lines.append(f"  ({details})")
    return lines


def _met(value, limit):
    return "met" if value <= limit else "NOT met"


def goals(runtime, server, staff_columns):
    """One line per goal: the figure (medians), the limit, met or not."""
    lines = ["Goals (medians):"]
    if server is not None and server.poll is not None:
        cells = [f"{r.learners:,}: x{r.comment.median / server.poll.vote.median:.2f} "
                 f"{_met(r.comment.median / server.poll.vote.median, COMMENT_OVER_VOTE)}"
                 for r in sorted(server.forums, key=lambda r: r.learners)]
        lines.append(f"  comment <= x{COMMENT_OVER_VOTE:.1f} a poll vote (HTTP): " + "; ".join(cells))
    for title, results in (("runtime level", runtime), ("HTTP", server.forums if server else None)):
        if not results or len(results) < 2:
            continue
        ordered = sorted(results, key=lambda r: r.learners)
        large, small = ordered[-1], ordered[0]
        cells = []
        for name, label in MEASURES:
            ratio = getattr(large, name).median / getattr(small, name).median
            cells.append(f"{label} x{ratio:.2f} {_met(ratio, LARGEST_OVER_SMALLEST)}")
        lines.append(f"  {large.learners:,} learners <= x{LARGEST_OVER_SMALLEST:.1f} {small.learners:,} "
                     f"({title}): " + "; ".join(cells))
    for title, staff in staff_columns:
        if staff is None:
            continue
        lines.append(f"  staff at {staff.learners:,} ({title}): report {staff.report.median:,.0f} ms "
                     f"{_met(staff.report.median, REPORT_MS)} (< {REPORT_MS:,}); CSV {staff.csv.median:,.0f} ms "
                     f"{_met(staff.csv.median, CSV_MS)} (< {CSV_MS:,})")
    return lines
