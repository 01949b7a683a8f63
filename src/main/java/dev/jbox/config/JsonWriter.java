package dev.jbox.config;

import java.util.Collection;
import java.util.Map;

/** Minimal JSON writing (--json output, exported OCI profiles): no library on the start-up path for this. */
public final class JsonWriter {
    private JsonWriter() {
    }

    public static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) { // DEL too: TOML's basic strings (learned profiles) refuse it raw
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Writes maps, collections, strings, numbers, booleans and null. */
    public static String of(Object o) {
        return switch (o) {
            case null -> "null";
            case String s -> str(s);
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            case Map<?, ?> m -> {
                StringBuilder b = new StringBuilder("{");
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    b.append(str(String.valueOf(e.getKey()))).append(':').append(of(e.getValue()));
                }
                yield b.append('}').toString();
            }
            case Collection<?> c -> {
                StringBuilder b = new StringBuilder("[");
                boolean first = true;
                for (Object x : c) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    b.append(of(x));
                }
                yield b.append(']').toString();
            }
            default -> str(o.toString());
        };
    }
}
