"""The printed table: one row per forum, then the largest forum's figures over the smallest's."""

COLUMNS = ("learners", "state ms", "submit ms", "comment ms", "queries/state")
WIDTHS = (16, 17, 17, 17, 14)


def table(results):
    """The lines of the table: header, one row per forum (by size), the ratio row."""
    results = sorted(results, key=lambda r: r.learners)
    lines = [_row(COLUMNS), _row(("", "median / p95", "median / p95", "median / p95", ""))]
    lines += [_row(_figures(result)) for result in results]
    if len(results) > 1:
        lines.append(_row(_ratios(results[-1], results[0])))
    return lines


def _row(cells):
    return "  ".join(str(cell).rjust(width) for cell, width in zip(cells, WIDTHS, strict=True)).rstrip()


def _pair(timing):
    return f"{timing.median:.2f} / {timing.p95:.2f}"


def _figures(result):
    return (f"{result.learners:,}", _pair(result.state), _pair(result.submit), _pair(result.comment),
            result.state_queries)


def _ratio(large, small):
    return f"x{large / small:.2f}" if small else "-"


def _ratios(large, small):
    def pair(name):
        big, little = getattr(large, name), getattr(small, name)
        return f"{_ratio(big.median, little.median)} / {_ratio(big.p95, little.p95)}"

    return (f"{large.learners:,}/{small.learners:,}", pair("state"), pair("submit"), pair("comment"),
            _ratio(large.state_queries, small.state_queries))
