import groovy.json.JsonSlurper
import java.security.MessageDigest

def digest(String algorithm, File f) { MessageDigest.getInstance(algorithm).digest(f.bytes).encodeHex().toString() }
def git = { File dir, String... args -> (["git"] + args.toList()).execute(null, dir).text.trim() }
def origin = new File(basedir, "../release-profile-origin.git").canonicalFile
def log = new File(basedir, "build.log").text
def lines = log.readLines()
def head = git(basedir, "rev-parse", "HEAD")

// The tag in the team's repository: annotated, at HEAD, its JSON block equal to the deployed record.
assert git(origin, "cat-file", "-t", "v1.0-prod-ready") == "tag" : "annotated, never lightweight"
assert git(origin, "rev-parse", "v1.0-prod-ready^{commit}") == head
assert git(origin, "tag", "-l") == "v1.0-prod-ready" : "steps 2-4 tagged nothing"
assert git(basedir, "tag", "-l") == "v1.0-prod-ready"
def message = git(origin, "tag", "-l", "--format=%(contents)", "v1.0-prod-ready")
assert message.startsWith("release-profile 1.0: val_acc=0.95 loss=0.2\n")
def block = new JsonSlurper().parseText(message.substring(message.indexOf("```json exprun\n") + 15, message.lastIndexOf("\n```")))

def deployed = new File(basedir, "target/deploy-repo/it/exprun/release-profile/1.0")
def file = { String classifier, String ext -> new File(deployed, "release-profile-1.0-${classifier}.${ext}") }
def record = new JsonSlurper().parse(file("exp-run", "json"))
assert record.status == "succeeded"
assert record.git.commit == head && record.git.dirty == false
assert block.schema == "exprun.tag/v1"
assert block.runId == record.runId
assert block.commit == record.git.commit
assert block.image.reference == record.image.reference && block.image.digest == record.image.digest
assert block.params == record.params
assert block.metrics == record.metrics && record.metrics == [val_acc: 0.95, loss: 0.2]

// Deployed: checkpoint, record, metrics and log, each with Maven's checksums, and the sha256 the tag names.
def expected = ["model": "pt", "exp-run": "json", "exp-metrics": "json", "exp-log": "txt"]
expected.each { classifier, ext ->
    def f = file(classifier, ext)
    assert f.isFile() : "${f.name} deployed"
    assert new File(f.path + ".sha1").text.trim() == digest("SHA-1", f)
    assert new File(f.path + ".md5").text.trim() == digest("MD5", f)
    def coordinates = "it.exprun:release-profile:${ext}:${classifier}:1.0".toString()
    assert block.artifacts.find { it.coordinates == coordinates }?.sha256 == digest("SHA-256", f) : coordinates
}
assert file("model", "pt").text == "weights-0.95"
assert file("exp-log", "txt").text.contains("training for val_acc=0.95")
assert new File(deployed, "release-profile-1.0.pom").isFile()

// Steps 2-4 deployed nothing: the deployed record is still step 1's, though later runs were recorded.
def last = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert last.runId != record.runId
assert last.metrics.val_acc == 0.5

// What the user read.
assert lines.contains("[WARNING] No exp tag is reachable from HEAD yet, so there is no baseline: the regression gates for [val_acc] are skipped for this first release")
assert lines.contains("[INFO] Tagged ${head} as v1.0-prod-ready (annotated, run ${record.runId})".toString())
assert lines.contains("[INFO] Pushed the tag v1.0-prod-ready to origin")
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:")
        && it.endsWith(":tag (tag) on project release-profile: The tag v1.0-prod-ready already exists; tags are never moved or overwritten.") }
assert lines.count { it.startsWith("[INFO] Baseline: ") } == 3 : "resolved once per build, by exp:verify; exp:tag reuses it"
assert lines.contains("[INFO] Baseline: v1.0-prod-ready (run ${record.runId}, commit ${head.substring(0, 12)})".toString())
assert lines.contains("[INFO]   val_acc  0.93    val_acc >= 0.945 (baseline v1.0-prod-ready 0.95 - 0.005)  FAIL")
assert log.contains("1 of 2 metric gate(s) failed for run ")
assert lines.contains("[ERROR]   val_acc >= 0.945 (baseline v1.0-prod-ready 0.95 - 0.005): actual 0.93")
assert log.contains("2 of 2 metric gate(s) failed for run ")
assert log.contains("\n[ERROR]   val_acc >= 0.9: actual 0.5\n[ERROR]   val_acc >= 0.945 (baseline v1.0-prod-ready 0.95 - 0.005): actual 0.5\n")
return true
