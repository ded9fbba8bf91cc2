package dev.exprun.which;

import dev.exprun.tagging.ExpTag;
import dev.exprun.tagging.ExpTags;
import static dev.exprun.which.WhichFixture.COORDINATES;
import static dev.exprun.which.WhichFixture.artifact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.testing.Cmd;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exp tags read from a real repository: only annotated tags with the exprun.tag/v1 block count. */
class ExpTagsTest {
    @TempDir
    Path tmp;

    @Test
    void onlyAnnotatedTagsWithTheBlockAreExpTags() {
        WhichFixture repo = new WhichFixture(tmp);
        String c1 = repo.head();
        repo.expTag("v1.0", "run-1", List.of(artifact(COORDINATES, "a".repeat(64))));
        repo.commit("print(2)\n");
        Cmd.run(repo.dir, "git", "tag", "light");
        Cmd.run(repo.dir, "git", "tag", "-a", "plain", "-m", "Final model: acc 0.932");
        repo.expTag("v1.1", "run-2", List.of());

        List<ExpTag> tags = repo.tags();
        assertEquals(List.of("v1.0", "v1.1"), tags.stream().map(ExpTag::name).toList());
        ExpTag first = tags.get(0);
        assertEquals(c1, first.commit(), "the tagged commit, peeled from the tag object");
        assertEquals("run-1", first.runId());
        assertEquals(List.of(new ExpTag.Artifact(COORDINATES, "a".repeat(64))), first.artifacts());
        assertEquals("localhost/x:1", first.image());
        assertEquals(0.01, first.params().get("lr"));
        assertEquals(0.93, first.metrics().get("val_acc"));
        assertEquals(repo.head(), tags.get(1).commit());
    }

    @Test
    void aMessageWithoutTheBlockOrWithAnotherSchemaIsNotAnExpTag() {
        assertEquals(Optional.empty(), ExpTags.parse("t", "c", "just words"));
        assertEquals(Optional.empty(), ExpTags.parse("t", "c", "x\n\n```json exprun\n{\"schema\":\"other/v9\"}\n```\n"));
        ExpTag nan = ExpTags.parse("t", "c", "x\n\n```json exprun\n{\"schema\":\"exprun.tag/v1\",\"runId\":\"r\","
                + "\"metrics\":{\"loss\":\"NaN\"},\"artifacts\":[{\"coordinates\":\"g:a:pt:m:1\"},{\"sha256\":\"b\"}]}\n```\n").orElseThrow();
        assertTrue(nan.metrics().get("loss").isNaN());
        assertEquals(List.of(new ExpTag.Artifact(null, "b")), nan.artifacts(), "an artifact without sha256 cannot match anything");
    }
}
