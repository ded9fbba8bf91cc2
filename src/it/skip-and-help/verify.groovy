def lines = new File(basedir, "build.log").readLines()
assert lines.contains("[INFO] Skipping exp:run (exp.skip=true)")
assert lines.contains("exp:run")
assert !new File(basedir, "target/exp").exists()
return true
