import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert lines.contains("[INFO]   val_acc  0.932   val_acc >= 0.93  PASS")
assert lines.contains("[INFO]   loss     0.25    loss <= 0.2      FAIL")
assert lines.contains("[INFO]   f1       -       f1 >= 0.8        FAIL (missing)")
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.endsWith("2 of 3 metric gate(s) failed for run " + record.runId + ":") }
assert lines.contains("[ERROR]   loss <= 0.2: actual 0.25")
assert lines.contains("[ERROR]   f1 >= 0.8: the run has no metric 'f1' (it has val_acc, loss)")
assert lines.contains("[INFO] BUILD FAILURE")
return true
