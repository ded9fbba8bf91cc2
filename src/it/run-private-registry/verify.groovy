import groovy.json.JsonSlurper

def log = new File(basedir, "build.log").text
def lines = log.readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.status == "succeeded"
assert record.image.reference == "127.0.0.1:5001/exp-test/private:1"
assert record.image.digestSource == "repo-digest"
assert record.image.digest ==~ /sha256:[0-9a-f]{64}/
assert lines.contains("[INFO] Pulling 127.0.0.1:5001/exp-test/private:1")
assert lines.contains("[INFO] [out] pulled and ran")
def everything = log + new File(basedir, "target/exp/runs/" + record.runId + "/run.json").text
assert !everything.contains("exp-secret-pw") : "the registry password leaked"
return true
