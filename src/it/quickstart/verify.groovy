import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256(File f) {
    def md = MessageDigest.getInstance("SHA-256")
    f.withInputStream { s -> byte[] b = new byte[65536]; int n; while ((n = s.read(b)) > 0) { md.update(b, 0, n) } }
    md.digest().encodeHex().toString()
}
def head = ["git", "rev-parse", "HEAD"].execute(null, basedir).text.trim()
def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))

assert record.status == "succeeded"
assert record.git.commit == head
assert record.git.dirty == false
assert record.image.reference == "localhost/exp-test/pytorch-cpu:1.13"
assert record.params == [epochs: 40, hidden: 64, lr: 0.01, seed: 42]
assert record.metrics.val_acc >= 0.95
assert lines.contains("[INFO] [out] best val_acc 1.0000 at epoch 11")
assert lines.contains("[INFO] [out] best.pt says: run ${record.runId}, commit ${head}, image ${record.image.digest}".toString())
assert lines.any { it ==~ /\[INFO\] progress: step 40 \| loss 0\.\d{4} \| val_loss 0\.\d{4} \| val_acc 1\.0000/ }

def repo = new File(localRepositoryPath, "it/exprun/quickstart-it/1.0-SNAPSHOT")
def model = new File(repo, "quickstart-it-1.0-SNAPSHOT-model.pt")
assert model.isFile()
def out = record.outputs.find { it.classifier == "model" }
assert sha256(model) == out.sha256 : "the installed checkpoint is the recorded one"
def sidecar = new JsonSlurper().parse(new File(basedir, "target/exp/runs/${record.runId}/out/best.pt.provenance.json"))
assert sidecar.run_id == record.runId
assert sidecar.commit == head
assert sidecar.sha256 == out.sha256
["exp-run.json", "exp-metrics.json", "exp-metrics-series.jsonl", "exp-log.txt"].each {
    assert new File(repo, "quickstart-it-1.0-SNAPSHOT-" + it).isFile() : it
}
return true
