evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
return true
