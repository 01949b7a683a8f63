package dev.jbox.config;

/**
 * Text that came from a file or a process jbox does not control (a cloned {@code jbox.toml},
 * the path a sandboxed program was exec'd as), made safe to print on a terminal or in a
 * line-based file: every control character (a newline that would start a new line, a
 * carriage return or an escape sequence that would hide one) shows as a visible escape.
 */
public final class Escape {
    private Escape() {
    }

    /** {@code s} with {@code \n}, {@code \r}, {@code \t} and every other control character escaped. */
    public static String visible(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\\' -> "\\\\";
                default -> Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
