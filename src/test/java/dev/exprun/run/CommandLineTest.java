package dev.exprun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exprun.core.ExpError;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void splitsLikeAShell() {
        assertEquals(List.of("python3", "train.py", "--epochs", "3"), CommandLine.split("python3 train.py --epochs 3"));
        assertEquals(List.of("sh", "-c", "echo 'hi' $HOME"), CommandLine.split("sh -c \"echo 'hi' \\$HOME\""));
        assertEquals(List.of("a b", "c"), CommandLine.split("  'a b'   c  "));
        assertEquals(List.of("a b"), CommandLine.split("a\\ b"));
        assertEquals(List.of("--name=x y"), CommandLine.split("--name=\"x y\""));
        assertEquals(List.of(""), CommandLine.split("''"));
        assertEquals(List.of("*.py", "$X"), CommandLine.split("*.py $X"), "no globbing, no expansion");
    }

    @Test
    void refusesAnUnclosedQuoteNamingTheCommand() {
        ExpError e = assertThrows(ExpError.class, () -> CommandLine.split("python3 'train.py"));
        assertTrue(e.getMessage().contains("python3 'train.py"), e.getMessage());
        assertTrue(e.fix().contains("<command>"), e.fix());
    }
}
