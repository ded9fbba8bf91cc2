#!/usr/bin/env python3
"""The "Sweep makespan" section of BENCHMARKS.md, from what bench/cases/sweep.sh left per engine.

Usage: sweep_report.py --date D --command TEXT --mode TEXT --space SPACE --trials N --parallel P --sleep S --runs R ENGINE_DIR...
Each ENGINE_DIR holds: meta (key=value lines: engine, server, host, project, load_before, load_after),
short.json and long.json (hyperfine --export-json), check.log (the untimed sweep with the plugin's debug log,
timestamped) and check-sweep.json (its sweep record). The timed rows are named by the NAME_* constants.
The per-trial figures come from the project's last sweep (target/exp/last-sweep.json), which is the last
timed `mvn exp:sweep`: its wall time is hyperfine's last time of that row. Exits non-zero (and writes nothing
to stdout) when a figure would be wrong: a sweep or trial that did not succeed, a missing record, a sweep
count that does not match the runs, a makespan longer than the build.
"""
import argparse
import datetime
import glob
import json
import os
import re
import statistics
import sys

NAME_XARGS = "xargs -P4 docker run --rm, 24 containers (peer)"
NAME_SWEEP = "mvn exp:sweep (24 trials, parallel=4)"
NAME_RUN = "docker run --rm tiny true (one container start)"
NAME_VALIDATE = "mvn validate (one Maven start)"
NAME_SKIP = "mvn exp:sweep -Dexp.skip=true (plugin loaded, nothing run)"

LOG_LINE = re.compile(r"^(\S+) \[(\w+)\] (.*)$")
NOTED = re.compile(r"^\[(t\d+)\] Run (\S+) noted on ")
RUN_LINE = re.compile(r"^\[(t\d+)\] Run (\S+): ")
PHASES = re.compile(r"^Sweep \S+ phases: (.*); total (\d+) ms")
PHASE = re.compile(r"([a-z-]+) (\d+) ms")


def fail(msg):
    raise SystemExit("sweep_report.py: " + msg)


