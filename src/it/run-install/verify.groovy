import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256(File f) { MessageDigest.getInstance("SHA-256").digest(f.bytes).encodeHex().toString() }
def head = ["git", "rev-parse", "HEAD"].execute(null, basedir).text.trim()

def log = new File(basedir, "build.log").text
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.schema == "exprun.run/v1"
assert record.status == "succeeded"
assert record.git.commit == head
assert record.git.branch == "main"
assert record.git.dirty == false
assert record.params == [epochs: 3, lr: 0.01]
assert record.metrics == [val_acc: 0.91, loss: 0.4]
assert record.container.command == ["sh", "train.sh"]
assert record.project.artifactId == "run-install"
assert record.host.maven.startsWith("3.9")

def lines = log.readLines()
assert lines.contains("[INFO] [out] training params={\"epochs\":3,\"lr\":0.01}")
assert lines.contains("[INFO] [out] training done")
assert lines.contains("[INFO] Run " + record.runId + ": sh train.sh")
assert lines.any { it.startsWith("[INFO] Attached model-epoch2 (pt): ") }

def repo = new File(localRepositoryPath, "it/exprun/run-install/1.0-SNAPSHOT")
def installed = { String classifier, String ext -> new File(repo, "run-install-1.0-SNAPSHOT-${classifier}.${ext}") }
["exp-run": "json", "exp-metrics": "json", "exp-metrics-series": "jsonl", "exp-log": "txt",
 "model-epoch1": "pt", "model-epoch2": "pt"].each { c, ext -> assert installed(c, ext).isFile() : "${c}.${ext} installed" }
assert !installed("exp-diff", "patch").exists() : "a clean tree has no patch"

def installedRecord = new JsonSlurper().parse(installed("exp-run", "json"))
assert installedRecord.runId == record.runId
record.outputs.each { out ->
    assert sha256(installed(out.classifier, out.type)) == out.sha256
}
assert installed("model-epoch2", "pt").text == "epoch2-weights"
assert installed("exp-log", "txt").text.endsWith("training done")
return true
