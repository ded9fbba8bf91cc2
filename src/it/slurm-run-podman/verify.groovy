import groovy.json.JsonSlurper
import java.security.MessageDigest

def sha256(File f) { MessageDigest.getInstance("SHA-256").digest(f.bytes).encodeHex().toString() }
def secret = "it-secret-123"
def node = System.getenv("EXP_TEST_SLURM_NODE")
assert node : "EXP_TEST_SLURM_NODE: the invoker builds run in the environment of scripts/test-engine.sh"
def log = new File(basedir, "build.log").text
def lines = log.readLines()

// Invocation 1 (exp:run install): its record is the one installed; invocation 2 failed after it.
def repo = new File(localRepositoryPath, "it/exprun/slurm-run-podman/1.0-SNAPSHOT")
def installed = { String classifier, String ext -> new File(repo, "slurm-run-podman-1.0-SNAPSHOT-${classifier}.${ext}") }
["exp-run": "json", "exp-metrics": "json", "exp-log": "txt", "exp-job": "txt", "model": "pt"].each { c, ext ->
    assert installed(c, ext).isFile() : "${c}.${ext} installed"
}
def record = new JsonSlurper().parse(installed("exp-run", "json"))
def runDir = new File(basedir, "target/exp/runs/" + record.runId)
assert new JsonSlurper().parse(new File(runDir, "run.json")) == record
assert record.status == "succeeded"
assert record.exitCode == 0
assert record.params == [epochs: 3, lr: 0.01]
assert record.metrics == [val_acc: 0.88, loss: 0.5]
assert record.container.command == ["sh", "train.sh"]
assert record.slurm.state == "COMPLETED"
assert record.slurm.jobId ==~ /\d+/
assert record.slurm.nodes == node
assert record.slurm.partition == "debug"
assert record.slurm.exitCode == "0:0"
assert record.slurm.restarts == 0
assert record.slurm.containerRuntime == "podman"
def jobId = record.slurm.jobId

// What the user read: the submission, the job's own first line, the training's lines, the job script attached.
def jobScript = new File(runDir, "job.sh")
assert lines.contains("[INFO] Executor: Slurm (partition debug), containers by podman on the nodes")
def submitted = lines.findAll { it ==~ /\[INFO\] Slurm job \d+ submitted for exp-\S+ \(partition debug\); job script \S+/ }
assert submitted.size() == 2 : "one job per invocation: ${submitted}"
assert submitted[0] == "[INFO] Slurm job ${jobId} submitted for exp-${record.runId} (partition debug); job script ${jobScript.canonicalPath}".toString()
assert lines.contains("[INFO] [out] exprun-job: job ${jobId} on ${node} (restart 0)".toString())
assert lines.contains("[INFO] [out] training on slurm params={\"epochs\":3,\"lr\":0.01}")
assert lines.contains("[INFO] [out] token of 13 characters") : "the env value reached the container"
assert lines.contains("[INFO] [out] training done")
assert lines.contains("[INFO] Attached exp-job (txt): ${jobScript.canonicalPath}".toString())
assert lines.any { it.startsWith("[INFO] Attached model (pt): ") }

// The installed files: the job script as it was submitted, the log, the output by its recorded digest.
def script = installed("exp-job", "txt").text
assert script == jobScript.text
assert script.startsWith("#!/bin/bash\n")
assert script.contains("sbatch --parsable")
assert script.contains("'--partition=debug'")
assert script.contains("'--comment=exprun project=it.exprun:slurm-run-podman build=")
assert script.contains("API_TOKEN") : "the variable's name is in the script, its value is not"
assert installed("exp-log", "txt").text.contains("training on slurm params=")
assert installed("exp-log", "txt").text.endsWith("training done")
assert installed("model", "pt").text == "slurm-weights"
assert record.outputs.size() == 1
assert sha256(installed("model", "pt")) == record.outputs[0].sha256

// Invocation 2: the job's script exited 3; the build failed with the code and the job's last lines, record kept.
def failed = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert failed.runId != record.runId
assert failed.status == "failed"
assert failed.exitCode == 3
assert failed.slurm.jobId != jobId
assert failed.slurm.state == "FAILED"
assert failed.slurm.exitCode == "3:0"
assert failed.slurm.containerRuntime == "podman"
assert submitted[1] == "[INFO] Slurm job ${failed.slurm.jobId} submitted for exp-${failed.runId} (partition debug); job script ${new File(basedir, "target/exp/runs/" + failed.runId + "/job.sh").canonicalPath}".toString()
assert lines.contains("[INFO] [out] about to fail")
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.contains("The training command exited with code 3 (run " + failed.runId) }
assert lines.contains("[ERROR]     about to fail")
assert lines.contains("[INFO] BUILD FAILURE")

// No env value anywhere the plugin writes or shows (the POM holds it, the job's environment carries it).
[jobScript, new File(runDir, "run.json"), installed("exp-run", "json"), installed("exp-log", "txt"),
 new File(basedir, "target/exp/runs/" + failed.runId + "/job.sh"), new File(basedir, "target/exp/last-run.json")].each {
    assert !it.text.contains(secret) : "${it} holds the env value"
}
assert !log.contains(secret) : "the build log holds the env value"

// Nothing of this project left in the queue.
def env = System.getenv().collect { k, v -> "${k}=${v}".toString() }
def squeue = ["squeue", "--noheader", "--Format=JobID:|,Comment:|"].execute(env, basedir)
def out = new StringBuilder(), err = new StringBuilder()
squeue.waitForProcessOutput(out, err)
assert squeue.exitValue() == 0 : "squeue failed: ${err}"
assert !out.readLines().any { it.contains("project=it.exprun:slurm-run-podman ") } : "jobs left in the queue: ${out}"
return true
