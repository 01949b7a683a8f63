package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jbox.arch.Arch;
import dev.jbox.seccomp.Compiler;
import java.nio.file.Files;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 generated malformed Docker/OCI profiles (mutations of a valid one, which reach deep
 * into the translation, and token soup): each either loads and compiles, or fails with a
 * {@link ConfigException} whose message is one line naming the file; never another exception,
 * never a stack trace. Seeds are printed; replay with {@code -Djbox.fuzz.seed=N}.
 */
class OciFuzzTest {

    static final int CASES = 10_000;
    static final int BATCHES = 20;
    static final String[] TOKENS = {"{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1", "1.5", "1e400",
            "18446744073709551616", "\"SCMP_ACT_BOGUS\"", "\"SCMP_CMP_XX\"", "\"index\": 9", "\"names\": 3",
            "\"args\": {}", "\"x\": 1", "\"minKernel\": \"4\"", "\"caps\": [\"CAP_NOPE\"]", "\"arches\": [\"z80\"]",
            "\"errnoRet\": 99999", "\"errno\": \"EWHAT\"", "\"op\": \"SCMP_CMP_MASKED_EQ\"", "\\u0000", "\u0000",
            "\uFFFF", "//", "/*", "\n", "'", "\\", "0x10", "\"SCMP_ARCH_NOPE\"", "\"syscalls\": null",
            "\"linux\": {}", "\"defaultAction\": \"SCMP_ACT_NOTIFY\""};

    static String base;

    static LongStream seeds() {
        long s = Long.getLong("jbox.fuzz.seed", 0x0C1F022L);
        return LongStream.range(0, BATCHES).map(i -> s + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void malformedProfilesFailWithOneLine(long seed) throws Exception {
        if (base == null) {
            base = Files.readString(OciDifferentialTest.resource("docker-all-fields.json"));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        OciProfile.Host host = new OciProfile.Host(Arch.X86_64, "6.1.0", java.util.Set.of());
        int loaded = 0;
        for (int i = 0; i < CASES / BATCHES; i++) {
            String text = rnd.nextInt(10) == 0 ? soup(rnd) : mutate(base, rnd);
            try {
                OciProfile.Loaded l = OciProfile.parse(text, "p.json", host);
                Compiler.compile(l.policy(), Arch.X86_64);
                l.warnings().forEach(w -> assertThat(w).doesNotContain("\n").startsWith("p.json:"));
                loaded++;
            } catch (ConfigException e) {
                String m = e.getMessage();
                if (m == null || m.contains("\n") || m.contains("\r") || !m.startsWith("p.json") || m.contains("Exception")
                        || m.contains("\tat ")) {
                    fail("seed " + seed + " case " + i + ": bad message " + m + "\ninput:\n" + text);
                }
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + t + "\ninput:\n" + text, t);
            }
        }
        System.out.printf("OciFuzzTest seed %d: %d of %d mutants loaded%n", seed, loaded, CASES / BATCHES);
    }

    static String soup(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            b.append(TOKENS[rnd.nextInt(TOKENS.length)]);
        }
        return b.toString();
    }

    static String mutate(String s, SplittableRandom rnd) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = rnd.nextInt(b.length());
            switch (rnd.nextInt(5)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[rnd.nextInt(TOKENS.length)]);
                case 2 -> b.setCharAt(at, (char) (32 + rnd.nextInt(95)));
                case 3 -> {
                    // replace a number or string value with a token
                    int q = b.indexOf(":", at);
                    if (q > 0) {
                        int end = q + 1;
                        while (end < b.length() && ",}]\n".indexOf(b.charAt(end)) < 0) {
                            end++;
                        }
                        b.replace(q + 1, end, " " + TOKENS[rnd.nextInt(TOKENS.length)]);
                    }
                }
                default -> {
                    int len = Math.min(b.length() - at, rnd.nextInt(200));
                    b.delete(at, at + len);
                }
            }
        }
        return b.toString();
    }
}
