// Each IT project is its own git repository, as a user's project is.
def git(String... args) {
    def p = (["git"] + args.toList()).execute(["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid",
            "GIT_COMMITTER_NAME=IT", "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")], basedir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
    return out.toString().trim()
}
git("init", "-q", "-b", "main")
new File(basedir, ".gitignore").text = "build.log\n"
git("add", "-A")
git("commit", "-q", "-m", "initial")
return true
