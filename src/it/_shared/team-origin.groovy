// The team's bare repository next to an IT project (../NAME-origin.git, made afresh), with the shipped pre-receive
// hook installed when hook is true; the project adds it as origin and pushes main. Returns the bare repository.
// Use from a prebuild.groovy, after git-repo.groovy:
//   def origin = evaluate(new File(basedir, "../../../src/it/_shared/team-origin.groovy"))(basedir, "my-it", true)
return { File dir, String name, boolean hook ->
    def origin = new File(dir, "../${name}-origin.git").canonicalFile
    origin.deleteDir()
    def git = { String... args ->
        def p = (["git"] + args.toList()).execute(null, dir)
        def out = new StringBuilder()
        p.waitForProcessOutput(out, out)
        assert p.exitValue() == 0 : "git ${args} failed: ${out}"
    }
    git("init", "-q", "--bare", origin.path)
    if (hook) {
        def installed = new File(origin, "hooks/pre-receive")
        installed.bytes = new File(dir, "../../../src/main/resources/dev/exprun/hooks/pre-receive").bytes
        installed.setExecutable(true)
    }
    git("remote", "add", "origin", origin.path)
    git("push", "-q", "origin", "main")
    return origin
}
