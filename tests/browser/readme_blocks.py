"""The README's code blocks and its API table, read for the tests that run them."""

import os
import re

from paths import ROOT

OUTCOMES = ("delivered", "held", "dropped", "disabled", "local", "unsupported")


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        return handle.read()


def blocks(language):
    """The fenced code blocks of ``language`` (``python``, ``html``, ``js``), in order."""
    return re.findall(r"```%s\n(.*?)```" % language, readme(), re.S)


def api_table():
    """``{method: set of outcomes}`` from the table under "The whole analytics.js API"."""
    section = readme().split("### The whole analytics.js API", 1)[1].split("###", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        outcomes = {word for word in re.findall(r"`(\w+)`", cells[2]) if word in OUTCOMES}
        for name in re.findall(r"`(\w+)\(", cells[0]):
            table.setdefault(name, set()).update(outcomes)
    return table
