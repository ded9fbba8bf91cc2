def lines = new File(basedir, "build.log").readLines()
assert lines.contains("[INFO] Jupyter in localhost/exp-test/tiny:1, notebooks in /workspace (work tree read-write), published on 127.0.0.1:18888.")
assert lines.contains("[INFO] This session is not a recorded run: no run record, no git note.")
assert lines.contains("exprun: no Jupyter in this image (neither jupyter-notebook nor python3 -m notebook)")
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.endsWith(":notebook (default-cli) on project "
        + "notebook-no-jupyter: The image localhost/exp-test/tiny:1 has no Jupyter: neither jupyter-notebook nor the Python module notebook is in it.") }
assert lines.contains("[ERROR]   Fix: add Jupyter to the image's Dockerfile, e.g. RUN apt-get install -y jupyter-notebook (Debian, Ubuntu) or "
        + "RUN pip install notebook, and set <image> to the new image")
assert lines.contains("[INFO] BUILD FAILURE")
assert !lines.any { it.contains("Jupyter is ready") }
assert !new File(basedir, "target/exp/runs").exists()
assert !new File(basedir, "target/exp/last-run.json").exists()
assert !new File(basedir, "target/exp/sessions").listFiles()
return true
