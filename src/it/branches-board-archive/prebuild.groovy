// The team's bare repository (with the shipped pre-receive hook), this project as main's clone, two researchers'
// clones on exp/adamw and exp/dropout, and a local exp/merged already merged into main.
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
def git = evaluate(new File(basedir, "../../../src/it/_shared/git.groovy"))
new File(basedir, ".gitignore").text = "build.log\ntarget/\n"
git(basedir, "commit", "-q", "-am", "ignore target")
def origin = evaluate(new File(basedir, "../../../src/it/_shared/team-origin.groovy"))(basedir, "branches-board-archive", true)
def clones = ["adamw", "dropout"].collect { new File(basedir, "../branches-board-archive-${it}").canonicalFile }
clones.each { it.deleteDir() }
["adamw", "dropout"].each { name ->
    git(basedir, "switch", "-q", "-c", "exp/${name}".toString(), "main")
    new File(basedir, "${name}.txt").text = "${name}\n"
    git(basedir, "add", "-A")
    git(basedir, "commit", "-q", "-m", "try ${name}".toString())
    git(basedir, "push", "-q", "origin", "exp/${name}".toString())
    git(basedir, "switch", "-q", "main")
    git(basedir, "branch", "-q", "-D", "exp/${name}".toString())  // theirs: here only as origin/exp/${name}
}
git(basedir, "switch", "-q", "-c", "exp/merged")
new File(basedir, "merged.txt").text = "kept\n"
git(basedir, "add", "-A")
git(basedir, "commit", "-q", "-m", "a finished experiment")
git(basedir, "push", "-q", "-u", "origin", "exp/merged")
git(basedir, "switch", "-q", "main")
git(basedir, "merge", "-q", "--no-ff", "-m", "merge exp/merged", "exp/merged")
git(basedir, "push", "-q", "origin", "main")
git(basedir, "fetch", "-q", "origin")
["adamw", "dropout"].eachWithIndex { name, i ->
    git(basedir.parentFile, "clone", "-q", "-b", "exp/${name}".toString(), origin.path, clones[i].path)
}
return true
