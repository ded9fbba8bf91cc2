evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
def origin = new File(basedir, "../history-which-sharing-origin.git").canonicalFile
origin.deleteDir()
def git = { String... args ->
    def p = (["git"] + args.toList()).execute(null, basedir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
git("init", "-q", "--bare", origin.path)
git("remote", "add", "origin", origin.path)
git("push", "-q", "origin", "main")
return true
