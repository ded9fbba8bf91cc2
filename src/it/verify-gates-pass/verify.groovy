def lines = new File(basedir, "build.log").readLines()
assert lines.any { it ==~ /\[INFO\] Gates for run \d{8}-\d{6}-\d{3}-[0-9a-f]{8}:/ }
assert lines.contains("[INFO]   METRIC   ACTUAL  CONDITION        VERDICT")
assert lines.contains("[INFO]   val_acc  0.932   val_acc >= 0.93  PASS")
assert lines.contains("[INFO]   loss     0.25    loss <= 0.3      PASS")
assert lines.contains("[INFO] BUILD SUCCESS")
return true
