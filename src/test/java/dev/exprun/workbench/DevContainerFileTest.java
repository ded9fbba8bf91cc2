package dev.exprun.workbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.container.ImageReference;
import dev.exprun.container.ResolvedImage;
import dev.exprun.core.ExpFailure;
import dev.exprun.core.ExpLog;
import dev.exprun.git.GitProvenance;
import dev.exprun.git.GitProvenanceResolver;
import dev.exprun.git.WorkTreeLocation;
import dev.exprun.record.RecordJson;
import dev.exprun.run.RunSettings;
import dev.exprun.testing.Cmd;
import dev.exprun.testing.Projects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may replace .devcontainer/devcontainer.json: its own file always, a file of the user's only when forced. */
class DevContainerFileTest {
    private static final String USERS_OWN = """
            // my own dev container
            {
              "image": "mcr.microsoft.com/devcontainers/python:3.12",
              "postCreateCommand": "pip install -r requirements.txt",
            }
            """;

    @TempDir
    Path project;

    private DevContainer content(String plugin) {
        ResolvedImage image = new ResolvedImage(ImageReference.parse("localhost/exp-test/tiny:1"), "sha256:" + "1".repeat(64),
                "sha256:" + "2".repeat(64), ResolvedImage.REPO_DIGEST, List.of());
        return DevContainer.of("p", RunSettings.withoutCommand(Projects.config(project, "p").build()), image, null,
                new WorkTreeLocation(project, ""), new DevContainer.Marker(DevContainerFile.WRITTEN_BY, plugin, "g:p", "i", "d", "n"));
    }

    private Path usersFile(DevContainerFile file, String text) throws Exception {
        Files.createDirectories(file.path().getParent());
        return Files.writeString(file.path(), text);
    }

    @Test
    void aFileItDidNotWriteIsRefusedAndLeftByteForByte() throws Exception {
        DevContainerFile file = new DevContainerFile(project);
        byte[] before = Files.readAllBytes(usersFile(file, USERS_OWN));

        ExpFailure e = assertThrows(ExpFailure.class, () -> file.requireReplaceable(false));

        assertEquals("The file " + file.path() + " exists and was not written by exp:devcontainer (it has no "
                + "customizations.exprun.writtenBy marker); it is left as it is.", e.getMessage());
        assertEquals("move it away, or replace it with -Dexp.force=true", e.fix());
        assertArrayEquals(before, Files.readAllBytes(file.path()));
        assertFalse(Files.exists(file.lib()), "nothing written beside it");
    }

    @Test
    void gitSeesTheFileButNotTheRuntimeCopyBesideIt() {
        Path repo = Projects.gitRepo(project.resolve("repo"), java.util.Map.of("train.py", "print(1)\n"));
        new DevContainerFile(repo).write(content("1"));
        // The copy of exprun.py must not make every later exp:run dirty; devcontainer.json is the user's to commit.
        assertEquals("?? .devcontainer/devcontainer.json", Cmd.run(repo, "git", "status", "--porcelain", "--untracked-files=all"));
        GitProvenance git = new GitProvenanceResolver(ExpLog.NONE, java.util.Map.of()).resolve(repo, repo.resolve("target"), null);
        assertEquals(List.of(".devcontainer/devcontainer.json"), git.changes().untracked());
    }

    @Test
    void aFileThatIsNotJsonAtAllIsTheUsersToo() throws Exception {
        DevContainerFile file = new DevContainerFile(project);
        usersFile(file, "{ half a file");
        assertThrows(ExpFailure.class, () -> file.requireReplaceable(false));
    }

    @Test
    void forceReplacesTheUsersFile() throws Exception {
        DevContainerFile file = new DevContainerFile(project);
        usersFile(file, USERS_OWN);

        file.requireReplaceable(true);
        file.write(content("1"));

        assertEquals("exp:devcontainer",
                RecordJson.MAPPER.readTree(file.path().toFile()).path("customizations").path("exprun").path("writtenBy").asText());
        assertTrue(Files.isRegularFile(file.lib().resolve("exprun.py")));
        assertFalse(Files.exists(file.path().resolveSibling("devcontainer.json.tmp")), "written through a temp file, which is gone");
    }

    @Test
    void itsOwnFileIsReplacedWithoutForceEvenWithCommentsAddedByTheUser() throws Exception {
        DevContainerFile file = new DevContainerFile(project);
        file.requireReplaceable(false); // no file yet
        file.write(content("1"));
        Files.writeString(file.path(), "// opened and commented in an editor\n" + Files.readString(file.path()));

        file.requireReplaceable(false);
        file.write(content("2"));

        assertEquals("2", RecordJson.MAPPER.readTree(file.path().toFile()).path("customizations").path("exprun").path("plugin").asText());
        Files.writeString(file.lib().resolve("exprun.py"), "stale");
        file.write(content("3"));
        assertTrue(Files.readString(file.lib().resolve("exprun.py")).contains("def save("), "the runtime is refreshed");
    }
}
