package dev.exprun.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class GitChangesTest {

    @Test
    void countsAndDescribesEveryKind() {
        GitChanges changes = new GitChanges(List.of("src/a.py"), List.of("src/new.py"), List.of("old.txt"),
                List.of(new GitRename("x.py", "y.py")), List.of("notes/todo.md", "notes/z.md"));
        assertFalse(changes.isEmpty());
        assertEquals(6, changes.count());
        assertEquals(List.of("staged: src/new.py", "modified: src/a.py", "deleted: old.txt", "renamed: x.py -> y.py",
                "untracked: notes/todo.md", "untracked: notes/z.md"), changes.describeLines());
    }

    @Test
    void jsonHoldsTheComponentsOnlyAndReadsBack() throws Exception {
        GitChanges changes = new GitChanges(List.of("a"), List.of(), List.of(), List.of(new GitRename("x", "y")),
                List.of("u"));
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(changes);
        assertEquals("{\"modified\":[\"a\"],\"staged\":[],\"deleted\":[],\"renamed\":[{\"from\":\"x\",\"to\":\"y\"}],"
                + "\"untracked\":[\"u\"]}", json);
        assertEquals(changes, mapper.readValue(json, GitChanges.class));
    }

    @Test
    void noneIsEmpty() {
        assertTrue(GitChanges.none().isEmpty());
        assertEquals(0, GitChanges.none().count());
        assertEquals(List.of(), GitChanges.none().describeLines());
    }
}
