#!/usr/bin/env python3
"""Turns exp:run's debug phase lines into one Markdown table: the median of each phase per column.

Usage: phases.py FILE...   each FILE holds the "Run <id> phases: a 12 ms, b 3 ms; total 40 ms" lines of
several `mvn -X exp:run` of one column; the column is named by the first line of the file ("# name").
Phases run beside each other (git beside the engine, the sweep beside the image), so they do not add up.
"""
import re
import statistics
import sys

PHASE = re.compile(r"([a-z-]+) (\d+) ms")


def read(path):
    with open(path) as f:
        lines = f.read().splitlines()
    name = lines[0].lstrip("# ").strip()
    runs = []
    for line in lines[1:]:
        if "phases:" not in line:
            continue
        phases, _, total = line.split("phases:", 1)[1].partition(";")
        run = {m.group(1): int(m.group(2)) for m in PHASE.finditer(phases)}
        t = re.search(r"total (\d+) ms", total)
        if t:
            run["total"] = int(t.group(1))
        runs.append(run)
    if not runs:
        raise SystemExit("phases.py: no phase lines in %s" % path)
    return name, runs


def main():
    columns = [read(p) for p in sys.argv[1:]]
    phases = []
    for _, runs in columns:
        for run in runs:
            for k in run:
                if k not in phases and k != "total":
                    phases.append(k)
    phases.sort()
    phases.append("total")
    print("| Phase [ms, median] | " + " | ".join("%s (%d runs)" % (n, len(r)) for n, r in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for p in phases:
        cells = []
        for _, runs in columns:
            values = [r[p] for r in runs if p in r]
            cells.append("%d" % statistics.median(values) if values else "-")
        print("| %s | %s |" % (p, " | ".join(cells)))


if __name__ == "__main__":
    main()
