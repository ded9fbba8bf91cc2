import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def file = new File(basedir, ".devcontainer/devcontainer.json")

// 1. Refused before the engine was asked, with the file named and the fix.
def refused = lines.findIndexOf { it == "[INFO] BUILD FAILURE" }
assert refused > 0
assert !lines.subList(0, refused).any { it.startsWith("[INFO] Engine: ") }
assert lines.any { it.startsWith("[ERROR] Failed to execute goal dev.exprun:exp-maven-plugin:") && it.endsWith(
        "on project devcontainer: The file ${file.canonicalFile} exists and was not written by exp:devcontainer (it has no "
        + "customizations.exprun.writtenBy marker); it is left as it is.") } : lines.findAll { it.startsWith("[ERROR]") }
assert lines.contains("[ERROR]   Fix: move it away, or replace it with -Dexp.force=true")

// 2. and 3. Written, then rewritten: the pinned image, GPUs as runArgs, env names only.
def wrote = lines.findAll { it.startsWith("[INFO] Wrote ") }
assert wrote.size() == 2
def json = new JsonSlurper().parse(file)
def image = lines.find { it.startsWith("[INFO] Image: localhost/exp-test/pytorch-cpu:1.13 = sha256:") }
assert image != null
def digest = image.substring(image.lastIndexOf(" = ") + 3).replace(" (image id: never pushed)", "")
// Podman keeps the imported image's repo digest; Docker keeps none, and the file names it by its image id.
assert json.image == "localhost/exp-test/pytorch-cpu@" + digest || (json.image == digest && image.endsWith("(image id: never pushed)"))
assert wrote.every { it == "[INFO] Wrote ${file.canonicalFile}: image ${json.image}, the work tree at /workspace (read-write), exprun from ${new File(basedir, '.devcontainer/exprun-lib').canonicalFile}" }
assert lines.count("[INFO] GPUs: gpus=all asked as nvidia in runArgs: --gpus all") == 2
assert lines.count("[INFO] Taken from your environment when the editor starts the container (never written): HF_TOKEN") == 2
assert json.workspaceMount == 'source=${localWorkspaceFolder},target=/workspace,type=bind'
assert json.workspaceFolder == "/workspace"
assert json.containerEnv == [HF_TOKEN: '${localEnv:HF_TOKEN}', PYTHONPATH: "/exp/lib"]
assert json.runArgs == ["--shm-size=8589934592", "--gpus", "all"]
assert json.postStartCommand == ["/bin/sh", "/exp/lib/gpu-check.sh", "all", "--", "/bin/sh", "-c", "exit 0"]
assert json.customizations.exprun.writtenBy == "exp:devcontainer"
assert new File(basedir, ".devcontainer/exprun-lib/exprun.py").isFile()
// The runtime copy ignores itself: git (and exp:run's dirty check) sees only the replaced file.
def status = ["git", "status", "--porcelain", "--untracked-files=all"].execute(null, basedir).text.readLines()
assert status == [" M .devcontainer/devcontainer.json"] : status
assert !file.text.contains("hf_it_secret_value")
assert !lines.any { it.contains("hf_it_secret_value") }
return true
