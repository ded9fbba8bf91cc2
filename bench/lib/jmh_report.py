#!/usr/bin/env python3
"""Turns JMH result files (-rf json) into one BENCHMARKS.md section: per benchmark class and
parameters, our method against the peer method measured in the same JVM and run, with the ratio.

Usage: jmh_report.py --title TEXT --aim-ratio X --command TEXT [--note TEXT ...] FILE...
Each class has a method `ours` and one peer method (any other name). Scores are JMH's average
time per operation with its 99.9% error; the ratio is ours over the peer.
"""
import argparse
import json
from collections import defaultdict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--title", required=True)
    p.add_argument("--aim-ratio", type=float, required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--note", action="append", default=[])
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    groups = defaultdict(dict)
    meta = None
    for name in a.files:
        for r in json.load(open(name)):
            cls, method = r["benchmark"].rsplit(".", 1)
            params = ", ".join("%s=%s" % kv for kv in sorted(r.get("params", {}).items()))
            groups[(cls.rsplit(".", 1)[1], params)][method] = r
            meta = r
    print("### " + a.title + "\n")
    print("| Benchmark | Params | Ours [ms/op] | Peer | Peer [ms/op] | Ratio | Aim (<= %.2fx) |" % a.aim_ratio)
    print("|---|---|---:|---|---:|---:|---|")
    missed = []
    for (cls, params), methods in groups.items():
        ours = methods.get("ours")
        peers = [m for m in methods if m != "ours"]
        if ours is None or len(peers) != 1:
            raise SystemExit("jmh_report.py: %s needs `ours` and one peer, has %s" % (cls, sorted(methods)))
        peer = methods[peers[0]]
        o, q = ours["primaryMetric"], peer["primaryMetric"]
        ratio = o["score"] / q["score"]
        ok = ratio <= a.aim_ratio
        if not ok:
            missed.append("%s %s" % (cls, params))
        print("| %s | %s | %.2f ± %.2f | %s | %.2f ± %.2f | %.2fx | %s |" % (
            cls, params or "-", o["score"], o["scoreError"], peers[0], q["score"], q["scoreError"], ratio,
            "**met**" if ok else "**missed**"))
    print()
    if meta:
        print("JMH %s on %s %s, %d fork(s), %d warm-up x %s, %d measurement x %s." % (
            meta["jmhVersion"], meta["vmName"], meta["jdkVersion"], meta["forks"], meta["warmupIterations"],
            meta["warmupTime"], meta["measurementIterations"], meta["measurementTime"]))
        print()
    for n in a.note:
        print(n + "\n")
    print("Reproduce: `%s`\n" % a.command)


if __name__ == "__main__":
    main()
