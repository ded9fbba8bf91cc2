def lines = new File(basedir, "build.log").readLines()
assert lines.contains("[INFO] Pulling 127.0.0.1:5999/exp-test/absent:1")
def error = lines.findAll { it.startsWith("[ERROR] Failed to execute goal ") }
assert error.size() == 1
assert error[0].contains(": Cannot pull 127.0.0.1:5999/exp-test/absent:1: ")
assert lines.any { it.startsWith("[ERROR]   Fix: check the name and tag; if the registry needs a login") }
// docker-java's own callbacks used to log the failure first, at ERROR, with the whole stack trace
assert !lines.any { it.contains("Error during callback") }
assert !lines.any { it.startsWith("\tat ") || it.contains("com.github.dockerjava") }
assert lines.findAll { it.startsWith("[ERROR]") }.every { !it.contains("Exception:") }
assert !new File(basedir, "target/exp/runs").exists() || new File(basedir, "target/exp/runs").list().length == 0 : "no run directory is left"
return true
