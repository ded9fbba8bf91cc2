#!/usr/bin/env python3
"""The measurements of bench/cases/slurm.sh that a stopwatch around a whole command cannot give: when the
first training line was there to see, when the end of the job was known, and how many Slurm commands (and
slurmctld RPCs) a build or a peer made. Each subcommand writes one JSON file; bench/lib/slurm_report.py
turns them into the markdown.

  peer   --job SCRIPT --out-dir D --runs N --json F
         N times `sbatch --parsable --wait --output=D/peer-<i>.out SCRIPT`: the command's start, the job id
         printed (submission accepted), the first container line seen in the output file (read every 10 ms),
         the return; and the times the job script and the container printed (their /proc/uptime).
  ours   --project P --mvnw M --runs N --json F [-- MAVEN ARGS]
         N times `mvnw -o -B exp:run MAVEN ARGS` in P with the plugin's debug log, timestamped by the logger:
         the same instants from the log lines (`Slurm job N submitted`, `[out] first-line ...`, the job's end).
  sweep  --project P --mvnw M --json F [-- MAVEN ARGS]
         one `mvnw -o -B exp:sweep MAVEN ARGS` with the debug log: its wall time, the Slurm commands it ran
         (its debug line `Slurm commands run by this build: {...}`), the window from the first submission to
         the last job's end, and slurmctld's RPC counts (sdiag) before and after.
  perjob --job SCRIPT --jobs N --interval S --out-dir D --json F
         the naive peer: N `sbatch --parsable` of SCRIPT, then every S seconds one `squeue -j ID` per job not
         yet ended, counting every command; sdiag before and after.

The container command prints `first-line <uptime>` and `last-line <uptime>` (/proc/uptime, the host's boot
clock, 10 ms resolution); the job scripts may print `job-start <uptime>`. Times are turned into epoch
seconds with the offset between time.time() and CLOCK_BOOTTIME. Exits non-zero when a run fails or a line
is missing: a wrong number is worse than none.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time

LOG_LINE = re.compile(r"^(\S+) \[(\w+)\] (.*)$")
UPTIME_LINE = re.compile(r"^(job-start|first-line|last-line) (\d+(?:\.\d+)?)$")
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"}


def fail(msg):
    raise SystemExit("slurm_probe.py: " + msg)


def boot_offset():
    """Epoch seconds minus the boot clock that /proc/uptime shows."""
    return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)


def instant(text):
    """The logger's ISO time (yyyy-MM-dd'T'HH:mm:ss.SSSXXX) in epoch seconds."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def counts_of(text):
    """{sbatch=1, squeue=3} (Java's Map.toString) as a dict."""
    return {k: int(v) for k, v in re.findall(r"([\w-]+)=(\d+)", text)}


