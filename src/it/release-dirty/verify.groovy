import groovy.json.JsonSlurper

def git = { String... args -> (["git"] + args.toList()).execute(null, basedir).text.trim() }
def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.status == "succeeded"
assert record.git.dirty == true
assert lines.contains("[INFO] [out] tuned by hand") : "the run used the uncommitted change, and says so"
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:")
        && it.endsWith(":tag (tag) on project release-dirty: Run ${record.runId} ran on a dirty tree; a tag must name code that reproduces it.".toString()) }
assert lines.contains("[ERROR]   Fix: commit the changes, run again, then tag")
assert git("tag", "-l") == "" : "nothing tagged"
assert !new File(basedir, "target/deploy-repo").exists() : "nothing deployed"
assert git("diff", "--name-only") == "train.sh" && new File(basedir, "train.sh").text.endsWith("echo 'tuned by hand'\n") : "the user's change is left as it was"
return true
