import groovy.json.JsonSlurper

def git = { File dir, String... args -> (["git"] + args.toList()).execute(null, dir).text.trim() }
def origin = new File(basedir, "../branches-board-archive-origin.git").canonicalFile
def runOf = { File dir -> new JsonSlurper().parse(new File(dir, "target/exp/last-run.json")) }
def adamw = runOf(new File(basedir, "../branches-board-archive-adamw").canonicalFile)
def dropout = runOf(new File(basedir, "../branches-board-archive-dropout").canonicalFile)
def main = runOf(basedir)
def lines = new File(basedir, "build.log").readLines()
def short10 = { String id -> id.substring(0, 10) }
def rowMatches = { String line, List cells -> line ==~ ("\\[INFO\\] " + cells.join("\\s+")) }
def anyRow = { List cells -> lines.any { rowMatches(it, cells) } }

// exp:board, after main fetched the researchers' runs: best first, deltas against main's best run.
assert lines.contains("[INFO] 3 experiment branch(es), best run by val_acc (higher is better); deltas against main's best run ${main.runId}.".toString())
assert anyRow(["main", "1", "0", main.runId, short10(main.git.commit), "\\d+m", "-", "-", "-", "0\\.85", "0\\.2"])
assert anyRow(["exp/adamw \\(origin\\)", "1", "0", adamw.runId, short10(adamw.git.commit), "\\d+m", "1", "2", "1", "0\\.91 \\(\\+0\\.06\\)", "0\\.2 \\(\\+0\\)"])
assert anyRow(["exp/dropout \\(origin\\)", "1", "0", dropout.runId, short10(dropout.git.commit), "\\d+m", "1", "2", "1", "0\\.83 \\(-0\\.02\\)", "0\\.2 \\(\\+0\\)"])
assert anyRow(["exp/merged", "0", "0", "-", "-", "-", "0", "1", "0", "-", "-"])
def boardRows = lines.findIndexOf { it.startsWith("[INFO] BRANCH ") }
assert lines[boardRows + 2].startsWith("[INFO] exp/adamw ") && lines[boardRows + 3].startsWith("[INFO] exp/dropout ") : "best first"

// The CSV, unprefixed on standard output, every digit kept.
assert lines.contains("role,branch,ref,tip,ahead,behind,files_changed,runs,failed,best_run,commit,started_at,val_acc,loss,delta_val_acc,delta_loss")
assert lines.contains("branch,exp/adamw,refs/remotes/origin/exp/adamw,${adamw.git.commit},1,2,1,1,0,${adamw.runId},${adamw.git.commit},${adamw.startedAt},0.91,0.2,${0.91d - 0.85d},0.0".toString())

// exp:archive: the refusal, the dry run, the merged branch, the remote-only branch.
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.endsWith(":archive (default-cli) on project"
        + " branches-board-archive: There is no branch exp/nope (neither local nor remote-tracking); nothing was archived.") }
assert lines.contains("[ERROR]   Fix: exp:board lists the experiment branches (git branch -a all of them)")
def merged = git(origin, "rev-parse", "refs/tags/archive/exp/merged^{commit}")
assert lines.count("[INFO] 1 experiment branch(es) merged into main: exp/merged") == 2
assert lines.contains("[INFO] Would archive exp/merged as archive/exp/merged (tip ${short10(merged)}, 0 run(s), no successful run); -Dexp.dryRun=true: nothing was changed".toString())
assert lines.contains("[INFO] Archived exp/merged as archive/exp/merged (tip ${short10(merged)}, 0 run(s), no successful run)".toString())
assert lines.contains("[INFO] Pushed archive/exp/merged to origin and deleted exp/merged there")
assert lines.contains("[INFO] Deleted the branch exp/merged (was ${short10(merged)})".toString())
assert lines.contains("[INFO] Archived exp/dropout as archive/exp/dropout (tip ${short10(dropout.git.commit)}, 1 run(s), best run ${dropout.runId} val_acc=0.83)".toString())
assert lines.contains("[INFO] Pushed archive/exp/dropout to origin and deleted exp/dropout there")

// The team's repository: the archive tags, annotated, with the run summary; the archived branches gone, exp/adamw kept.
assert git(origin, "for-each-ref", "--format=%(refname)", "refs/heads/") == "refs/heads/exp/adamw\nrefs/heads/main"
assert git(origin, "cat-file", "-t", "archive/exp/dropout") == "tag"
assert git(origin, "rev-parse", "archive/exp/dropout^{commit}") == dropout.git.commit
def message = git(origin, "for-each-ref", "--format=%(contents)", "refs/tags/archive/exp/dropout")
def block = new JsonSlurper().parseText(message.substring(message.indexOf("```json exprun\n") + 15, message.lastIndexOf("\n```")))
assert block.schema == "exprun.archive/v1" && block.branch == "exp/dropout" && block.runs == 1 && block.failed == 0
assert block.bestRun.runId == dropout.runId && block.bestRun.metrics == [val_acc: 0.83, loss: 0.2]
assert git(basedir, "for-each-ref", "--format=%(refname)", "refs/heads/", "refs/remotes/") == "refs/heads/main\nrefs/remotes/origin/exp/adamw\nrefs/remotes/origin/main"

// The archived run is still listed by exp:history -Dexp.all=true, under its archive tag; the board has one branch left.
assert anyRow(["\\S+ \\S+", short10(dropout.git.commit), "archive/exp/dropout", dropout.runId, "succeeded", "sha256:\\w+", "0\\.83", "0\\.2"])
assert lines.contains("[INFO] 1 experiment branch(es), best run by val_acc (higher is better); deltas against main's best run ${main.runId}.".toString())
return true
