import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256(File f) { MessageDigest.getInstance("SHA-256").digest(f.bytes).encodeHex().toString() }
def git = { String... args -> (["git"] + args.toList()).execute(null, basedir).text.trim() }
def lines = new File(basedir, "build.log").readLines()
def head = git("rev-parse", "HEAD")

def deployed = new File(basedir, "target/deploy-repo/it/exprun/sweep-release/1.0")
def file = { String classifier, String ext -> new File(deployed, "sweep-release-1.0-${classifier}.${ext}") }

// The sweep record, deployed as json and csv: three trials, the best by val_acc is t02.
def sweep = new JsonSlurper().parse(file("exp-sweep", "json"))
assert sweep.schema == "exprun.sweep/v1"
assert sweep.status == "succeeded"
assert sweep.objective == [metric: "val_acc", direction: "higher-is-better"]
assert sweep.parallel == 3
assert sweep.trials*.trial == ["t01", "t02", "t03"]
assert sweep.trials*.status == ["succeeded"] * 3
assert sweep.trials*.params == [[val_acc: 0.91], [val_acc: 0.97], [val_acc: 0.93]]
assert sweep.best == "t02"
def csv = file("exp-sweep", "csv").readLines()
assert csv[0].startsWith("trial,status,best,run_id,attempts,")
assert csv[2].startsWith("t02,succeeded,true,${sweep.trials[1].runId},1,".toString())

// Every trial's files, under classifiers suffixed by the trial; each record is its own run of the one sweep.
sweep.trials.eachWithIndex { t, i ->
    def record = new JsonSlurper().parse(file("exp-run-${t.trial}", "json"))
    assert record.runId == t.runId
    assert record.sweep == [sweepId: sweep.sweepId, trial: t.trial, attempt: 1]
    assert record.params == [epochs: 3, val_acc: t.params.val_acc]
    assert record.git.commit == head
    assert file("model-${t.trial}", "pt").text == "weights-${t.params.val_acc}".toString()
    assert file("exp-log-${t.trial}", "txt").text.contains("trial ${t.trial} training for val_acc=${t.params.val_acc}".toString())
    assert file("exp-metrics-${t.trial}", "json").isFile()
}

// The gate and the tag acted on the best trial.
def best = sweep.trials[1]
assert git("cat-file", "-t", "v1.0-best") == "tag"
def message = git("tag", "-l", "--format=%(contents)", "v1.0-best")
def block = new JsonSlurper().parseText(message.substring(message.indexOf("```json exprun\n") + 15, message.lastIndexOf("\n```")))
assert block.runId == best.runId
assert block.metrics == [val_acc: 0.97, loss: 0.2]
assert block.artifacts.find { it.coordinates == "it.exprun:sweep-release:pt:model-t02:1.0" }?.sha256 == sha256(file("model-t02", "pt"))
assert !block.artifacts.any { it.coordinates.contains("-t01:") || it.coordinates.contains("-t03:") } : "only the tagged trial's files"
assert block.artifacts.find { it.coordinates == "it.exprun:sweep-release:json:exp-sweep:1.0" }

// What the user read: prefixed trial lines, the table with the best marked, the gate and the tag.
assert lines.contains("[INFO] [t02] trial t02 training for val_acc=0.97")
assert lines.contains("[INFO] Sweep ${sweep.sweepId} by val_acc (higher is better):".toString())
assert lines.contains("[INFO]      trial  status     val_acc  param val_acc  gpus  run")
assert lines.any { it ==~ /\[INFO\]   \*  t02    succeeded  0\.97     0\.97           -     .*/ }
assert lines.contains("[INFO] Sweep ${sweep.sweepId} succeeded; best trial t02 (record ${new File(basedir, "target/exp/runs/${best.runId}/run.json").canonicalPath})".toString())
assert lines.contains("[INFO] Tagged ${head} as v1.0-best (annotated, run ${best.runId})".toString())
return true