def sdiag():
    """slurmctld's RPC counts by message type (REQUEST_STATS_INFO, sdiag's own, left out)."""
    r = subprocess.run(["sdiag"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("sdiag failed: " + r.stderr.strip())
    out, inside = {}, False
    for line in r.stdout.splitlines():
        if line.startswith("Remote Procedure Call statistics by message type"):
            inside = True
            continue
        if inside and not line.startswith("\t"):
            break
        m = re.match(r"^\s+(\w+)\s+\(\s*\d+\)\s+count:(\d+)", line)
        if inside and m and m.group(1) != "REQUEST_STATS_INFO":
            out[m.group(1)] = int(m.group(2))
    return out


def sdiag_delta(before, after):
    d = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
    return {k: v for k, v in sorted(d.items(), key=lambda kv: -kv[1]) if v}


def queue():
    r = subprocess.run(["squeue", "--noheader", "--format=%i %j %T"], capture_output=True, text=True)
    return [line.strip() for line in r.stdout.splitlines() if line.strip()]


def idle_queue(limit=300):
    """Waits (up to limit seconds) until no job is queued, so that 8 jobs get the node's 8 CPUs at once; the jobs left."""
    deadline = time.time() + limit
    while queue() and time.time() < deadline:
        time.sleep(2)
    return queue()


def save(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def peer(a):
    runs = []
    os.makedirs(a.out_dir, exist_ok=True)
    for i in range(a.runs):
        out = os.path.join(a.out_dir, "peer-%d.out" % i)
        if os.path.exists(out):
            os.remove(out)
        offset = boot_offset()
        t0 = time.time()
        p = subprocess.Popen(["sbatch", "--parsable", "--wait", "--output=" + out, a.job], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        job = p.stdout.readline().strip().split(";")[0]
        t_submitted = time.time()
        t_first_seen = None
        while p.poll() is None:
            if t_first_seen is None and os.path.exists(out):
                with open(out) as f:
                    if any(line.startswith("first-line ") for line in f):
                        t_first_seen = time.time()
            time.sleep(0.01)
        t_end = time.time()
        err = p.stderr.read()
        if p.returncode != 0:
            fail("peer run %d: sbatch --wait exited %d: %s" % (i, p.returncode, err.strip()))
        printed = {}
        with open(out) as f:
            for line in f:
                m = UPTIME_LINE.match(line.strip())
                if m:
                    printed[m.group(1)] = float(m.group(2)) + offset
        for k in ("job-start", "first-line", "last-line"):
            if k not in printed:
                fail("peer run %d: no '%s' line in %s" % (i, k, out))
        if t_first_seen is None:
            t_first_seen = t_end  # only seen after the return
        runs.append({"job": job, "start": t0, "submitted": t_submitted, "job_start": printed["job-start"],
                     "first_printed": printed["first-line"], "first_seen": t_first_seen,
                     "last_printed": printed["last-line"], "end_known": t_end, "exit": t_end})
    save(a.json, {"runs": runs})


def maven(project, mvnw, goal, extra, log_path):
    """Runs mvnw -o -B GOAL EXTRA with the plugin's debug log, timestamped; returns (start, exit, lines)."""
    cmd = [mvnw, "-o", "-B", goal] + extra + [
        "-Dorg.slf4j.simpleLogger.log.dev.exprun=debug", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX"]
    t0 = time.time()
    with open(log_path, "w") as log:
        rc = subprocess.run(cmd, cwd=project, stdout=log, stderr=subprocess.STDOUT).returncode
    t1 = time.time()
    with open(log_path) as f:
        lines = f.read().splitlines()
    if rc != 0 or not any("BUILD SUCCESS" in l for l in lines):
        fail("%s in %s failed (exit %d); its log: %s" % (goal, project, rc, log_path))
    parsed = []
    for line in lines:
        m = LOG_LINE.match(line)
        if m:
            parsed.append((instant(m.group(1)), m.group(2), m.group(3)))
    return t0, t1, parsed


def ours(a):
    runs = []
    for i in range(a.runs):
        offset = boot_offset()
        log_path = os.path.join(a.out_dir, "ours-%d.log" % i)
        t0, t1, lines = maven(a.project, a.mvnw, "exp:run", a.maven_args, log_path)
        r = {"start": t0, "exit": t1, "log": log_path}
        for when, _, text in lines:
            if text.startswith("Run ") and ": " in text and "run" not in r:
                r["run"] = when
            m = re.match(r"^Slurm job (\d+) submitted", text)
            if m:
                r["job"], r["submitted"] = m.group(1), when
            if re.match(r"^\[out\] exprun-job: job ", text):
                r["job_start_seen"] = when
            m = re.match(r"^\[out\] (first-line|last-line) (\d+(?:\.\d+)?)$", text)
            if m:
                key = "first" if m.group(1) == "first-line" else "last"
                r[key + "_printed"] = float(m.group(2)) + offset
                r[key + "_seen"] = when
            m = re.match(r"^Slurm job \d+: (\d+) line\(s\) of output", text)
            if m:
                r["end_known"] = when
            m = re.match(r"^Slurm commands run by this build: (\{.*\})", text)
            if m:
                r["commands"] = counts_of(m.group(1))
            m = re.match(r"^Run \S+ phases: (.*); total (\d+) ms", text)
            if m:
                r["phases"] = {k: int(v) for k, v in re.findall(r"([a-z-]+) (\d+) ms", m.group(1))}
        for k in ("run", "submitted", "first_printed", "first_seen", "last_printed", "end_known", "commands", "phases"):
            if k not in r:
                fail("exp:run %d: no log line for '%s' in %s" % (i, k, log_path))
        runs.append(r)
    save(a.json, {"runs": runs})


def sweep(a):
    before_q = idle_queue()
    before = sdiag()
    t0, t1, lines = maven(a.project, a.mvnw, "exp:sweep", a.maven_args, a.log)
    after = sdiag()
    r = {"start": t0, "exit": t1, "wall": t1 - t0, "submitted": [], "ended": [], "queue_before": before_q}
    for when, _, text in lines:
        m = re.match(r"^Sweep \S+: (\d+) trial\(s\), (\d+) at once", text)
        if m:
            r["trials"], r["at_once"] = int(m.group(1)), int(m.group(2))
        if re.match(r"^(\[t\d+\] )?Slurm job \d+ submitted", text):
            r["submitted"].append(when)
        if re.match(r"^(\[t\d+\] )?Slurm job \d+: \d+ line\(s\) of output", text):
            r["ended"].append(when)
        m = re.match(r"^Slurm commands run by this build: (\{.*\})", text)
        if m:
            r["commands"] = counts_of(m.group(1))
    if "commands" not in r or not r["submitted"] or len(r["ended"]) != len(r["submitted"]):
        fail("exp:sweep: no command counts, or not every submitted job followed to its end, in " + a.log)
    with open(os.path.join(a.project, "target", "exp", "last-sweep.json")) as f:
        last = json.load(f)
    with open(os.path.join(a.project, "target", "exp", "sweeps", last["sweepId"], "sweep.json")) as f:
        record = json.load(f)
    bad = [t["trial"] for t in record["trials"] if t["status"] != "succeeded"]
    if record["status"] != "succeeded" or bad:
        fail("sweep %s: %s, trials not succeeded: %s" % (last["sweepId"], record["status"], bad))
    r["sweep_id"] = last["sweepId"]
    r["window"] = max(r["ended"]) - min(r["submitted"])
    r["rpcs"] = sdiag_delta(before, after)
    r["queue_after"] = queue()
    save(a.json, r)


def perjob(a):
    os.makedirs(a.out_dir, exist_ok=True)
    counts = {"sbatch": 0, "squeue": 0}
    before_q = idle_queue()
    before = sdiag()
    t0 = time.time()
    active = {}
    for i in range(a.jobs):
        out = os.path.join(a.out_dir, "perjob-%d.out" % i)
        r = subprocess.run(["sbatch", "--parsable", "--output=" + out, a.job], capture_output=True, text=True)
        counts["sbatch"] += 1
        if r.returncode != 0:
            fail("perjob: sbatch exited %d: %s" % (r.returncode, r.stderr.strip()))
        active[r.stdout.strip().split(";")[0]] = out
    t_submitted = time.time()
    ended, states, polls = {}, {}, {j: 0 for j in active}
    while active:
        tick = time.time()
        for job in list(active):
            r = subprocess.run(["squeue", "--noheader", "--jobs=" + job, "--format=%T"], capture_output=True, text=True)
            counts["squeue"] += 1
            polls[job] += 1
            state = r.stdout.strip()
            if r.returncode != 0 or not state or state in TERMINAL:
                ended[job] = time.time()
                states[job] = state or "gone"
                del active[job]
        time.sleep(max(0.0, a.interval - (time.time() - tick)))
    t1 = time.time()
    after = sdiag()
    bad = {j: s for j, s in states.items() if s not in ("COMPLETED", "gone")}
    if bad:
        fail("perjob: jobs not completed: %s" % bad)
    save(a.json, {"start": t0, "submitted": t_submitted, "exit": t1, "wall": t1 - t0, "window": max(ended.values()) - t0,
                  "commands": counts, "polls": polls, "interval": a.interval, "jobs": a.jobs, "rpcs": sdiag_delta(before, after),
                  "queue_before": before_q, "queue_after": queue()})


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    s = sub.add_parser("peer")
    s.add_argument("--job", required=True)
    s.add_argument("--out-dir", required=True)
    s.add_argument("--runs", type=int, required=True)
    s.add_argument("--json", required=True)
    for name in ("ours", "sweep"):
        s = sub.add_parser(name)
        s.add_argument("--project", required=True)
        s.add_argument("--mvnw", required=True)
        s.add_argument("--json", required=True)
        if name == "ours":
            s.add_argument("--runs", type=int, required=True)
            s.add_argument("--out-dir", required=True)
        else:
            s.add_argument("--log", required=True)
        s.add_argument("maven_args", nargs="*")
    s = sub.add_parser("perjob")
    s.add_argument("--job", required=True)
    s.add_argument("--jobs", type=int, required=True)
    s.add_argument("--interval", type=float, required=True)
    s.add_argument("--out-dir", required=True)
    s.add_argument("--json", required=True)
    a = p.parse_args()
    {"peer": peer, "ours": ours, "sweep": sweep, "perjob": perjob}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
