def lines = new File(basedir, "build.log").readLines()
assert lines.contains("[INFO] Shell in localhost/exp-test/tiny:1: sh -c echo shell-says-hello; touch /workspace/touched-by-shell; exit 4,"
        + " work tree at /workspace (read-write), on plain stdin and stdout.")
assert lines.contains("[INFO] This session is not a recorded run: no run record, no git note.")
assert lines.contains("shell-says-hello")
assert !lines.any { it.contains("the training command must not run here") }
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.contains(":shell (default-cli) on project shell-exit-code: The shell exited with code 4.") }
assert lines.contains("[INFO] BUILD FAILURE")
assert new File(basedir, "touched-by-shell").isFile()
assert !new File(basedir, "target/exp/runs").exists()
assert !new File(basedir, "target/exp/last-run.json").exists()
assert !new File(basedir, "target/exp/sessions").listFiles()
return true
