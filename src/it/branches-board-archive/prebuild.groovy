// The team's bare repository (with the shipped pre-receive hook), this project as main's clone, two researchers'
// clones on exp/adamw and exp/dropout, and a local exp/merged already merged into main.
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
def origin = new File(basedir, "../branches-board-archive-origin.git").canonicalFile
def clones = ["adamw", "dropout"].collect { new File(basedir, "../branches-board-archive-${it}").canonicalFile }
([origin] + clones).each { it.deleteDir() }
def env = ["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid", "GIT_COMMITTER_NAME=IT",
           "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")]
def git = { File dir, String... args ->
    def p = (["git"] + args.toList()).execute(env, dir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
git(basedir, "init", "-q", "--bare", origin.path)
def hook = new File(origin, "hooks/pre-receive")
hook.bytes = new File(basedir, "../../../src/main/resources/dev/exprun/hooks/pre-receive").bytes
hook.setExecutable(true)
new File(basedir, ".gitignore").text = "build.log\ntarget/\n"
git(basedir, "commit", "-q", "-am", "ignore target")
git(basedir, "remote", "add", "origin", origin.path)
git(basedir, "push", "-q", "origin", "main")
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
