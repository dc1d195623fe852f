"""Summaries of repeated runs (median, min, max) and how a figure is written."""

import statistics


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def summarise(runs, keys):
    """{key: summary} of the runs' values of each key."""
    return {k: summary([r.get(k) for r in runs]) for k in keys}


def med(s):
    return s["median"] if s else None


def constant(value):
    """A summary of one value."""
    return {"median": value, "min": value, "max": value, "n": 1}


def scaled(s, k):
    if not s:
        return s
    return dict(s, median=s["median"] * k, min=s["min"] * k, max=s["max"] * k)


def fmt(value, digits=0):
    if value is None:
        return "–"
    return "{:,.{d}f}".format(value, d=digits)


def cell(s, digits=0):
    """median (min–max), or one value when they are all the same."""
    if not s:
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return fmt(s["median"], digits)
    return "%s (%s–%s)" % (fmt(s["median"], digits), fmt(s["min"], digits), fmt(s["max"], digits))


def fmt_ratio(a, b):
    """×(a / b), with as many digits as the ratio needs."""
    if a is None or b in (None, 0):
        return "–"
    r = a / b
    if r >= 10:
        return "×%s" % fmt(r)
    if r >= 1:
        return "×%.1f" % r
    if r >= 0.1:
        return "×%.2f" % r
    return "×%.2g" % r
