import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def json = new JsonSlurper()
def runs = new File(basedir, "target/exp/runs").listFiles().sort { it.name }.collect { json.parse(new File(it, "run.json")) }
assert runs.size() == 3 : runs.collect { it.runId }
def (trained, served, other) = runs
def key = trained.cache.key

// 1. Trained once, with its key; 4. trained again with another lr. No other build trained.
assert trained.cachedFrom == null && trained.params == [lr: 0.01] && trained.cache.inputs == ["train.sh"]
assert other.cachedFrom == null && other.params == [lr: 0.02]
assert lines.findAll { it.startsWith("[INFO] [out] training with ") } == [
        '[INFO] [out] training with {"lr":0.01}', '[INFO] [out] training with {"lr":0.02}']

// 2. The fresh clone: the note told it the run and its coordinates; the files came from the team's repository, verified.
def cloned = json.parse(new File(basedir, "clone/target/exp/last-run.json"))
assert cloned.cachedFrom == trained.runId
assert cloned.status == "succeeded"
assert cloned.cache.key == key
assert cloned.metrics == [val_acc: 0.93]
def hit = ~/\[INFO\] Cache hit: run ${trained.runId} has the key ${key.substring(0, 12)}…; its outputs match their recorded sha256 \(0\.0 MiB re-hashed in \d+ ms\) and its 4 file\(s\) come from the Maven repositories \(by its git note\)\. Nothing was trained; to train anyway: -Dexp\.cache=refresh/
assert lines.any { it ==~ hit } : lines.findAll { it.contains("Cache") }
def local = new File(localRepositoryPath, "it/exprun/cache-through-repository/1.0")
def team = new File(basedir, "team-repo/it/exprun/cache-through-repository/1.0")
["model.pt", "exp-run.json", "exp-metrics.json", "exp-log.txt"].each { suffix ->
    def name = "cache-through-repository-1.0-" + suffix
    assert new File(local, name).bytes == new File(team, name).bytes : name
}
assert lines.contains("[INFO] Attached model (pt): " + new File(local, "cache-through-repository-1.0-model.pt").path)

// 3. The same build again where it trained: from its run directory; what install put in the local repository is the
// trained run's files, byte for byte (its record too: the served run's own record stays in its run directory).
assert served.cachedFrom == trained.runId
assert lines.any { it.startsWith("[INFO] Cache hit: run ${trained.runId} has the key ".toString()) && it.contains("come from its run directory ") }
def trainedDir = new File(basedir, "target/exp/runs/" + trained.runId)
[["exp-run.json", "run.json"], ["exp-metrics.json", "out/metrics.json"], ["exp-log.txt", "log.txt"], ["model.pt", "out/best.pt"]].each {
    def (suffix, file) = it
    assert new File(local, "cache-through-repository-1.0-" + suffix).bytes == new File(trainedDir, file).bytes : suffix
}

// 4. The miss says what changed since the newest run on the branch.
assert lines.contains("[INFO] Cache miss: since run ${served.runId} on branch main: params lr 0.01 → 0.02".toString())
assert lines.contains("[INFO] Run ${other.runId} succeeded; record: ${new File(basedir, "target/exp/runs/" + other.runId + "/run.json").canonicalPath}".toString())
return true
