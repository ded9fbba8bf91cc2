package dev.exprun.which;

import dev.exprun.which.PickleValues.Dict;
import dev.exprun.which.PickleValues.Global;
import dev.exprun.which.PickleValues.Opaque;
import dev.exprun.which.PickleValues.PySet;
import dev.exprun.which.PickleValues.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader (protocols 0 to 5) that builds plain data and nothing else. It resolves no class
 * and calls no function: GLOBAL/STACK_GLOBAL give a {@link Global} name, REDUCE/NEWOBJ/INST/OBJ and
 * persistent ids an {@link Opaque} placeholder, BUILD is ignored. The one exception, as in
 * exprun.py's reader, is {@code collections.OrderedDict()}, which becomes a dict: a state_dict is
 * one. Lengths are checked against a byte budget before anything is allocated, so a hostile or
 * damaged file costs at most that budget.
 */
final class SafePickle {
    private static final int HIGHEST_PROTOCOL = 5;
    /**
     * One-byte opcodes (EMPTY_DICT, MEMOIZE) make an object each, so the byte budget alone would let
     * a hostile file fill the build's heap; a state_dict of 10,000 tensors takes about 150,000.
     */
    static final int MAX_VALUES = 2_000_000;

    /** The bytes are not a pickle this reader can follow; the message says where and why. */
    static final class PickleException extends IOException {
        PickleException(String message) {
            super(message);
        }
    }

    private final Input in;
    private final Map<Long, Object> memo = new HashMap<>();
    private int values;
    private final Deque<List<Object>> metastack = new ArrayDeque<>();
    private List<Object> stack = new ArrayList<>();

    private SafePickle(Input in) {
        this.in = in;
    }

    /** One pickle, up to its STOP; the input stays positioned after it (legacy torch files hold several). */
    static Object load(Input in) throws IOException {
        return new SafePickle(in).run();
    }

    /** Bytes from a stream, at most {@code budget} of them. */
    static final class Input {
        private final InputStream stream;
        private final long budget;
        private long consumed;

        Input(InputStream stream, long budget) {
            this.stream = stream;
            this.budget = budget;
        }

        long position() {
            return consumed;
        }

        int readByte() throws IOException {
            take(1);
            int b = stream.read();
            if (b < 0) {
                throw new EOFException("the pickle ends early, at byte " + (consumed - 1));
            }
            return b;
        }

        byte[] read(long n) throws IOException {
            take(n);
            byte[] bytes = stream.readNBytes((int) n);
            if (bytes.length != n) {
                throw new EOFException("the pickle ends early: " + n + " bytes wanted at byte " + (consumed - n));
            }
            return bytes;
        }

        void skip(long n) throws IOException {
            take(n);
            stream.skipNBytes(n);
        }

        /** Little-endian unsigned, n up to 8 bytes (8 bytes above 2^63 read as negative: refused by take()). */
        long readLittleEndian(int n) throws IOException {
            long value = 0;
            for (int i = 0; i < n; i++) {
                value |= (long) readByte() << (8 * i);
            }
            return value;
        }

        /** A protocol 0 text argument, without its newline; UTF-8 (names, numbers) unless said otherwise. */
        String readLine() throws IOException {
            return new String(readLineBytes(), StandardCharsets.UTF_8);
        }

