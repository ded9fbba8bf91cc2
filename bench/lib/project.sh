# Sourced by bench cases. exp_project: a minimal pom-packaged project that runs COMMAND (one sh -c line) in IMAGE
# through exp:run, in a fresh git repository with one commit and a clean work tree. The run cache is off unless
# CACHE says otherwise: the other cases measure training, and would otherwise time cache hits from the second run on.
# Usage: exp_project DIR ARTIFACT_ID IMAGE COMMAND PLUGIN_VERSION [CACHE]
exp_project() {
  local dir=$1 artifact=$2 image=$3 command=$4 version=$5 cache=${6:-off}
  rm -rf "$dir"; mkdir -p "$dir"
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>$artifact</artifactId><version>1.0</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>dev.exprun</groupId><artifactId>exp-maven-plugin</artifactId><version>$version</version>
    <configuration>
      <image>$image</image>
      <pull>never</pull>
      <command><arg>sh</arg><arg>-c</arg><arg>$command</arg></command>
      <cache>$cache</cache>
    </configuration>
  </plugin></plugins></build>
</project>
POM
  printf 'target/\ndata/\n' > "$dir/.gitignore"
  git -C "$dir" init -q -b main
  git -C "$dir" config user.name bench
  git -C "$dir" config user.email bench@example.invalid
  git -C "$dir" add -A
  git -C "$dir" commit -q -m bench
}

# bench_engines CASE: sets the array `engines` to name=host for each engine the provisioning started
# (Podman, then Docker); fails, naming the case, when there is none.
bench_engines() {
  engines=()
  [ -n "${EXP_TEST_PODMAN_HOST:-}" ] && engines+=("podman=$EXP_TEST_PODMAN_HOST")
  [ -n "${EXP_TEST_DOCKER_HOST:-}" ] && engines+=("docker=$EXP_TEST_DOCKER_HOST")
  ((${#engines[@]})) || { echo "$1: no engine (EXP_TEST_PODMAN_HOST / EXP_TEST_DOCKER_HOST); run scripts/test-engine.sh" >&2; exit 1; }
}
