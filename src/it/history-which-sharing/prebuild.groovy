evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
evaluate(new File(basedir, "../../../src/it/_shared/team-origin.groovy"))(basedir, "history-which-sharing", false)
return true
