import groovy.json.JsonSlurper

def git = { String... args -> (["git"] + args.toList()).execute(null, basedir).text.trim() }
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert git("cat-file", "-t", "v1.0-prod-ready") == "tag" : "annotated, never lightweight"
assert git("rev-parse", "v1.0-prod-ready^{commit}") == git("rev-parse", "HEAD")
def message = git("tag", "-l", "--format=%(contents)", "v1.0-prod-ready")
assert message.startsWith("tag-after-verify 1.0-SNAPSHOT: val_acc=0.932 loss=0.25")
def json = message.substring(message.indexOf("```json exprun\n") + 15, message.lastIndexOf("\n```"))
def block = new JsonSlurper().parseText(json)
assert block.runId == record.runId
assert block.commit == record.git.commit
assert block.image.digest == record.image.digest
assert block.metrics == record.metrics
assert block.artifacts.any { it.coordinates == "it.exprun:tag-after-verify:json:exp-run:1.0-SNAPSHOT" }
def log = new File(basedir, "build.log").text
assert log.contains("[INFO] Tagged " + record.git.commit + " as v1.0-prod-ready (annotated, run " + record.runId + ")")
assert log.contains("The tag v1.0-prod-ready already exists; tags are never moved or overwritten.")
return true
