// The quickstart exactly as shipped in examples/quickstart (its train.py), in a git repository of its own.
def example = new File(basedir, "../../../examples/quickstart/train.py").canonicalFile
assert example.isFile() : "missing ${example}"
new File(basedir, "train.py").text = example.text
def git(String... args) {
    def p = (["git"] + args.toList()).execute(["GIT_AUTHOR_NAME=IT", "GIT_AUTHOR_EMAIL=it@example.invalid",
            "GIT_COMMITTER_NAME=IT", "GIT_COMMITTER_EMAIL=it@example.invalid", "PATH=" + System.getenv("PATH")], basedir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "git ${args} failed: ${out}"
}
git("init", "-q", "-b", "main")
new File(basedir, ".gitignore").text = "build.log\n"
git("add", "-A")
git("commit", "-q", "-m", "quickstart")
return true
