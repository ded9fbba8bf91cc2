// The project is a clone of the team's bare repository, which has the shipped pre-receive hook installed.
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
def origin = new File(basedir, "../release-profile-origin.git").canonicalFile
origin.deleteDir()
def git = { File dir, String... args ->
    def p = (["git"] + args.toList()).execute(null, dir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
git(basedir, "init", "-q", "--bare", origin.path)
def hook = new File(origin, "hooks/pre-receive")
hook.bytes = new File(basedir, "../../../src/main/resources/dev/exprun/hooks/pre-receive").bytes
hook.setExecutable(true)
git(basedir, "remote", "add", "origin", origin.path)
git(basedir, "push", "-q", "origin", "main")
return true