def instant(text):
    """A Java Instant.toString() (or an ISO time with offset), to seconds since the epoch, keeping sub-ms digits."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$", text)
    if not m:
        fail("cannot read the time %r" % text)
    base, frac, zone = m.groups()
    zone = "+00:00" if zone == "Z" else zone
    t = datetime.datetime.fromisoformat(base + zone).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def load(path):
    with open(path) as f:
        return json.load(f)


def meta(d):
    out = {}
    with open(os.path.join(d, "meta")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            out[k] = v
    return out


def results(d):
    rows = []
    for name in ("short.json", "long.json"):
        rows += load(os.path.join(d, name))["results"]
    by = {r["command"]: r for r in rows}
    for n in (NAME_XARGS, NAME_SWEEP, NAME_RUN, NAME_VALIDATE, NAME_SKIP):
        if n not in by:
            fail("no hyperfine row %r in %s (have %s)" % (n, d, list(by)))
    return by


def ms(x):
    return "%.0f ms" % (x * 1000)


def records(project, sleep_s, trials_n, parallel, sweeps_expected):
    exp = os.path.join(project, "target", "exp")
    sweeps = glob.glob(os.path.join(exp, "sweeps", "*", "sweep.json"))
    if len(sweeps) != sweeps_expected:
        fail("%d sweep records in %s, expected %d (the check and every timed run)" % (len(sweeps), exp, sweeps_expected))
    last_id = load(os.path.join(exp, "last-sweep.json"))["sweepId"]
    sweep = load(os.path.join(exp, "sweeps", last_id, "sweep.json"))
    if sweep["status"] != "succeeded" or sweep["parallel"] != parallel or len(sweep["trials"]) != trials_n:
        fail("the last sweep %s: status %s, parallel %s, %d trials (expected succeeded, %d, %d)"
             % (last_id, sweep["status"], sweep["parallel"], len(sweep["trials"]), parallel, trials_n))
    trials = []
    for t in sweep["trials"]:
        if t["status"] != "succeeded":
            fail("trial %s of %s: %s" % (t["trial"], last_id, t["status"]))
        run = load(os.path.join(exp, "runs", t["runId"], "run.json"))
        if run["status"] != "succeeded" or run["durationMs"] < sleep_s * 1000:
            fail("run %s of trial %s: status %s, %s ms" % (t["runId"], t["trial"], run["status"], run["durationMs"]))
        # a trial without GPUs frees its slot when its container has ended (run.json's container.endedAt), and
        # writes its record and note beside the next trial
        container_end = (run.get("container") or {}).get("endedAt")
        trials.append({"trial": t["trial"], "start": instant(run["startedAt"]), "end": instant(run["endedAt"]),
                       "slot_end": instant(container_end) if container_end else instant(run["endedAt"]),
                       "duration_ms": run["durationMs"], "queue_ms": t.get("queueWaitMs")})
    return sweep, trials


def slot_gaps(trials, parallel):
    """Each trial after the first `parallel` (by start) against the k-th earliest slot end: its start minus that end."""
    by_start = sorted(trials, key=lambda t: t["start"])
    ends = sorted(trials, key=lambda t: t["slot_end"])
    gaps = []
    for k, t in enumerate(by_start[parallel:]):
        freed = ends[k]
        gaps.append((t["start"] - freed["slot_end"], t["trial"], freed["trial"]))
    if gaps and min(g[0] for g in gaps) < -0.05:
        g = min(gaps)
        fail("trial %s started %.0f ms before trial %s ended, whose end it was paired with: the slot pairing does not hold"
             % (g[1], -g[0] * 1000, g[2]))
    return gaps


def check_run(d, trials_n, sleep_s):
    """From the untimed sweep's debug log: the phase totals, and each trial's note time after its record ended."""
    noted, run_line = {}, {}
    phases = None
    with open(os.path.join(d, "check.log")) as f:
        for line in f:
            m = LOG_LINE.match(line.rstrip("\n"))
            if not m:
                continue
            when, _, text = m.groups()
            n = NOTED.match(text)
            if n:
                noted[n.group(2)] = instant(when)
            r = RUN_LINE.match(text)
            if r:
                run_line[r.group(2)] = instant(when)
            p = PHASES.match(text)
            if p:
                phases = {k: int(v) for k, v in PHASE.findall(p.group(1))}
                phases["total"] = int(p.group(2))
    sweep = load(os.path.join(d, "check-sweep.json"))
    if sweep["status"] != "succeeded" or len(sweep["trials"]) != trials_n:
        fail("the check sweep %s: %s, %d trials" % (sweep["sweepId"], sweep["status"], len(sweep["trials"])))
    note_lat, to_run = [], []
    for t in sweep["trials"]:
        if t["runId"] not in noted or t["runId"] not in run_line:
            fail("the check sweep's log has no 'noted' or 'Run' line for run %s (trial %s)" % (t["runId"], t["trial"]))
        note_lat.append((noted[t["runId"]] - instant(t["endedAt"]), t["trial"]))
        to_run.append(run_line[t["runId"]] - instant(t["startedAt"]))
    if phases is None:
        fail("no 'Sweep ... phases:' debug line in %s" % os.path.join(d, "check.log"))
    return sweep, phases, note_lat, sorted(to_run)


def engine_section(d, a):
    m = meta(d)
    by = results(d)
    med = {n: statistics.median(r["times"]) for n, r in by.items()}
    xargs, sweep_t, start, maven = med[NAME_XARGS], med[NAME_SWEEP], med[NAME_RUN], med[NAME_VALIDATE]
    waves = -(-a.trials // a.parallel)
    ideal = waves * a.sleep + start
    limit = 1.05 * xargs + maven
    ok = sweep_t <= limit

    sweep, trials = records(m["project"], a.sleep, a.trials, a.parallel, a.runs + 1)
    wall = by[NAME_SWEEP]["times"][-1]
    lat = sorted(((t["duration_ms"] - a.sleep * 1000, t["trial"]) for t in trials))
    gaps = slot_gaps(trials, a.parallel)
    first_start = min(t["start"] for t in trials)
    last_end = max(t["end"] for t in trials)
    makespan = last_end - first_start
    if makespan > wall:
        fail("%s: the records' makespan %.3f s is longer than the last build's wall time %.3f s" % (m["engine"], makespan, wall))
    prep = first_start - instant(sweep["startedAt"])
    tail = instant(sweep["endedAt"]) - last_end
    outside = wall - (instant(sweep["endedAt"]) - instant(sweep["startedAt"]))
    first_wave = sorted(t["start"] for t in trials)[:a.parallel]
    check, phases, note_lat, to_run = check_run(d, a.trials, a.sleep)

    out = []
    out.append("### Sweep makespan on %s\n" % m["engine"])
    out.append("| Command | Median [s] | Min–max [s] | Runs | Ratio to xargs |")
    out.append("|---|---:|---:|---:|---:|")
    for n in (NAME_XARGS, NAME_SWEEP, NAME_RUN, NAME_VALIDATE, NAME_SKIP):
        t = by[n]["times"]
        out.append("| `%s` | %.3f | %.3f–%.3f | %d | %.2fx |" % (n, med[n], min(t), max(t), len(t), med[n] / xargs))
    out.append("| ideal: %d waves x %g s + one container start (computed) | %.3f | - | - | %.2fx |"
               % (waves, a.sleep, ideal, ideal / xargs))
    out.append("| ideal + one Maven start (computed) | %.3f | - | - | %.2fx |" % (ideal + maven, (ideal + maven) / xargs))
    out.append("")
    out.append("Aim: sweep <= 1.05 x xargs + one Maven start (`mvn validate`): ratio_sweep_vs_xargs %.2fx; %.3f s against "
               "1.05 x %.3f + %.3f = %.3f s: **%s** (%s by %.3f s). Over the ideal: xargs %+.3f s, the sweep %+.3f s "
               "(%+.3f s without one Maven start).\n"
               % (sweep_t / xargs, sweep_t, xargs, maven, limit, "met" if ok else "missed",
                  "under" if ok else "over", abs(limit - sweep_t), xargs - ideal, sweep_t - ideal, sweep_t - maven - ideal))
    out.append(
        "Per trial, from the records of the last timed sweep (`%s`, its build %.3f s): start latency (each trial's "
        "`run.json` durationMs - %d ms: record, container create, start, wait, remove, results) median %.0f ms, "
        "min %.0f, max %.0f ms (%s); gap on a slot (a trial's start after the first %d, minus the end of the container "
        "of the trial that freed its slot, pairing the k-th later start with the k-th earliest container end: the "
        "slot's hand-over and the next trial's run directory and record; the freeing trial's record and note follow "
        "beside it) median %.0f ms, max %.0f ms (%s after %s); the first "
        "wave of %d started within %.0f ms. Makespan from the records (last trial end - first trial start) %.3f s "
        "= %.2f s per wave of %g s; the build took %.3f s more: %.3f s before the first trial (inside the goal: "
        "git, engine, image, the sweep record), %.3f s after the last trial ended (its note, the sweep record's last write), and "
        "%.3f s outside the sweep record's start and end (the JVM and Maven starting, loading and configuring the "
        "plugin, the summary table, attaching the files, ending).\n"
        % (sweep["sweepId"], wall, a.sleep * 1000, statistics.median(x for x, _ in lat), lat[0][0], lat[-1][0], lat[-1][1],
           a.parallel, statistics.median(g[0] * 1000 for g in gaps), max(gaps)[0] * 1000, max(gaps)[1], max(gaps)[2],
           a.parallel, (first_wave[-1] - first_wave[0]) * 1000, makespan, makespan / waves, a.sleep,
           wall - makespan, prep, tail, outside))
    n = a.trials
    per = {k: v / n for k, v in phases.items() if k in ("container", "record", "results", "note")}
    nl = sorted(x for x, _ in note_lat)
    out.append(
        "From the untimed sweep run first (`%s`, the plugin's debug log with timestamps, "
        "`-Dorg.slf4j.simpleLogger.log.dev.exprun=debug`): phase totals over its %d trials: %s; per trial on "
        "average: container %.0f ms (%.0f ms over the %g s sleep), record %.0f ms, results %.0f ms, git note %.0f ms. "
        "From a trial's start to its `Run` line (run directory, record, runtime files written; the container "
        "next): median %.0f ms, max %.0f ms. A trial's note was written (the 'noted' log line) a median %.0f ms and at most %.0f ms after its record "
        "ended: notes go through one compare-and-swap on refs/notes/exprun, so trials that end together wait for "
        "each other.\n"
        % (check["sweepId"], n, ", ".join("%s %d ms" % (k, v) for k, v in sorted(phases.items())),
           per.get("container", 0), per.get("container", 0) - a.sleep * 1000, a.sleep, per.get("record", 0),
           per.get("results", 0), per.get("note", 0), statistics.median(to_run) * 1000, to_run[-1] * 1000,
           statistics.median(nl) * 1000, nl[-1] * 1000))
    out.append(
        "Container: `sh -c 'sleep %g'` in localhost/exp-test/tiny:1 (busybox); engine: %s at %s. Maven runs offline "
        "(`-o -B`, output to a file) in all Maven rows, on one pom-packaged git project (one commit, clean), each "
        "trial recorded as users run it (run directory, `run.json`, git note). Load average (1, 5, 15 min) before "
        "this engine's timed runs: %s; after: %s.\n"
        % (a.sleep, m["server"], m["host"], m["load_before"], m["load_after"]))
    out.append("Reproduce: `%s`\n" % a.command)
    summary = "%s: sweep %.3f s, xargs %.3f s (%.2fx), one Maven start %.3f s: aim %s" % (
        m["engine"], sweep_t, xargs, sweep_t / xargs, maven, "met" if ok else "missed")
    return "\n".join(out), summary


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--date", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--mode", required=True)
    p.add_argument("--space", required=True)
    p.add_argument("--trials", type=int, required=True)
    p.add_argument("--parallel", type=int, required=True)
    p.add_argument("--sleep", type=float, required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    sections, summaries = [], []
    for d in a.dirs:
        s, line = engine_section(d, a)
        sections.append(s)
        summaries.append(line)
    print("## Sweep makespan: %d trials x %g s, parallel=%d, on both engines (%s)\n" % (a.trials, a.sleep, a.parallel, a.date))
    print("From `%s` (`bench/cases/sweep.sh`, %s). On each engine in turn, in one run: `mvn exp:sweep` with "
          "`-Dexp.sweep=\"%s\" -Dexp.parallel=%d` (%d trials of `sh -c 'sleep %g'`, image "
          "`<pull>never</pull>`) against the hand-made peer `seq %d | xargs -P%d -I{} docker run --rm "
          "localhost/exp-test/tiny:1 sh -c 'sleep %g'`, with one container start (`docker run --rm ... true`), one "
          "Maven start (`mvn validate` on the same project: Maven alone, the plugin not loaded) and the plugin "
          "loaded with nothing run (`-Dexp.skip=true`). The ideal is %d waves of %g s plus one container start. "
          "The aim (from the sweep's issue): the sweep's wall time within 5%% of xargs, plus one Maven start. "
          "Per engine: %s.\n"
          % (a.command, a.mode, a.space, a.parallel, a.trials, a.sleep, a.trials, a.parallel, a.sleep,
             -(-a.trials // a.parallel), a.sleep, "; ".join(summaries)))
    print("\n".join(sections))


if __name__ == "__main__":
    main()
