#!/usr/bin/env python3
"""The "Slurm executor" section of BENCHMARKS.md, from what bench/cases/slurm.sh left: hyperfine's JSON for the
wall-time rows (short.json, long.json; rows named by the NAME_* constants) and bench/lib/slurm_probe.py's JSON
for the first line (peer.json, ours.json) and for the Slurm commands while 8 jobs run (sweep-5s.json,
sweep-1s.json, perjob.json). Figures are medians over the runs, min-max beside them. Two peers are computed, not
measured, from the per-job peer's jobs: per-job polling every 5 s, and submitit's shared watcher (one sacct for
all jobs, asked at most every min(60, max(2, t/2)) s after the last submission, on a 1 s tick). Exits non-zero
(writing nothing) when a figure would be wrong.
"""
import argparse
import json
import math
import statistics

NAME_PEER = "sbatch --wait job.sh (peer)"
NAME_VPEER = "mvn validate && sbatch --wait job.sh"
NAME_OURS = "mvn exp:run -Dexp.executor=slurm"
NAME_OURS1 = "mvn exp:run -Dexp.executor=slurm -Dexp.pollInterval=1s"
NAME_VALIDATE = "mvn validate (one Maven start)"
NAME_LOCAL = "mvn exp:run (local executor, Podman)"


def fail(msg):
    raise SystemExit("slurm_report.py: " + msg)


def load(path):
    with open(path) as f:
        return json.load(f)


def rows(*paths):
    by = {}
    for p in paths:
        for r in load(p)["results"]:
            by[r["command"]] = r["times"]
    for n in (NAME_PEER, NAME_VPEER, NAME_OURS, NAME_OURS1, NAME_VALIDATE, NAME_LOCAL):
        if n not in by:
            fail("no hyperfine row %r (have %s)" % (n, list(by)))
    return by


def med(xs):
    return statistics.median(xs)


def cell(xs):
    """median (min-max) in seconds."""
    return "%.2f (%.2f–%.2f)" % (med(xs), min(xs), max(xs))


def submitit_calls(window):
    """submitit's InfoWatcher over `window` seconds after 8 jobs were registered together, asked every 1 s."""
    calls, last, t = 0, -math.inf, 0.0
    while t <= window:
        if t - last > min(60.0, max(2.0, t / 2)):
            calls += 1
            last = t
        t += 1.0
    return calls


def latency(runs, key_from, key_to):
    xs = [r[key_to] - r[key_from] for r in runs]
    if min(xs) < -0.02:
        fail("%s before %s in a run (%.3f s): the clocks do not agree" % (key_to, key_from, min(xs)))
    return xs


