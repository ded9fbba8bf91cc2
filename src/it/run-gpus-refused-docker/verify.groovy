import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def record = new JsonSlurper().parse(new File(basedir, "target/exp/last-run.json"))
assert record.status == "failed"
assert record.container.gpusRequested == "all"
assert record.container.gpuRequest == "nvidia"
assert record.engine.name == "docker"
def refused = ~/docker \S+ refused the GPU request \(gpus=all, gpuRequest=nvidia\): it has no NVIDIA device driver registered \(could not select device driver "" with capabilities: \[\[gpu]] \(HTTP 500\)\)\. Training was not started\./
assert record.failure ==~ refused : "one line in the record, no stray newline: ${record.failure}"
assert lines.contains("[INFO] GPUs: gpus=all asked as nvidia (gpuRequest=auto, for docker)")
assert !lines.contains("[INFO] [out] training on the GPU") : "training must not start"
def error = lines.find { it.startsWith("[ERROR] Failed to execute goal ") }
assert error != null && error.endsWith(": " + record.failure)
assert lines.contains("[ERROR]   Fix: install the NVIDIA Container Toolkit on the engine's host and restart dockerd (nvidia-ctk runtime "
        + "configure --runtime=docker); or use CDI: <gpuRequest>cdi</gpuRequest> (-Dexp.gpuRequest=cdi) with Docker 28.2 or later and "
        + "specs from nvidia-ctk cdi generate; or set <gpus>none</gpus> (-Dexp.gpus=none) to train on the CPU")
assert !lines.any { it.contains("Status 500") } : "the engine's raw answer is not repeated after our message"
assert !lines.any { it.contains("check the command, user and mounts") } : "the old, wrong fix"
assert lines.any { it.endsWith("/MojoExecutionException") } : "an infrastructure error, not the project's"
assert !lines.any { it.contains("Error during callback") || it.startsWith("\tat ") }
return true
