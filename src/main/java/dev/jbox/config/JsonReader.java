package dev.jbox.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as a small tree whose every node knows its line and column, so that a
 * profile error can say where it is. Parsed with jackson-core's streaming parser (the only
 * class of jbox that touches Jackson, so the library is loaded only when a JSON profile is
 * read). Duplicate keys are refused: a profile that says one thing twice is ambiguous.
 */
public final class JsonReader {
    private JsonReader() {
    }

    /** Nesting deeper than this is refused (no profile needs more than 6). */
    static final int MAX_DEPTH = 64;

    /** A value and where it starts (1-based line and column). */
    public sealed interface Node {
        int line();

        int column();

        /** "an object", "a string", ... for messages. */
        String kind();
    }

    public record Obj(Map<String, Node> members, Map<String, int[]> keyPositions, int line, int column)
            implements Node {
        @Override
        public String kind() {
            return "an object";
        }
    }

    public record Arr(List<Node> items, int line, int column) implements Node {
        @Override
        public String kind() {
            return "an array";
        }
    }

    public record Str(String value, int line, int column) implements Node {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** An integer (any size) or, when {@code integer} is null, a number with a fraction or exponent. */
    public record Num(BigInteger integer, String text, int line, int column) implements Node {
        @Override
        public String kind() {
            return integer == null ? "a non-integer number" : "a number";
        }
    }

    public record Bool(boolean value, int line, int column) implements Node {
        @Override
        public String kind() {
            return "a boolean";
        }
    }

    public record Null(int line, int column) implements Node {
        @Override
        public String kind() {
            return "null";
        }
    }

    /** A syntax error, with its position; the message is one line without the position. */
    public static final class SyntaxError extends Exception {
        final int line;
        final int column;

        SyntaxError(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH).maxNumberLength(100).maxStringLength(1 << 20).build())
            .build();

    /** Parses one JSON value that must fill the whole text. */
    public static Node parse(String text) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SyntaxError("the file is empty; expected a JSON object", 1, 1);
            }
            Node root = value(p, t);
            JsonToken extra;
            try {
                extra = p.nextToken();
            } catch (JsonParseException e) {
                throw error(e, p);
            }
            if (extra != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new SyntaxError("unexpected " + describe(extra, p) + " after the end of the document",
                        l.getLineNr(), l.getColumnNr());
            }
            return root;
        } catch (JsonParseException e) {
            throw error(e, null);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new SyntaxError(oneLine(e.getOriginalMessage()), 1, 1);
        } catch (IOException e) {
            throw new SyntaxError(oneLine(e.getMessage()), 1, 1);
        }
    }

    private static Node value(JsonParser p, JsonToken t) throws IOException, SyntaxError {
        JsonLocation l = p.currentTokenLocation();
        int line = l.getLineNr();
        int col = l.getColumnNr();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Node> m = new LinkedHashMap<>();
                Map<String, int[]> pos = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    pos.put(name, new int[] {kl.getLineNr(), kl.getColumnNr()});
                    m.put(name, value(p, p.nextToken()));
                }
                yield new Obj(m, pos, line, col);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken i;
                while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(value(p, i));
                }
                yield new Arr(items, line, col);
            }
            case VALUE_STRING -> new Str(p.getText(), line, col);
            case VALUE_NUMBER_INT -> new Num(p.getBigIntegerValue(), p.getText(), line, col);
            case VALUE_NUMBER_FLOAT -> new Num(null, p.getText(), line, col);
            case VALUE_TRUE -> new Bool(true, line, col);
            case VALUE_FALSE -> new Bool(false, line, col);
            case VALUE_NULL -> new Null(line, col);
            default -> throw new SyntaxError("unexpected " + describe(t, p), line, col);
        };
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        return switch (t) {
            case END_OBJECT -> "'}'";
            case END_ARRAY -> "']'";
            case START_OBJECT -> "'{'";
            case START_ARRAY -> "'['";
            default -> "'" + p.getText() + "'";
        };
    }

    private static SyntaxError error(JsonParseException e, JsonParser unused) {
        JsonLocation l = e.getLocation();
        int line = l == null ? 1 : Math.max(1, l.getLineNr());
        int col = l == null ? 1 : Math.max(1, l.getColumnNr());
        return new SyntaxError(oneLine(e.getOriginalMessage()), line, col);
    }

    /** Jackson's messages can span lines and quote the input; keep the first line, cut long. */
    static String oneLine(String m) {
        if (m == null || m.isBlank()) {
            return "malformed JSON";
        }
        String s = m.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl).strip();
        }
        s = s.replace("\r", "");
        // Jackson adds advice about its own API; a profile author cannot use it.
        int hint = s.indexOf(" (for Object starting at");
        if (hint > 0) {
            s = s.substring(0, hint);
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        s = b.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
