# Sourced by bench cases: a minimal pom-packaged project that runs COMMAND (one sh -c line) in IMAGE
# through exp:run, in a fresh git repository with one commit and a clean work tree.
# Usage: exp_project DIR ARTIFACT_ID IMAGE COMMAND PLUGIN_VERSION
exp_project() {
  local dir=$1 artifact=$2 image=$3 command=$4 version=$5
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
    </configuration>
  </plugin></plugins></build>
</project>
POM
  echo target/ > "$dir/.gitignore"
  git -C "$dir" init -q -b main
  git -C "$dir" config user.name bench
  git -C "$dir" config user.email bench@example.invalid
  git -C "$dir" add -A
  git -C "$dir" commit -q -m bench
}
