package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * jbox reads an fd value exactly as bwrap 0.8 does: C {@code strtol(s, &end, 10)} into an
 * {@code int}, then {@code s[0] != 0 && *end == 0 && fd >= 0}. Checked three ways: fixed
 * cases, random spellings against a second model written independently (BigInteger), and
 * the same spellings against the C library's own {@code strtol} (through python's ctypes).
 */
class BwrapFdTest {

    /** value, fd bwrap uses ("invalid": it dies "Invalid fd: VALUE"). Quotes keep the spaces. */
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "3|3", "\" 3\"|3", "\"\t\n\u000b\f\r 3\"|3", "+3|3", "-0|0", "003|3", "0|0",
        "4294967299|3", "-4294967293|3", "2147483647|2147483647", "2147483648|invalid",
        "4294967295|invalid", "4294967296|0", "9223372036854775807|invalid", "9223372036854775808|invalid",
        "99999999999999999999|invalid", "-9223372036854775808|0", "-99999999999999999999|0",
        "-1|invalid", "\"3 \"|invalid", "3a|invalid", "0a|invalid", "\"\"|invalid", "\" \"|invalid", "+|invalid",
        "-|invalid", "+-3|invalid", "0x3|invalid", "\" +3\"|3", "\"+ 3\"|invalid", "3.0|invalid"})
    void fixedSpellings(String value, String expected) {
        BwrapFd.Parsed p = BwrapFd.parse(value);
        if (expected.equals("invalid")) {
            assertThat(p).isEqualTo(new BwrapFd.Invalid());
        } else {
            assertThat(p).isEqualTo(new BwrapFd.Valid(Integer.parseInt(expected)));
        }
    }

    @Test
    void nonAsciiIsNeverGuessed() {
        assertThat(BwrapFd.parse("\u00a03")).isEqualTo(new BwrapFd.Uncertain());
        assertThat(BwrapFd.parse("３")).isEqualTo(new BwrapFd.Uncertain()); // a fullwidth digit
        assertThat(BwrapFd.parse("3\u00e9")).isEqualTo(new BwrapFd.Uncertain());
    }

    @Test
    void strtolStopsWhereCsDoes() {
        assertThat(BwrapFd.strtol("  -12x")).isEqualTo(new BwrapFd.Strtol(-12, 5));
        assertThat(BwrapFd.strtol("  - 12")).isEqualTo(new BwrapFd.Strtol(0, 0)); // no digits: end = start
        assertThat(BwrapFd.strtol("123456789012345678901234z"))
                .isEqualTo(new BwrapFd.Strtol(Long.MAX_VALUE, 24)); // ERANGE: saturated, every digit consumed
    }

    /** A second model, kept deliberately different from the one under test: BigInteger, then clamp. */
    static BwrapFd.Parsed model(String s) {
        if (s.chars().anyMatch(c -> c > 0x7f)) {
            return new BwrapFd.Uncertain();
        }
        String t = s.replaceFirst("^[ \t\n\u000b\f\r]*", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([+-]?)([0-9]+)").matcher(t);
        if (s.isEmpty() || !m.find() || m.end() != t.length()) {
            return new BwrapFd.Invalid();
        }
        BigInteger v = new BigInteger(m.group(2));
        if (m.group(1).equals("-")) {
            v = v.negate();
        }
        v = v.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE));
        int fd = v.intValue(); // the low 32 bits
        return fd < 0 ? new BwrapFd.Invalid() : new BwrapFd.Valid(fd);
    }

    /** Random fd spellings: white space, signs, leading zeros, huge values, trailing garbage. */
    static List<String> spellings(long seed, int n) {
        Random r = new Random(seed);
        String[] ws = {"", " ", "\t", "\n", "\u000b", "\f", "\r", "  ", " \t"};
        String[] signs = {"", "", "", "+", "-", "+-", "--"};
        String[] tails = {"", "", "", "", " ", "a", "x", "\t", "0x", ".", "-"};
        long[] bases = {0, 1, 3, 255, 1L << 31, 1L << 32, (1L << 32) + 3, Long.MAX_VALUE, Long.MIN_VALUE};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder(ws[r.nextInt(ws.length)]).append(signs[r.nextInt(signs.length)]);
            b.append("0".repeat(r.nextInt(4) == 0 ? r.nextInt(25) : 0));
            switch (r.nextInt(5)) {
                case 0 -> b.append(r.nextInt(100));
                case 1 -> b.append(Long.toUnsignedString(bases[r.nextInt(bases.length)] + r.nextInt(5) - 2));
                case 2 -> b.append(Long.toUnsignedString(r.nextLong()));
                case 3 -> b.append(new BigInteger(60 + r.nextInt(100), r)); // past LONG_MAX
                default -> {
                    // digits only sometimes: no digits at all must be invalid
                    if (r.nextBoolean()) {
                        b.append(r.nextInt(10));
                    }
                }
            }
            out.add(b.append(tails[r.nextInt(tails.length)]).toString());
        }
        return out;
    }

    @Test
    void randomSpellingsAgreeWithTheModel() {
        long seed = System.nanoTime();
        System.out.println("BwrapFdTest seed " + seed);
        for (String s : spellings(seed, 20_000)) {
            assertThat(BwrapFd.parse(s)).as("seed %d, value [%s]", seed, s).isEqualTo(model(s));
        }
    }

    /**
     * The same spellings through glibc's own strtol (python3's ctypes; skipped without it),
     * with bwrap's check applied to its result: value, end offset, and the int bwrap keeps.
     */
    @Test
    void randomSpellingsAgreeWithCsStrtol(@TempDir Path dir) throws Exception {
        assumeTrue(python3(), "python3 with ctypes is not installed: skipping the comparison with C's strtol");
        long seed = System.nanoTime();
        System.out.println("BwrapFdTest C seed " + seed);
        List<String> values = spellings(seed, 5_000);
        Path in = dir.resolve("in");
        Files.write(in, values.stream().map(v -> HexFormat.of().formatHex(v.getBytes(StandardCharsets.US_ASCII)))
                .toList());
        String py = """
                import ctypes, sys
                libc = ctypes.CDLL(None)
                libc.strtol.restype = ctypes.c_long
                libc.strtol.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
                for line in open(sys.argv[1]):
                    s = ctypes.create_string_buffer(bytes.fromhex(line.strip()))
                    end = ctypes.c_char_p()
                    v = libc.strtol(s, ctypes.byref(end), 10)
                    off = ctypes.cast(end, ctypes.c_void_p).value - ctypes.addressof(s)
                    fd = ctypes.c_int(v).value
                    ok = len(s.value) > 0 and off == len(s.value) and fd >= 0
                    print(v, off, fd if ok else "invalid")
                """;
        Process p = new ProcessBuilder("python3", "-c", py, in.toString()).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s", out).isZero();
        assertThat(out).hasSameSizeAs(values);
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String[] c = out.get(i).split(" ");
            BwrapFd.Strtol mine = BwrapFd.strtol(v);
            assertThat(mine.value() + " " + mine.end()).as("seed %d, value [%s]", seed, v).isEqualTo(c[0] + " " + c[1]);
            BwrapFd.Parsed parsed = BwrapFd.parse(v);
            String bwrap = parsed instanceof BwrapFd.Valid(int fd) ? Integer.toString(fd) : "invalid";
            assertThat(bwrap).as("seed %d, value [%s]", seed, v).isEqualTo(c[2]);
        }
    }

    private static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import ctypes").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
