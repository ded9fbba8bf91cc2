// The user's own dev container, committed, as a project that already has one.
new File(basedir, ".devcontainer").mkdirs()
new File(basedir, ".devcontainer/devcontainer.json").text = '// mine\n{ "image": "mcr.microsoft.com/devcontainers/python:3.12" }\n'
new File(basedir, "train.py").text = "print('training')\n"
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
return true
