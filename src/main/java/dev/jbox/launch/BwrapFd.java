package dev.jbox.launch;

/**
 * An fd value read the way bwrap 0.8 reads one ({@code --args}, {@code --seccomp},
 * {@code --add-seccomp-fd}, {@code --file}, {@code --sync-fd}, ...):
 *
 * <pre>
 *   int fd = strtol (s, &amp;endptr, 10);
 *   if (s[0] == 0 || endptr[0] != 0 || fd &lt; 0) die ("Invalid fd: %s", s);
 * </pre>
 *
 * <p>So leading white space and a sign are accepted, an out-of-range value saturates to
 * {@code LONG_MIN}/{@code LONG_MAX} (ERANGE, which bwrap does not check), and the long is
 * then cut to an {@code int}: {@code "4294967299"} is fd 3, {@code "-4294967293"} is fd 3,
 * and {@code "-99999999999999999999"} is fd 0. jbox must read exactly the fd bwrap will use:
 * an {@code --args} spelling that Java's {@code parseInt} rejects but bwrap accepts would hide
 * the options in that fd's data from jbox.
 *
 * <p>{@code strtol}'s white space is the locale's {@code isspace}. bwrap sets no locale,
 * so it is the C locale's six; a value with any non-ASCII character is {@link Uncertain}
 * (jbox sees argv decoded by the JVM, not bwrap's bytes), which jbox refuses to pass on.
 */
public final class BwrapFd {
    private BwrapFd() {
    }

    /** What bwrap makes of one fd value. */
    public sealed interface Parsed permits Valid, Invalid, Uncertain {
    }

    /** bwrap uses this fd. */
    public record Valid(int fd) implements Parsed {
    }

    /** bwrap dies with {@code "Invalid fd: VALUE"}. */
    public record Invalid() implements Parsed {
    }

    /** jbox cannot be sure what bwrap reads (non-ASCII): refuse, never guess. */
    public record Uncertain() implements Parsed {
    }

    /**
     * What C {@code strtol(s, &end, 10)} returns on LP64 Linux.
     *
     * @param value the long, saturated on overflow
     * @param end   the index {@code end} points at (0 when no digits were read: strtol then
     *              sets it back to the start, even past white space and a sign)
     */
    public record Strtol(long value, int end) {
    }

    /** C {@code strtol(s, &end, 10)} in the C locale, on a string of ASCII characters. */
    public static Strtol strtol(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        // The magnitude is accumulated as an unsigned 64-bit value; past the limit it stays saturated
        // while the digits are still consumed (end points after them all, as glibc's does).
        long limit = negative ? Long.MIN_VALUE : Long.MAX_VALUE; // magnitude limit, unsigned for MIN
        long magnitude = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (!overflow) {
                // magnitude * 10 + d > limit (unsigned) ?
                if (Long.compareUnsigned(magnitude, Long.divideUnsigned(limit - d, 10)) > 0) {
                    overflow = true;
                } else {
                    magnitude = magnitude * 10 + d;
                }
            }
            i++;
        }
        if (i == digitsStart) {
            return new Strtol(0, 0);
        }
        if (overflow) {
            return new Strtol(negative ? Long.MIN_VALUE : Long.MAX_VALUE, i);
        }
        return new Strtol(negative ? -magnitude : magnitude, i);
    }

    /** The C locale's {@code isspace}: space, \t, \n, \v, \f, \r. */
    static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** bwrap's fd check on {@code s}: see the class comment. */
    public static Parsed parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f || s.charAt(i) == 0) {
                return new Uncertain();
            }
        }
        if (s.isEmpty()) {
            return new Invalid();
        }
        Strtol r = strtol(s);
        int fd = (int) r.value(); // C's long -> int on gcc: the low 32 bits, two's complement
        if (r.end() != s.length() || fd < 0) {
            return new Invalid();
        }
        return new Valid(fd);
    }
}
