package dev.jbox.arch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one scanner of jbox's tab-separated resource files (the syscall tables, the argument
 * types and widths): it hands each non-empty line to a visitor as a byte range, without
 * making a string of the lines nobody keeps. Hand-written over bytes because the syscall
 * tables are read on jbox's start-up path.
 */
public final class TsvLines {
    private TsvLines() {
    }

    /** One non-empty line: {@code b[start, end)}, a trailing CR already cut off; 1-based {@code lineNo}. */
    @FunctionalInterface
    public interface Visitor {
        void line(int lineNo, byte[] b, int start, int end);
    }

    /** Calls {@code v} for each non-empty line of {@code b}, comments ('#') included: some callers read them. */
    public static void scan(byte[] b, Visitor v) {
        int pos = 0;
        int line = 0;
        while (pos < b.length) {
            int end = indexOf(b, pos, b.length, (byte) '\n');
            line++;
            int lineEnd = end > pos && b[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd > pos) {
                v.line(line, b, pos, lineEnd);
            }
            pos = end + 1;
        }
    }

    /** One "{@code <name>\t<item>,<item>,...}" line: an empty list when nothing follows the tab. */
    @FunctionalInterface
    public interface ListVisitor {
        void entry(int lineNo, String name, List<String> items);
    }

    /**
     * Reads "{@code <name>\t<item>,<item>,...}" lines (the argument types and widths), skipping
     * comments.
     *
     * @param what the resource, for the message of a malformed line
     */
    public static void scanLists(byte[] b, String what, ListVisitor v) {
        // a class, not a lambda: no invokedynamic bootstrap on the start-up path
        scan(b, new Visitor() {
            @Override
            public void line(int lineNo, byte[] bytes, int start, int end) {
                if (comment(bytes, start)) {
                    return;
                }
                int tab = indexOf(bytes, start, end, (byte) '\t');
                if (tab == start || tab == end) {
                    throw new IllegalStateException(what + ":" + lineNo + ": expected <name>\\t<items>");
                }
                List<String> items = new ArrayList<>(6);
                int s = tab + 1;
                while (s < end) {
                    int e = indexOf(bytes, s, end, (byte) ',');
                    items.add(ascii(bytes, s, e));
                    s = e + 1;
                }
                v.entry(lineNo, ascii(bytes, start, tab), List.copyOf(items));
            }
        });
    }

    /** The index of the first {@code c} in {@code b[from, to)}, or {@code to}. */
    public static int indexOf(byte[] b, int from, int to, byte c) {
        int i = from;
        while (i < to && b[i] != c) {
            i++;
        }
        return i;
    }

    /** {@code b[from, to)} as ASCII text. */
    public static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }

    /** Whether the line at {@code start} is a comment. */
    public static boolean comment(byte[] b, int start) {
        return b[start] == '#';
    }
}
