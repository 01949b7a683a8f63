package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.Profiles;
import dev.jbox.review.Audit;
import dev.jbox.review.Subject;
import dev.jbox.seccomp.Auditor;
import dev.jbox.seccomp.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 generated BPF files (mutated compiled presets, random instructions, odd sizes) through
 * {@code jbox audit}'s reader and the {@link Auditor}, and the loader {@code --bpf} uses: a file
 * either reads (and the audit answers with one-line findings) or fails with a one-line
 * {@link ConfigException}; never another exception. Seeds are printed.
 */
class AuditFuzzTest {

    static final int CASES = 10_000;
    static final int BATCHES = 10;

    @TempDir
    Path dir;

    static LongStream seeds() {
        long s = Long.getLong("jbox.fuzz.seed", 0xA0D17L);
        return LongStream.range(0, BATCHES).map(i -> s + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void generatedFilesNeverThrowAnythingElse(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] base = Compiler.compile(Profiles.builtin().resolve("strict"), Arch.X86_64).toBytes();
        Path f = dir.resolve("f.bpf");
        int audited = 0;
        int unsafe = 0;
        for (int i = 0; i < CASES / BATCHES; i++) {
            byte[] b = switch (rnd.nextInt(4)) {
                case 0 -> random(rnd, rnd.nextInt(40) * 8);
                case 1 -> random(rnd, rnd.nextInt(100));
                default -> mutate(base, rnd);
            };
            Files.write(f, b);
            try {
                var findings = Audit.ofFile(f).findings();
                findings.forEach(x -> assertThat(x.toString()).doesNotContain("\n"));
                audited++;
                unsafe += Auditor.unsafe(findings) ? 1 : 0;
            } catch (ConfigException e) {
                oneLine(e.getMessage(), seed, i);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + t, t);
            }
            try {
                Subject.rawFile(f);
            } catch (ConfigException e) {
                oneLine(e.getMessage(), seed, i);
            }
        }
        System.out.printf("AuditFuzzTest seed %d: %d audited (%d unsafe)%n", seed, audited, unsafe);
    }

    static void oneLine(String m, long seed, int i) {
        if (m == null || m.contains("\n") || m.contains("Exception")) {
            fail("seed " + seed + " case " + i + ": bad message: " + m);
        }
    }

    static byte[] random(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] mutate(byte[] base, SplittableRandom rnd) {
        byte[] b = base.clone();
        int edits = 1 + rnd.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(b.length);
            b[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : b[at] ^ (1 << rnd.nextInt(8)));
        }
        if (rnd.nextInt(8) == 0) {
            b = java.util.Arrays.copyOf(b, Math.max(1, b.length - rnd.nextInt(16)));
        }
        return b;
    }
}
