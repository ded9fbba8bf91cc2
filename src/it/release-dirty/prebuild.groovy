evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
// An uncommitted change: the run may go (dirty=warn records the patch), a release may not.
new File(basedir, "train.sh").append("echo 'tuned by hand'\n")
return true
