import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.status == "failed"
assert record.exitCode == 3
assert lines.contains("[INFO] [out] loading data")
assert lines.contains("[INFO] [err] CUDA out of memory")
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.contains("The training command exited with code 3 (run " + record.runId) }
assert lines.contains("[ERROR]     CUDA out of memory")
assert lines.contains("[INFO] BUILD FAILURE")
def runDir = new File(basedir, "target/exp/runs/" + record.runId)
assert new File(runDir, "log.txt").text == "loading data\nCUDA out of memory\n" || new File(runDir, "log.txt").text == "CUDA out of memory\nloading data\n"
assert new File(runDir, "run.json").isFile()
return true
