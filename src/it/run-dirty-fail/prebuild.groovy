evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
// Then two uncommitted changes: an untracked file and an edit.
new File(basedir, "train.py").text = "print('uncommitted')\n"
new File(basedir, "pom.xml").text += "<!-- local edit -->\n"
return true
