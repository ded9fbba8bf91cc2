#!/usr/bin/env python3
"""Turns a hyperfine --export-json file into one BENCHMARKS.md section: median, spread, ratio to the peer.

Usage: report.py --json FILE --title TEXT --peer NAME [--ours NAME] [--aim-ratio X | --aim-added S]
                 [--aim TEXT] [--command TEXT] [--note TEXT ...]
NAME is a hyperfine command name (-n). Ratios are medians over the peer's median, measured in the same
run: absolute times drift on a noisy machine, ratios hold. --aim-ratio checks ours/peer <= X;
--aim-added checks ours - peer <= S seconds.
"""
import argparse
import json
import statistics


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--json", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--peer", required=True)
    p.add_argument("--ours")
    p.add_argument("--aim-ratio", type=float)
    p.add_argument("--aim-added", type=float)
    p.add_argument("--aim")
    p.add_argument("--command")
    p.add_argument("--note", action="append", default=[])
    a = p.parse_args()
    with open(a.json) as f:
        results = json.load(f)["results"]
    by_name = {r["command"]: r for r in results}
    if a.peer not in by_name:
        raise SystemExit("report.py: no result named %r in %s (have %s)" % (a.peer, a.json, list(by_name)))
    peer = statistics.median(by_name[a.peer]["times"])
    print("### " + a.title + "\n")
    print("| Command | Median [s] | Min–max [s] | Runs | Ratio to %s |" % a.peer)
    print("|---|---:|---:|---:|---:|")
    for r in results:
        med = statistics.median(r["times"])
        print("| `%s` | %.3f | %.3f–%.3f | %d | %.2fx |" % (r["command"], med, min(r["times"]), max(r["times"]),
                                                          len(r["times"]), med / peer))
    print()
    if a.ours:
        ours = statistics.median(by_name[a.ours]["times"])
        if a.aim_ratio is not None:
            ok = ours / peer <= a.aim_ratio
            print("Aim: %s: ratio %.2fx (aim <= %.2fx): **%s**\n" % (a.aim or a.ours, ours / peer, a.aim_ratio,
                                                                     "met" if ok else "missed"))
        if a.aim_added is not None:
            added = ours - peer
            ok = added <= a.aim_added
            print("Aim: %s: adds %.3f s (aim <= %.3f s): **%s**\n" % (a.aim or a.ours, added, a.aim_added,
                                                                     "met" if ok else "missed"))
    for n in a.note:
        print(n + "\n")
    if a.command:
        print("Reproduce: `%s`\n" % a.command)


if __name__ == "__main__":
    main()
