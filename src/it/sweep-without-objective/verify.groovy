import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def sweep = new JsonSlurper().parse(new File(basedir, "target/exp/last-sweep.json"))
assert sweep.status == "succeeded"
assert sweep.best == null && sweep.objective == null
assert sweep.trials*.status == ["succeeded", "succeeded"]
assert lines.contains("[INFO] Sweep ${sweep.sweepId} succeeded; no objective, so no best trial for exp:verify and exp:tag".toString())
assert lines.contains("[INFO] Sweep ${sweep.sweepId} (no objective):".toString())
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:")
        && it.endsWith(":verify (default-cli) on project sweep-without-objective: exp:sweep ran in this build without an objective, so there is no best trial to judge or tag.") }
assert lines.contains("[ERROR]   Fix: set <objective> (-Dexp.objective=val_acc) in the sweep's configuration")
assert !new File(basedir, "target/exp/last-run.json").exists() : "no trial is named the run of this build"
return true
