import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.status == "failed"
assert record.engine.name == "podman"
assert record.container.gpusRequested == "all"
assert record.container.gpuRequest == "nvidia"
assert record.container.gpusSeen.count == 0
assert lines.contains("[INFO] GPUs: gpus=all asked as nvidia (gpuRequest=auto, for podman)")
assert lines.contains("[INFO] [out] exprun-gpu-check: visible=0 devices= names=")
assert !lines.contains("[INFO] [out] training on the GPU") : "training must not start"
assert lines.any { it.contains("GPUs were requested (gpus=all) but the container does not see them (0 visible): the engine accepted the request and ignored it. Training was not started.") }
assert lines.any { it.endsWith("/MojoExecutionException") } : "an infrastructure error, not the project's"
assert lines.contains("[INFO] BUILD FAILURE")
return true
