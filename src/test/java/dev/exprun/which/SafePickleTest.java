package dev.exprun.which;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exprun.record.RecordJson;
import dev.exprun.testing.Cmd;
import dev.exprun.which.PickleValues.Dict;
import dev.exprun.which.SafePickle.Input;
import dev.exprun.which.SafePickle.PickleException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pickle reader against pickles written by the host's CPython, every protocol (0-5), and against
 * hand-made hostile and damaged ones: plain data comes back as json.dumps writes it, nothing runs,
 * nothing throws anything but a PickleException/EOF.
 */
class SafePickleTest {
    private static final Path SCRIPT = Path.of("src/test/resources/dev/exprun/which/pickles.py");

    @TempDir
    Path tmp;

    private static Object load(byte[] bytes) throws IOException {
        return SafePickle.load(new Input(new ByteArrayInputStream(bytes), bytes.length));
    }

    private static JsonNode exprunOf(Object top) {
        return PickleValues.toJson(((Dict) top).get("exprun"));
    }

    @Test
    void everyProtocolGivesWhatJsonDumpsGives() throws Exception {
        Path out = tmp.resolve("pickles");
        Path marker = tmp.resolve("pwned");
        Cmd.run(tmp, "python3", SCRIPT.toAbsolutePath().toString(), out.toString(), marker.toString());
        JsonNode expected = RecordJson.MAPPER.readTree(out.resolve("expected.json").toFile());
        for (int protocol = 0; protocol <= 5; protocol++) {
            Object top = load(Files.readAllBytes(out.resolve("p" + protocol + ".pkl")));
            assertEquals(expected, exprunOf(top), "protocol " + protocol);
            Dict dict = (Dict) top;
            // What JSON cannot hold is a placeholder or plain data, never an object of a loaded class.
            // Protocols 0 and 1 rebuild objects through copy_reg._reconstructor, 2+ through NEWOBJ.
            String thing = protocol < 2 ? "\"<copy_reg._reconstructor(...)>\"" : "\"<__main__.Thing.__new__(...)>\"";
            assertEquals(thing, PickleValues.toJson(dict.get("thing")).toString(), "protocol " + protocol);
            assertEquals("\"<fractions.Fraction(...)>\"", PickleValues.toJson(dict.get("fraction")).toString());
            assertEquals("[\"<cycle>\"]", PickleValues.toJson(dict.get("loop")).toString(), "a list holding itself");
        }
        assertEquals(expected, exprunOf(load(Files.readAllBytes(out.resolve("p5oob.pkl")))), "out-of-band buffer");
        assertTrue(RecordJson.compact(expected).contains("\"big\":1180591620717411303424"), "ints beyond a long stay exact");
    }

    @Test
    void hostilePicklesOfEveryProtocolRunNothing() throws Exception {
        Path out = tmp.resolve("pickles");
        Path marker = tmp.resolve("pwned");
        Cmd.run(tmp, "python3", SCRIPT.toAbsolutePath().toString(), out.toString(), marker.toString());
        for (int protocol = 0; protocol <= 5; protocol++) {
            Object top = load(Files.readAllBytes(out.resolve("evil" + protocol + ".pkl")));
            // Below protocol 3 Python names builtins by their Python 2 module, __builtin__.
            String exec = protocol < 3 ? "__builtin__.exec" : "builtins.exec";
            assertEquals("{\"run_id\":\"evil\",\"hook\":\"<" + exec + "(...)>\"}", RecordJson.compact(exprunOf(top)), "protocol " + protocol);
            assertEquals("\"<posix.system(...)>\"", PickleValues.toJson(((Dict) top).get("weights")).toString());
        }
        assertFalse(Files.exists(marker), "reading the hostile pickles ran their payload");
        // Control: the same bytes do run code when Python unpickles them.
        Cmd.run(tmp, "python3", "-c", "import pickle,sys; pickle.load(open(sys.argv[1],'rb'))", out.resolve("evil2.pkl").toString());
        assertTrue(Files.exists(marker), "the payload is live: pickle.load created " + marker);
    }

    @Test
    void damagedAndHostileBytesFailAsPickleExceptions() {
        assertThrows(PickleException.class, () -> load(new byte[] {(byte) 0x80, 2, '.'}), "STOP on an empty stack");
        assertThrows(PickleException.class, () -> load(new byte[] {(byte) 0x80, 6, 'N', '.'}), "protocol 6");
        assertThrows(PickleException.class, () -> load(new byte[] {(byte) 0x80, 2, (byte) 0xff}), "no such opcode");
        assertThrows(PickleException.class, () -> load(new byte[] {(byte) 0x80, 2, 'h', 9, '.'}), "memo entry never stored");
        assertThrows(PickleException.class, () -> load(new byte[] {(byte) 0x80, 2, 'e', '.'}), "APPENDS without MARK");
        assertThrows(IOException.class, () -> load(new byte[] {(byte) 0x80, 2, '}', 'X', 5, 0, 0}), "cut short");
        // A length of 2^62 is refused before anything is allocated.
        byte[] huge = {(byte) 0x80, 4, (byte) 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x40, '.'};
        PickleException e = assertThrows(PickleException.class, () -> load(huge));
        assertTrue(e.getMessage().contains("4611686018427387904 bytes"), e.getMessage());
        byte[] dicts = new byte[SafePickle.MAX_VALUES + 3];
        Arrays.fill(dicts, (byte) '}');
        e = assertThrows(PickleException.class, () -> load(dicts), "one object per byte would fill the heap");
        assertTrue(e.getMessage().endsWith("more than 2000000 values; not reading further"), e.getMessage());
        assertThrows(PickleException.class, () -> load("g99999999999999999999\n.".getBytes(StandardCharsets.US_ASCII)));
        byte[] negative = {(byte) 0x80, 2, (byte) 0x8b, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, '.'};
        assertThrows(PickleException.class, () -> load(negative), "LONG4 with a negative length");
    }

    @Test
    void deepNestingIsCutNotOverflowed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0x80, 2, '}', (byte) 0x8c, 6});
        bytes.write("exprun".getBytes(StandardCharsets.US_ASCII));
        int depth = 200_000;
        for (int i = 0; i < depth; i++) {
            bytes.write(']');
        }
        for (int i = 1; i < depth; i++) {
            bytes.write('a');
        }
        bytes.write(new byte[] {'s', '.'});
        JsonNode json = exprunOf(load(bytes.toByteArray()));
        assertTrue(json.toString().contains("<nested too deeply>"), "cut at a fixed depth");
    }

    @Test
    void orderedDictIsTheOnlyCallableThatBuildsSomething() throws Exception {
        // collections.OrderedDict() then SETITEMS, as a state_dict is pickled; builtins.dict() stays a placeholder.
        byte[] od = ("\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000aK\u0001u.").getBytes(StandardCharsets.ISO_8859_1);
        Dict dict = assertInstanceOf(Dict.class, load(od));
        assertEquals(1L, dict.get("a"));
        byte[] plain = ("\u0080\u0002cbuiltins\ndict\n)R.").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("builtins.dict(...)", PickleValues.describe(load(plain)));
    }
}
