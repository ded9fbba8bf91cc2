// The project as its own repository, pushed to a bare "origin"; and a clone of it made now, before anything ran.
def env = ["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid", "GIT_COMMITTER_NAME=IT",
           "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")]
def git = { File dir, String... args ->
    def p = (["git"] + args.toList()).execute(env, dir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
// What an earlier invocation of this IT resolved into the local repository would be served instead of the team's copy.
new File(localRepositoryPath, "it/exprun/cache-through-repository").deleteDir()
def origin = new File(basedir, "../cache-through-repository-origin.git").canonicalFile
origin.deleteDir()
new File(basedir, ".gitignore").text = "build.log\ntarget/\nclone/\nteam-repo/\n"
git(basedir, "init", "-q", "-b", "main")
git(basedir, "add", "-A")
git(basedir, "commit", "-q", "-m", "initial")
git(basedir, "init", "-q", "--bare", origin.path)
git(basedir, "remote", "add", "origin", origin.path)
git(basedir, "push", "-q", "origin", "main")
git(basedir, "clone", "-q", "-b", "main", origin.path, new File(basedir, "clone").path)
return true
