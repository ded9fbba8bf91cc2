// The git program for IT scripts, with an identity of its own: git(dir, "commit", "-q", "-m", "x").
// Use: def git = evaluate(new File(basedir, "../../../src/it/_shared/git.groovy"))
def env = ["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid", "GIT_COMMITTER_NAME=IT",
           "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")]
return { File dir, String... args ->
    def p = (["git"] + args.toList()).execute(env, dir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
