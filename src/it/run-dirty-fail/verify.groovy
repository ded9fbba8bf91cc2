def lines = new File(basedir, "build.log").readLines()
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.endsWith("The work tree has 2 uncommitted change(s) and dirty=fail refuses to run:") }
assert lines.contains("[ERROR]     modified: pom.xml")
assert lines.contains("[ERROR]     untracked: train.py")
assert lines.contains("[ERROR]   Fix: commit or stash the changes, or run with -Dexp.dirty=warn to record them as a patch")
assert !lines.any { it.startsWith("[INFO] Run ") } : "nothing ran"
assert !new File(basedir, "target/exp/last-run.json").exists()
def status = ["git", "status", "--porcelain"].execute(null, basedir).text.readLines().findAll { !it.contains("target/") }.sort()
assert status == [" M pom.xml", "?? train.py"] : "the user's tree is untouched: ${status}"
return true
