// Makes an IT project its own git repository with one commit, as a user's project is.
// Use from a prebuild.groovy: evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
return { File dir ->
    def env = ["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid", "GIT_COMMITTER_NAME=IT",
               "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")]
    def git = { String... args ->
        def p = (["git"] + args.toList()).execute(env, dir)
        def out = new StringBuilder()
        p.waitForProcessOutput(out, out)
        assert p.exitValue() == 0 : "git ${args} failed: ${out}"
    }
    git("init", "-q", "-b", "main")
    new File(dir, ".gitignore").text = "build.log\n"
    git("add", "-A")
    git("commit", "-q", "-m", "initial")
}
