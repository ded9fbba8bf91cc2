import groovy.json.JsonSlurper

def git = { File dir, String... args -> (["git"] + args.toList()).execute(null, dir).text.trim() }
def origin = new File(basedir, "../history-which-sharing-origin.git").canonicalFile
def head = git(basedir, "rev-parse", "HEAD")
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
def lines = new File(basedir, "build.log").readLines()

// The run's note, on its commit, in our repository and, after exp:push-runs, in the team's.
def note = new JsonSlurper().parseText(git(origin, "notes", "--ref=exprun", "show", head))
assert note.schema == "exprun.note/v1"
assert note.runId == record.runId
assert note.commit == head
assert note.imageDigest == record.image.digest
assert note.metrics == [val_acc: 0.91]
def model = note.artifacts.find { it.classifier == "model" }
assert model.coordinates == "it.exprun:history-which-sharing:pt:model:1.0-SNAPSHOT"
assert model.sha256 == record.outputs[0].sha256
assert git(basedir, "status", "--porcelain", "--untracked-files=no") == "" : "notes never touch the work tree or the index"
assert lines.contains("[INFO] Pushed runs to origin: merged 0 of theirs first, then 1 of ours on 1 commit(s)")

// exp:which: found by sha256; an unrelated file is said to be unknown.
assert lines.any { it.startsWith("[INFO] ") && it.contains("received-best.pt (sha256 ${model.sha256}, 9 bytes) was produced by 1 recorded run".toString()) }
assert lines.contains("[INFO] Run ${record.runId}: succeeded, started ${record.startedAt}".toString())
assert lines.any { it.startsWith("[INFO]   matched: it.exprun:history-which-sharing:pt:model:1.0-SNAPSHOT (best.pt)") }
assert lines.any { it.startsWith("[INFO] UNKNOWN: ") && it.contains("pom.xml") && it.endsWith("matches no recorded run and carries no exprun provenance") }

// exp:history as CSV, unprefixed on standard output.
assert lines.contains("date,commit,branch,tags,run_id,status,image_digest,val_acc")
assert lines.contains("${record.startedAt},${head},main,,${record.runId},succeeded,${record.image.digest},0.91".toString())

// exp:history's table under -q: still printed, without log prefixes.
assert lines.any { it ==~ /DATE +COMMIT +BRANCH\/TAGS +RUN +STATUS +IMAGE +VAL_ACC/ }
assert lines.any { !it.startsWith("[") && it.contains(record.runId) && it.contains("succeeded") && it.endsWith("0.91") }
assert lines.contains("1 run(s)")
return true