        byte[] readLineBytes() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = readByte(); b != '\n'; b = readByte()) {
                line.write(b);
            }
            return line.toByteArray();
        }

        private void take(long n) throws PickleException {
            if (n < 0 || n > budget - consumed) {
                throw new PickleException("a length of " + Long.toUnsignedString(n) + " bytes at byte " + consumed
                        + " goes past the " + budget + " bytes this reader allows");
            }
            consumed += n;
        }
    }

    private Object run() throws IOException {
        while (true) {
            long at = in.position();
            int op = in.readByte();
            try {
                if (op == '.') {
                    return pop();
                }
                step(op);
            } catch (PickleException e) {
                throw new PickleException("opcode 0x" + Integer.toHexString(op) + " at byte " + at + ": " + e.getMessage());
            }
        }
    }

    // One case per opcode: easier to check against pickletools' table than a map of lambdas.
    private void step(int op) throws IOException {
        switch (op) {
            case 0x80 -> protocol(in.readByte());
            case 0x95 -> in.skip(8); // FRAME: only a read-ahead hint
            case '(' -> mark();
            case '0' -> popOrMark();
            case '1' -> popMark();
            case '2' -> push(peek());
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'I' -> push(textInt(in.readLine()));
            case 'J' -> push((long) (int) in.readLittleEndian(4));
            case 'K' -> push(in.readLittleEndian(1));
            case 'M' -> push(in.readLittleEndian(2));
            case 'L' -> push(integer(parseInt(stripSuffix(in.readLine().strip(), "L"))));
            case 0x8a -> push(longBytes(in.read(in.readLittleEndian(1))));
            case 0x8b -> push(longBytes(in.read(signedLength(in.readLittleEndian(4)))));
            case 'F' -> push(textFloat(in.readLine().strip()));
            case 'G' -> push(Double.longBitsToDouble(new BigInteger(1, in.read(8)).longValue()));
            case 'S' -> push(quoted(latin1(in.readLineBytes()).strip()));
            case 'T' -> push(latin1(in.read(signedLength(in.readLittleEndian(4)))));
            case 'U' -> push(latin1(in.read(in.readLittleEndian(1))));
            case 'V' -> push(rawUnicodeEscape(latin1(in.readLineBytes())));
            case 'X' -> push(utf8(in.read(in.readLittleEndian(4))));
            case 0x8c -> push(utf8(in.read(in.readLittleEndian(1))));
            case 0x8d -> push(utf8(in.read(in.readLittleEndian(8))));
            case 'B' -> push(bytes(in.readLittleEndian(4), "bytes"));
            case 'C' -> push(bytes(in.readLittleEndian(1), "bytes"));
            case 0x8e -> push(bytes(in.readLittleEndian(8), "bytes"));
            case 0x96 -> push(bytes(in.readLittleEndian(8), "bytearray"));
            case 0x97 -> push(new Opaque("an out-of-band buffer"));
            case 0x98 -> peek(); // READONLY_BUFFER: no change to a placeholder
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark()));
            case 'a' -> append(Collections.singletonList(pop())); // may be None: List.of takes no null
            case 'e' -> append(popMark());
            case ')' -> push(tuple(List.of()));
            case 't' -> push(tuple(popMark()));
            case 0x85 -> push(tuple(popN(1)));
            case 0x86 -> push(tuple(popN(2)));
            case 0x87 -> push(tuple(popN(3)));
            case '}' -> push(new Dict());
            case 'd' -> push(dict(new Dict(), popMark()));
            case 's' -> setItems(popN(2));
            case 'u' -> setItems(popMark());
            case 0x8f -> push(new PySet(new ArrayList<>()));
            case 0x90 -> addItems(popMark());
            case 0x91 -> push(new PySet(new ArrayList<>(popMark())));
            case 'g' -> push(memoGet(memoIndex(in.readLine())));
            case 'h' -> push(memoGet(in.readLittleEndian(1)));
            case 'j' -> push(memoGet(in.readLittleEndian(4)));
            case 'p' -> memoPut(memoIndex(in.readLine()));
            case 'q' -> memoPut(in.readLittleEndian(1));
            case 'r' -> memoPut(in.readLittleEndian(4));
            case 0x94 -> memoPut(memo.size());
            case 'c' -> push(new Global(in.readLine(), in.readLine()));
            case 0x93 -> stackGlobal();
            case 'i' -> inst(new Global(in.readLine(), in.readLine()));
            case 'o' -> obj();
            case 'R' -> reduce();
            case 0x81 -> newObj(popN(2).get(0));
            case 0x92 -> newObj(popN(3).get(0));
            case 'b' -> build();
            case 'P' -> push(new Opaque("a persistent id " + in.readLine()));
            case 'Q' -> push(persistent(pop()));
            case 0x82 -> push(new Opaque("extension " + in.readLittleEndian(1)));
            case 0x83 -> push(new Opaque("extension " + in.readLittleEndian(2)));
            case 0x84 -> push(new Opaque("extension " + in.readLittleEndian(4)));
            default -> throw new PickleException("not a pickle opcode");
        }
    }

    private static void protocol(int version) throws PickleException {
        if (version > HIGHEST_PROTOCOL) {
            throw new PickleException("pickle protocol " + version + " is newer than " + HIGHEST_PROTOCOL);
        }
    }

    // ---- the stack ---------------------------------------------------------------------------

    private void push(Object value) throws PickleException {
        count();
        stack.add(value);
    }

    private void memoPut(long index) throws PickleException {
        count();
        memo.put(index, peek());
    }

    private void count() throws PickleException {
        if (++values > MAX_VALUES) {
            throw new PickleException("more than " + MAX_VALUES + " values; not reading further");
        }
    }

    private Object pop() throws PickleException {
        if (stack.isEmpty()) {
            throw new PickleException("the stack is empty");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws PickleException {
        if (stack.isEmpty()) {
            throw new PickleException("the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) throws PickleException {
        if (stack.size() < n) {
            throw new PickleException("the stack holds fewer than " + n + " items");
        }
        List<Object> top = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return top;
    }

    private void mark() {
        metastack.push(stack);
        stack = new ArrayList<>();
    }

    private List<Object> popMark() throws PickleException {
        if (metastack.isEmpty()) {
            throw new PickleException("no MARK to pop to");
        }
        List<Object> items = stack;
        stack = metastack.pop();
        return items;
    }

    private void popOrMark() throws PickleException {
        if (stack.isEmpty()) {
            popMark();
        } else {
            pop();
        }
    }

    private static long memoIndex(String line) throws PickleException {
        BigInteger index = parseInt(line.strip());
        if (index.signum() < 0 || index.bitLength() > 31) {
            throw new PickleException("memo index " + index + " out of range");
        }
        return index.longValue();
    }

    private Object memoGet(long index) throws PickleException {
        if (!memo.containsKey(index)) {
            throw new PickleException("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    // ---- containers --------------------------------------------------------------------------

    private void append(List<Object> items) throws PickleException {
        if (peek() instanceof ArrayList<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) peek();
            list.addAll(items);
        } // appending to a placeholder: exprun.py's _Opaque ignores it as well
    }

    private void setItems(List<Object> pairs) throws PickleException {
        if (peek() instanceof Dict d) {
            dict(d, pairs);
        } else if (pairs.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
    }

    private static Dict dict(Dict dict, List<Object> pairs) throws PickleException {
        if (pairs.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            dict.put(pairs.get(i), pairs.get(i + 1));
        }
        return dict;
    }

    private void addItems(List<Object> items) throws PickleException {
        if (peek() instanceof PySet set) {
            set.items().addAll(items);
        }
    }

    private static Tuple tuple(List<Object> items) {
        return new Tuple(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    // ---- what would run code: names and placeholders only -------------------------------------

    private void stackGlobal() throws PickleException {
        List<Object> names = popN(2);
        if (!(names.get(0) instanceof String module) || !(names.get(1) instanceof String name)) {
            throw new PickleException("STACK_GLOBAL needs two str, found " + PickleValues.describe(names.get(0))
                    + " and " + PickleValues.describe(names.get(1)));
        }
        push(new Global(module, name));
    }

    private void inst(Global cls) throws PickleException {
        popMark();
        push(new Opaque(cls.dotted() + "(...)"));
    }

    private void obj() throws PickleException {
        List<Object> items = popMark();
        if (items.isEmpty()) {
            throw new PickleException("OBJ without a class");
        }
        push(new Opaque(PickleValues.describe(items.get(0)) + "(...)"));
    }

    private void reduce() throws PickleException {
        List<Object> callAndArgs = popN(2);
        Object callable = callAndArgs.get(0);
        if (callable instanceof Global g && g.module().equals("collections") && g.name().equals("OrderedDict")) {
            push(orderedDict(callAndArgs.get(1)));
        } else {
            push(new Opaque(PickleValues.describe(callable) + "(...)"));
        }
    }

    /** OrderedDict() as pickle writes it, or OrderedDict([(k, v), ...]); anything else stays empty. */
    private static Dict orderedDict(Object args) {
        Dict dict = new Dict();
        if (args instanceof Tuple t && t.items().size() == 1 && t.items().get(0) instanceof List<?> pairs) {
            for (Object pair : pairs) {
                if (pair instanceof Tuple kv && kv.items().size() == 2) {
                    dict.put(kv.items().get(0), kv.items().get(1));
                }
            }
        }
        return dict;
    }

    private void newObj(Object cls) throws PickleException {
        push(new Opaque(PickleValues.describe(cls) + ".__new__(...)"));
    }

    /** BUILD would call __setstate__ or update __dict__: the state is dropped, the object kept as it is. */
    private void build() throws PickleException {
        pop();
        peek();
    }

    private static Opaque persistent(Object pid) {
        if (pid instanceof Tuple t && !t.items().isEmpty() && t.items().get(0) instanceof String kind) {
            return new Opaque("a persistent " + kind); // torch: ('storage', FloatStorage, key, location, numel)
        }
        return new Opaque("a persistent id");
    }

    private Opaque bytes(long length, String kind) throws IOException {
        in.skip(length);
        return new Opaque(kind + " of length " + length);
    }

    // ---- scalars -----------------------------------------------------------------------------

    private static long signedLength(long unsigned32) throws PickleException {
        if ((int) unsigned32 < 0) {
            throw new PickleException("negative length " + (int) unsigned32);
        }
        return unsigned32;
    }

    private static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    /** LONG1/LONG4: little-endian two's complement. */
    private static Object longBytes(byte[] little) {
        if (little.length == 0) {
            return 0L;
        }
        byte[] big = new byte[little.length];
        for (int i = 0; i < little.length; i++) {
            big[i] = little[little.length - 1 - i];
        }
        return integer(new BigInteger(big));
    }

    /** Protocol 0's INT also carries bools, as "00" and "01". */
    private static Object textInt(String line) throws PickleException {
        String text = line.strip();
        if (text.equals("00")) {
            return Boolean.FALSE;
        } else if (text.equals("01")) {
            return Boolean.TRUE;
        }
        return integer(parseInt(text));
    }

    private static BigInteger parseInt(String text) throws PickleException {
        try {
            return new BigInteger(text);
        } catch (NumberFormatException e) {
            throw new PickleException("not an integer: " + abbreviate(text));
        }
    }

    private static Double textFloat(String text) throws PickleException {
        switch (text) {
            case "inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.valueOf(text);
                } catch (NumberFormatException e) {
                    throw new PickleException("not a float: " + abbreviate(text));
                }
            }
        }
    }

    private static String stripSuffix(String text, String suffix) {
        return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Protocol 0's STRING: a Python 2 repr, quotes included, with backslash escapes. */
    private static String quoted(String text) throws PickleException {
        if (text.length() < 2 || (text.charAt(0) != '\'' && text.charAt(0) != '"') || text.charAt(text.length() - 1) != text.charAt(0)) {
            throw new PickleException("the STRING opcode argument must be quoted");
        }
        String body = text.substring(1, text.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int end = i;
                    while (end < body.length() && end < i + 3 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
                        end++;
                    }
                    out.append((char) Integer.parseInt(body.substring(i, end), 8));
                    i = end - 1;
                }
                case 'x' -> {
                    out.append((char) hex(body, i + 1, 2));
                    i += 2;
                }
                default -> out.append(e == '\\' || e == '\'' || e == '"' ? String.valueOf(e) : "\\" + e);
            }
        }
        return out.toString();
    }

    /** Protocol 0's UNICODE: latin-1 text with \\uXXXX and \\UXXXXXXXX escapes. */
    private static String rawUnicodeEscape(String text) throws PickleException {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == 'u' || text.charAt(i + 1) == 'U')) {
                int digits = text.charAt(i + 1) == 'u' ? 4 : 8;
                out.appendCodePoint(hex(text, i + 2, digits));
                i += 1 + digits;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(String text, int from, int digits) throws PickleException {
        try {
            int value = Integer.parseUnsignedInt(text.substring(from, from + digits), 16);
            if (digits == 8 && !Character.isValidCodePoint(value)) {
                throw new PickleException("escape \\U" + text.substring(from, from + digits) + " is not a code point");
            }
            return value;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new PickleException("a bad escape in " + abbreviate(text));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? '"' + text + '"' : '"' + text.substring(0, 40) + "...\"";
    }
}
