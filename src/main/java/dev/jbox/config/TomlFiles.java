package dev.jbox.config;

import com.electronwill.nightconfig.core.CommentedConfig;
import com.electronwill.nightconfig.core.Config;
import com.electronwill.nightconfig.core.io.ParsingException;
import com.electronwill.nightconfig.core.io.ParsingMode;
import com.electronwill.nightconfig.toml.TomlParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Set;

/**
 * Reads TOML with night-config (small and quick to load, which matters on jbox's start-up
 * path) and turns its errors into one-line messages with the file, line and column. The
 * parser reads one character at a time, so the position it had reached when it failed is
 * the position of the error.
 */
final class TomlFiles {
    private TomlFiles() {
    }

    static Config parse(String text, String source) throws ConfigException {
        Position pos = new Position(new StringReader(text));
        try {
            // Into a config made here, not by TomlParser.parse(Reader): that one asks TomlFormat
            // for it, whose static initialiser registers the format with night-config's
            // FormatDetector, which probes for the JSON, YAML and HOCON modules by failing
            // class lookups (~7 ms of every cold launch).
            Config config = CommentedConfig.inMemory();
            new TomlParser().parse(pos, config, ParsingMode.REPLACE);
            return config;
        } catch (ParsingException e) {
            String msg = e.getMessage() == null ? "syntax error" : printable(e.getMessage().strip());
            throw new ConfigException(source + ":" + pos.lastLine + ":" + pos.lastColumn + ": TOML syntax error: " + msg);
        }
    }

    /** The parser quotes offending characters raw; a message must stay on one line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Refuses keys outside {@code allowed}, naming the nearest valid key. */
    static void checkKeys(Config table, Set<String> allowed, String where) throws ConfigException {
        for (Config.Entry entry : table.entrySet()) {
            String key = entry.getKey();
            if (!allowed.contains(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "'" + Suggest.hint(key, allowed));
            }
        }
    }

    /** Tracks the line and column (1-based) of the last character the parser consumed. */
    private static final class Position extends Reader {
        private final Reader in;
        private int line = 1;
        private int column = 0;
        int lastLine = 1;
        int lastColumn = 1;

        Position(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            // One character per call, so the count stops exactly where the parser stopped.
            if (len == 0) {
                return 0;
            }
            int c = in.read();
            if (c < 0) {
                return -1;
            }
            column++;
            lastLine = line;
            lastColumn = column;
            if (c == '\n') {
                line++;
                column = 0;
            }
            buf[off] = (char) c;
            return 1;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
