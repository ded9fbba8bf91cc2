import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256(File f) {
    def md = MessageDigest.getInstance("SHA-256")
    f.withInputStream { s -> byte[] b = new byte[65536]; int n; while ((n = s.read(b)) > 0) { md.update(b, 0, n) } }
    md.digest().encodeHex().toString()
}
def head = ["git", "rev-parse", "HEAD"].execute(null, basedir).text.trim()
def lines = new File(basedir, "build.log").readLines()
def reproduction = new JsonSlurper().parse(new File(basedir, "target/exp/last-reproduction.json"))
def record = new JsonSlurper().parse(new File(basedir, "target/exp/runs/${reproduction.reproduces}/run.json"))

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

// The reproduction: same commit and image digest, same metrics, bit-identical checkpoint, and recorded as one.
assert reproduction.status == "succeeded"
assert reproduction.runId != record.runId
assert reproduction.git.commit == head && reproduction.git.dirty == false
assert reproduction.image.digest == record.image.digest
// Podman keeps a digest for the imported image (repo-digest): it runs again by name@digest. Docker keeps none
// (image-id): it runs again by the image id, which no engine resolves as name@sha256:<id>.
def neverPushed = record.image.digestSource == "image-id"
def pinned = neverPushed ? record.image.digest : "localhost/exp-test/pytorch-cpu:1.13@" + record.image.digest
assert reproduction.image.reference == pinned
assert reproduction.metrics == record.metrics
assert reproduction.outputs.find { it.classifier == "model" }.sha256 == out.sha256
def why = neverPushed ? " (the image id of localhost/exp-test/pytorch-cpu:1.13, which was never pushed)" : ""
assert lines.contains("[INFO] Reproducing run ${record.runId}: commit ${head}, image ${pinned}${why}".toString())
assert lines.contains("[INFO] Outputs: bit-identical (1 of 1: best.pt)")
assert lines.contains("[INFO] REPRODUCED")
assert lines.any { it ==~ /\[INFO\]   val_acc +1\.0 +1\.0 +0 +abs 1\.0E-9, rel 1\.0E-6 +yes/ } : "the verdict row for val_acc"
assert ["git", "worktree", "list"].execute(null, basedir).text.readLines().size() == 1 : "the temporary worktree is gone"

// The history in git: both runs on HEAD, the newest first.
def notes = ["git", "notes", "--ref=exprun", "show", head].execute(null, basedir).text.readLines().findAll { it.startsWith("{") }
assert notes.size() == 2
assert new JsonSlurper().parseText(notes[1]).reproduces == record.runId
def table = lines.dropWhile { !it.startsWith("[INFO] DATE ") }
assert table[0] ==~ /\[INFO\] DATE +COMMIT +BRANCH\/TAGS +RUN +STATUS +IMAGE +VAL_ACC/
assert table[1].contains(reproduction.runId) && table[2].contains(record.runId)
assert table[3] == "[INFO] 2 run(s)"
return true