def main():
    p = argparse.ArgumentParser()
    for name in ("date", "command", "mode", "short", "long", "peer", "ours", "sweep5", "sweep1", "perjob", "command_line",
                 "image", "slurm", "server", "load_before", "load_after", "queue_before"):
        p.add_argument("--" + name.replace("_", "-"), required=True)
    p.add_argument("--trials", type=int, required=True)
    p.add_argument("--sweep-sleep", type=float, required=True)
    a = p.parse_args()

    by = rows(a.short, a.long)
    m = {n: med(t) for n, t in by.items()}
    peer = load(a.peer)["runs"]
    ours = load(a.ours)["runs"]
    s5, s1, pj = load(a.sweep5), load(a.sweep1), load(a.perjob)
    for s in (s5, s1):
        if s.get("trials") != a.trials or s.get("at_once") != a.trials or s["commands"].get("sbatch") != a.trials:
            fail("a sweep did not submit its %d trials at once: %s" % (a.trials, {k: s.get(k) for k in ("trials", "at_once", "commands")}))

    out = []
    added = m[NAME_OURS] - m[NAME_VPEER]
    added1 = m[NAME_OURS1] - m[NAME_VPEER]
    first_ours = latency(ours, "submitted", "first_seen")
    first_peer = latency(peer, "submitted", "first_seen")
    out.append("## Slurm executor: one run, and the Slurm commands while %d jobs run (%s)\n" % (a.trials, a.date))
    out.append(
        "From `%s` (`bench/cases/slurm.sh`, %s), on the one-node cluster of `scripts/test-engine.sh` (%s, 8 CPUs to "
        "Slurm, partition debug; containers by %s on the node, the run directories on the build's own disk). One run: "
        "`mvn -o -q exp:run -Dexp.executor=slurm` on a pom-packaged git project whose command is `sh -c '%s'` in %s, "
        "against the same container in a hand-written job script (`podman run --rm %s sh -c '...'`) submitted with "
        "`sbatch --parsable --wait --output=...`, bare and after `mvn -o -q validate`. From submission to the first "
        "training line: %.2f s on the build's console, %.2f s in the peer's output file. Wall time: `exp:run` %.2f s "
        "(pollInterval 5 s) and %.2f s (1 s), `mvn validate && sbatch --wait` %.2f s, a difference of %+.2f s and "
        "%+.2f s that mostly measures how late `sbatch --wait` notices the end (below).\n"
        % (a.command, a.mode, a.slurm, a.server, a.command_line, a.image, a.image, med(first_ours), med(first_peer),
           m[NAME_OURS], m[NAME_OURS1], m[NAME_VPEER], added, added1))

    out.append("### Slurm: one run, wall time\n")
    out.append("| Command | Median [s] | Min–max [s] | Runs | Ratio to `mvn validate && sbatch --wait` |")
    out.append("|---|---:|---:|---:|---:|")
    for n in (NAME_PEER, NAME_VPEER, NAME_OURS, NAME_OURS1, NAME_VALIDATE, NAME_LOCAL):
        t = by[n]
        out.append("| `%s` | %.3f | %.3f–%.3f | %d | %.2fx |" % (n, m[n], min(t), max(t), len(t), m[n] / m[NAME_VPEER]))
    out.append("")
    out.append(
        "`exp:run` on Slurm minus `mvn validate && sbatch --wait`: %+.3f s (pollInterval 5 s), %+.3f s (1 s); minus the "
        "bare `sbatch --wait`: %+.3f s and %+.3f s; minus the local executor's `exp:run` of the same container: %+.3f s "
        "and %+.3f s.\n"
        % (added, added1, m[NAME_OURS] - m[NAME_PEER], m[NAME_OURS1] - m[NAME_PEER], m[NAME_OURS] - m[NAME_LOCAL],
           m[NAME_OURS1] - m[NAME_LOCAL]))

    out.append("### Slurm: one run, from submission to the first line and to the end\n")
    out.append("Medians (min–max) in seconds over %d untimed runs each, after the timed ones. Ours from the plugin's "
               "debug log, timestamped by its logger (`-B`, `-Dorg.slf4j.simpleLogger.showDateTime=true`); its "
               "`Slurm job N submitted` line follows sbatch's return by a few ms. The peer by "
               "`bench/lib/slurm_probe.py`, which starts `sbatch --parsable --wait` and reads its output file every "
               "10 ms. \"Printed\" is the container's own clock (`/proc/uptime`: the host's boot clock, 10 ms steps); "
               "the peer's job script prints it too before it starts Podman.\n" % len(ours))
    out.append("| Interval [s] | `sbatch --wait` (peer) | `mvn exp:run -Dexp.executor=slurm` |")
    out.append("|---|---:|---:|")
    out.append("| command start → submitted (sbatch printed the job id / `Slurm job N submitted`) | %s | %s |"
               % (cell(latency(peer, "start", "submitted")), cell(latency(ours, "start", "submitted"))))
    out.append("| submitted → job script started (Slurm's own start) | %s | - |" % cell(latency(peer, "submitted", "job_start")))
    out.append("| submitted → container printed its first line | %s | %s |"
               % (cell(latency(peer, "submitted", "first_printed")), cell(latency(ours, "submitted", "first_printed"))))
    out.append("| printed → seen (peer: the file read every 10 ms; ours: `[out] first-line`, the 200 ms follower) | %s | %s |"
               % (cell(latency(peer, "first_printed", "first_seen")), cell(latency(ours, "first_printed", "first_seen"))))
    out.append("| **submitted → first line seen** | **%s** | **%s** |" % (cell(first_peer), cell(first_ours)))
    out.append("| command start → first line seen | %s | %s |"
               % (cell(latency(peer, "start", "first_seen")), cell(latency(ours, "start", "first_seen"))))
    out.append("| container printed its last line → end known (peer: `sbatch --wait` returned; ours: the follower done, "
               "`Slurm job N: L line(s) of output`) | %s | %s |"
               % (cell(latency(peer, "last_printed", "end_known")), cell(latency(ours, "last_printed", "end_known"))))
    out.append("| end known → command exited (ours: record, git note, attach, Maven's end) | %s | %s |"
               % (cell(latency(peer, "end_known", "exit")), cell(latency(ours, "end_known", "exit"))))
    out.append("| command start → exit | %s | %s |" % (cell(latency(peer, "start", "exit")), cell(latency(ours, "start", "exit"))))
    out.append("")

    # Against a peer that knew the end the moment the container printed its last line, Maven started first.
    maven = m[NAME_VALIDATE]
    before = med(latency(ours, "start", "submitted"))
    slurm_ours, slurm_peer = med(latency(ours, "submitted", "last_printed")), med(latency(peer, "submitted", "last_printed"))
    end = med(latency(ours, "last_printed", "end_known"))
    after = med(latency(ours, "end_known", "exit"))
    ideal = maven + med(latency(peer, "start", "last_printed"))
    total = med(latency(ours, "start", "exit"))
    phase = {k: med([r["phases"].get(k, 0) for r in ours]) for k in ("engine", "git", "image", "container", "record", "note")}
    cmds = sorted({k for r in ours for k in r["commands"]})
    out.append(
        "Where `exp:run`'s time goes, against a hand-made flow that knew the job's end the moment the container "
        "printed its last line (one Maven start, %.2f s, plus the peer's %.2f s from sbatch to that line: %.2f s): "
        "ours took %.2f s, %+.2f s more. Before the submission %.2f s, %+.2f s over one Maven start: loading the "
        "plugin, then inside the goal (its debug phases, medians; they overlap) the engine connection %.0f ms, git "
        "%.0f ms and the image %.0f ms, the run record and the job script. From the submission to the container's "
        "last line %.2f s against the peer's %.2f s (%+.2f s: Slurm's start, which varies by a second from one job to "
        "the next, and our job script's marker and container options). From that line to the end known %.2f s: the "
        "job script writes its exit file, the 200 ms follower sees it and wakes the poller (at most one squeue a "
        "second, whatever the pollInterval), squeue must show the job ended, then the output file must rest 1 s "
        "before it counts as complete. Then %.2f s to the exit: the record, the git note (%.0f ms), attaching, "
        "Maven's end. Slurm commands per `exp:run` (its debug line): %s.\n"
        % (maven, med(latency(peer, "start", "last_printed")), ideal, total, total - ideal, before, before - maven,
           phase["engine"], phase["git"], phase["image"], slurm_ours, slurm_peer, slurm_ours - slurm_peer, end, after,
           phase["note"],
           ", ".join("%s %s" % (k, "/".join(sorted({str(r["commands"].get(k, 0)) for r in ours}))) for k in cmds)))

    out.append("### Slurm: commands while %d jobs run\n" % a.trials)
    out.append(
        "`mvn -o -B exp:sweep -Dexp.executor=slurm -Dexp.sweep=\"x=1,...,%d\"`: %d trials of `sh -c 'sleep %g'`, all "
        "submitted at once (the node has 8 CPUs), one run at each pollInterval, with the plugin's debug log for its "
        "count of the Slurm commands it ran. The measured peer submits the same %d containers with `sbatch --parsable` "
        "and then asks `squeue --jobs=ID` for each job not yet ended, every second, as per-job pollers do. "
        "Per minute: over the command's whole wall time (ours: the build, Maven's start included; the peer: from its "
        "first sbatch to its last answer). squeue per minute: over the following window (first submission to the "
        "last job's end seen). slurmctld RPCs: the difference of `sdiag`'s counts by message type before and after "
        "(every client on the cluster, and slurmd's own messages for each job's end).\n"
        % (a.trials, a.trials, a.sweep_sleep, a.trials))
    out.append("| Who | Poll | Wall [s] | sbatch | squeue | other | Commands | Per minute | squeue per minute | slurmctld RPCs (per minute) |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def row(who, poll, wall, window, c, rpcs):
        total = sum(c.values())
        other = total - c.get("sbatch", 0) - c.get("squeue", 0)
        other_txt = "%d (%s)" % (other, ", ".join("%s %d" % (k, v) for k, v in sorted(c.items()) if k not in ("sbatch", "squeue") and v)) if other else "0"
        rp = "-" if rpcs is None else "%d (%.0f)" % (sum(rpcs.values()), sum(rpcs.values()) / wall * 60)
        out.append("| %s | %s | %.1f | %d | %d | %s | %d | %.1f | %.1f | %s |"
                   % (who, poll, wall, c.get("sbatch", 0), c.get("squeue", 0), other_txt, total, total / wall * 60,
                      c.get("squeue", 0) / window * 60, rp))

    row("`exp:sweep` (ours, one batched squeue)", "5 s (default)", s5["wall"], s5["window"], s5["commands"], s5["rpcs"])
    row("`exp:sweep` (ours, one batched squeue)", "1 s", s1["wall"], s1["window"], s1["commands"], s1["rpcs"])
    row("`squeue -j ID` per job (peer, measured)", "1 s per job", pj["wall"], pj["window"], pj["commands"], pj["rpcs"])
    per5 = sum(math.ceil(n / 5) for n in pj["polls"].values())
    row("`squeue -j ID` per job (computed from the peer's jobs)", "5 s per job", pj["wall"], pj["window"],
        {"sbatch": pj["commands"]["sbatch"], "squeue": per5}, None)
    sacct = submitit_calls(pj["window"])
    row("submitit's shared watcher, one sacct for all (computed)", "0, 2, 4, 8 … s, then 60 s", pj["wall"], pj["window"],
        {"sbatch": pj["commands"]["sbatch"], "sacct": sacct}, None)
    out.append("")

    def top(rpcs):
        return ", ".join("%s %d" % (k, v) for k, v in list(rpcs.items())[:5])

    per_squeue = {}
    for k, v in pj["rpcs"].items():
        per_squeue[k] = v / pj["commands"]["squeue"]
    squeue_kinds = sorted(k for k, v in per_squeue.items() if v >= 0.9)
    out.append(
        "Following window (first submission to the last end seen): ours %.1f s (5 s) and %.1f s (1 s), the peer %.1f s. "
        "Ours asks one squeue per interval for all jobs, plus one a second for 10 s once a job's exit file appears; "
        "at 1 s that is one a second throughout. Each squeue costs slurmctld about three RPCs (`squeue -j ID`: %s; "
        "the batched one asks REQUEST_JOB_INFO instead, which lists every job, and filters). sdiag's largest differences: ours at 5 s: %s; at "
        "1 s: %s; the per-job peer: %s. Jobs in the queue before this case's runs: %s; at the start of each 8-job "
        "measurement: %d, %d, %d (ours 5 s, 1 s, peer). submitit's row: its watcher asks sacct for all jobs at once, "
        "0, 2, 4, 8, 16, 32, 64 s after the last submission, then every 60 s, and learns a job's end from its result "
        "file; it is the quietest and the latest to see a state change.\n"
        % (s5["window"], s1["window"], pj["window"], ", ".join(squeue_kinds), top(s5["rpcs"]), top(s1["rpcs"]),
           top(pj["rpcs"]), a.queue_before, len(s5["queue_before"]), len(s1["queue_before"]), len(pj["queue_before"])))
    scontrol = s5["commands"].get("scontrol", 0)
    ends_first = m[NAME_OURS] < m[NAME_VPEER]
    out.append(
        "What the numbers mean: the first line reaches the console %.2f s after the submission (the peer's file: "
        "%.2f s); both wait for Slurm to start the job script (%.2f s for the peer, by its own clock; it varies between "
        "runs with slurmctld's scheduling passes) and for Podman, and ours adds at most the follower's 200 ms "
        "(printed → seen %.2f s). Before the submission ours spends %.2f s where `sbatch` takes %.3f s: the JVM and "
        "Maven (%.2f s for `mvn validate`), loading the plugin, the engine, git and image resolution. At the end, "
        "`sbatch --wait` sees the job's end only on its own back-off (it asks 2 s after the submission, then 8 s and "
        "32 s later), %.2f s after the container's last line, where ours knows in %.2f s (the exit file wakes one "
        "squeue, then the output file rests 1 s), so on this short job the plugin's run ends %s the hand-written one; "
        "against a flow that knew the end at once it adds %.2f s. The pollInterval leaves a run that ends normally "
        "alone (%.2f s at 5 s, %.2f s at 1 s): it bounds how late a change without an exit file is seen (the start, a "
        "cancellation, a node failure) and the load on slurmctld, %.0f squeue a minute at 5 s and %.0f at 1 s for %d "
        "jobs, where per-job polling every second makes %.0f and grows with every job.%s\n"
        % (med(first_ours), med(first_peer), med(latency(peer, "submitted", "job_start")),
           med(latency(ours, "first_printed", "first_seen")), before, med(latency(peer, "start", "submitted")), maven,
           med(latency(peer, "last_printed", "end_known")), end, "before" if ends_first else "after", total - ideal,
           m[NAME_OURS], m[NAME_OURS1], s5["commands"].get("squeue", 0) / s5["window"] * 60,
           s1["commands"].get("squeue", 0) / s1["window"] * 60, a.trials, pj["commands"]["squeue"] / pj["window"] * 60,
           (" Of the other commands, %d are `scontrol show config` (the KillWait for the job script), one per trial "
            "submitted together where one per build would do." % scontrol) if scontrol > 1 else ""))
    out.append("Load average (1, 5, 15 min) before the timed runs: %s; after the last measurement: %s.\n" % (a.load_before, a.load_after))
    out.append("Reproduce: `%s`\n" % a.command)
    print("\n".join(out))


if __name__ == "__main__":
    main()
