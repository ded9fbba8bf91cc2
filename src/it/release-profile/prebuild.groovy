// The project is a clone of the team's bare repository, which has the shipped pre-receive hook installed.
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
evaluate(new File(basedir, "../../../src/it/_shared/team-origin.groovy"))(basedir, "release-profile", true)
return true
