package dev.exprun.which;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SafePickle} builds: plain data as Java values (String, Long/BigInteger, Double, Boolean,
 * null, ArrayList for lists) and these few types for the rest. Nothing here can run code: a class
 * or function a pickle names stays a {@link Global} name, and whatever it would have built an
 * {@link Opaque} placeholder.
 */
final class PickleValues {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 64;

    private PickleValues() {
    }

    /** A class or function named by GLOBAL or STACK_GLOBAL; never imported. */
    record Global(String module, String name) {
        String dotted() {
            return module + "." + name;
        }
    }

    /** What calling, instantiating or a persistent id would have produced (a tensor, a user object, ...). */
    record Opaque(String what) {
    }

    record Tuple(List<Object> items) {
    }

    /** set and frozenset; kept as a list, JSON has no sets. */
    record PySet(List<Object> items) {
    }

    /**
     * dict and OrderedDict, in insertion order. Keys that are not plain scalars (tuples, placeholders)
     * are kept by identity: hashing a hostile self-containing tuple must not recurse forever.
     */
    static final class Dict {
        private final Map<Object, Object[]> entries = new LinkedHashMap<>();

        void put(Object key, Object value) {
            entries.put(hashable(key), new Object[] {key, value});
        }

        boolean containsKey(String key) {
            return entries.containsKey(key);
        }

        Object get(String key) {
            Object[] entry = entries.get(key);
            return entry == null ? null : entry[1];
        }

        Collection<Object[]> entries() {
            return entries.values();
        }

        private static Object hashable(Object key) {
            return key == null || key instanceof String || key instanceof Long || key instanceof BigInteger
                    || key instanceof Double || key instanceof Boolean ? key : new IdentityKey(key);
        }
    }

    private static final class IdentityKey {
        private final Object key;

        IdentityKey(Object key) {
            this.key = key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof IdentityKey k && k.key == key;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key);
        }
    }

    /** A short description for messages: the type a Python reader would have seen. */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        } else if (value instanceof Global g) {
            return g.dotted();
        } else if (value instanceof Opaque o) {
            return o.what();
        } else if (value instanceof Dict) {
            return "a dict";
        } else if (value instanceof List<?>) {
            return "a list";
        } else if (value instanceof Tuple) {
            return "a tuple";
        } else if (value instanceof PySet) {
            return "a set";
        } else if (value instanceof String) {
            return "a str";
        } else if (value instanceof Boolean) {
            return "a bool";
        } else if (value instanceof Double) {
            return "a float";
        }
        return "an int";
    }

    /** As Python's json.dumps would write it, placeholders as strings; cycles and deep nesting cut. */
    static JsonNode toJson(Object value) {
        return toJson(value, 0, new IdentityHashMap<>());
    }

    private static JsonNode toJson(Object value, int depth, IdentityHashMap<Object, Boolean> path) {
        if (value == null) {
            return JSON.nullNode();
        } else if (value instanceof String s) {
            return JSON.textNode(s);
        } else if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        } else if (value instanceof Long l) {
            // IntNode where it fits, as Jackson's own parser gives: nodes then compare equal to parsed JSON
            return l == l.intValue() ? JSON.numberNode(l.intValue()) : JSON.numberNode(l);
        } else if (value instanceof BigInteger b) {
            return JSON.numberNode(b);
        } else if (value instanceof Double d) {
            return JSON.numberNode(d);
        } else if (value instanceof Global || value instanceof Opaque) {
            return JSON.textNode("<" + describe(value) + ">");
        }
        if (depth >= MAX_DEPTH) {
            return JSON.textNode("<nested too deeply>");
        }
        if (path.put(value, Boolean.TRUE) != null) {
            return JSON.textNode("<cycle>");
        }
        try {
            if (value instanceof Dict dict) {
                ObjectNode object = JSON.objectNode();
                for (Object[] entry : dict.entries()) {
                    object.set(key(entry[0]), toJson(entry[1], depth + 1, path));
                }
                return object;
            }
            List<?> items = value instanceof Tuple t ? t.items() : value instanceof PySet s ? s.items() : (List<?>) value;
            ArrayNode array = JSON.arrayNode();
            for (Object item : new ArrayList<>(items)) {
                array.add(toJson(item, depth + 1, path));
            }
            return array;
        } finally {
            path.remove(value);
        }
    }

    /** json.dumps turns None/True/numbers into these key strings. */
    private static String key(Object key) {
        if (key == null) {
            return "null";
        } else if (key instanceof String s) {
            return s;
        } else if (key instanceof Boolean || key instanceof Long || key instanceof BigInteger || key instanceof Double) {
            return String.valueOf(key);
        }
        return "<" + describe(key) + ">";
    }
}
