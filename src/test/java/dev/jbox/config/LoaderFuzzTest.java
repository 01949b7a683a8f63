package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Throws generated malformed configs, profiles and BPF files at the loaders: each must
 * either load (and then resolve and compile) or fail with the documented one-line
 * {@link ConfigException} / {@link InvalidProgramException}; never another exception.
 * Inputs are mutations of a valid file (deleted, inserted and replaced characters,
 * swapped lines, values of the wrong type, unknown keys and names), so most are close
 * to valid and reach deep into the loaders. Seeds are printed; replay with
 * {@code -Djbox.fuzz.seed=N}.
 */
class LoaderFuzzTest {

    static final String VALID = """
            [sandbox]
            seccomp = "mine"
            share_net = false
            bind = [{ src = "/srv", dest = "/srv" }]
            env = { LANG = "C" }
            hostname = "box"

            [profiles.mine]
            description = "test"
            extends = "strict"
            default_errno = "EPERM"
            arches = "native"
            allow = ["ptrace", "@debug"]
            deny = ["@swap", "kexec_load"]

            [[profiles.mine.rules]]
            syscalls = ["socket"]
            errno = "EAFNOSUPPORT"
            args = [{ arg = 0, op = "eq", value = "AF_PACKET" }, { arg = 1, op = "masked_eq", mask = 0xff, value = 3 }]
            reason = "no raw sockets"

            [[profiles.mine.rules]]
            syscall = "kill"
            action = "log"
            """;

    static final String[] TOKENS = {"[", "]", "{", "}", "=", "\"", ",", "\n", "#", "'", ".", "0x", "-1", "true",
            "[[profiles.x.rules]]", "[profiles.mine]", "extends = \"mine\"", "op = \"ge\"", "arg = 9", "value = []",
            "errno = 99999", "action = \"bogus\"", "syscalls = [\"nosuch\"]", "allow = [\"@nosuch\"]", "x = 1",
            "mask = \"AF_UNIX\"", "arches = \"native+compat\"", "future_syscalls = \"ENOSYS\"", "seccomp = true",
            "default_action = \"errno\"", "\u0000", "\\u12", "\"\"\"", "3.5", "1979-05-27", "inf"};

    static final int BATCHES = 10;
    static final int PER_BATCH = 1000;
    static final AtomicInteger LOADED = new AtomicInteger();
    static final AtomicInteger REFUSED = new AtomicInteger();
    static final AtomicInteger BPF_LOADED = new AtomicInteger();
    static final AtomicInteger BPF_REFUSED = new AtomicInteger();

    static LongStream seeds() {
        String fixed = System.getProperty("jbox.fuzz.seed");
        if (fixed != null) {
            return LongStream.of(Long.parseLong(fixed));
        }
        long base = System.nanoTime();
        System.out.println("loader fuzz: base seed " + base);
        return LongStream.range(0, BATCHES).map(i -> base + i);
    }

    static String mutate(SplittableRandom r, String s) {
        StringBuilder b = new StringBuilder(s);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && !b.isEmpty(); i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(5)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 2 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                case 3 -> {
                    int end = Math.min(b.length(), at + r.nextInt(20));
                    b.replace(at, end, TOKENS[r.nextInt(TOKENS.length)]);
                }
                default -> {
                    String[] lines = b.toString().split("\n", -1);
                    int a = r.nextInt(lines.length);
                    int c = r.nextInt(lines.length);
                    String t = lines[a];
                    lines[a] = lines[c];
                    lines[c] = t;
                    b = new StringBuilder(String.join("\n", lines));
                }
            }
        }
        return b.toString();
    }

    @ParameterizedTest(name = "batch seed {0}")
    @MethodSource("seeds")
    void configsLoadOrFailWithOneLine(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < PER_BATCH; i++) {
            String text = mutate(r, VALID);
            try {
                ConfigFile c = ConfigFile.parse(text, Path.of("/fuzz/jbox.toml"));
                Profiles all = c.allProfiles();
                for (ProfileSpec s : c.profiles()) {
                    dev.jbox.seccomp.Compiler.compile(all.resolve(s.name()), Arch.X86_64);
                }
                LOADED.incrementAndGet();
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as("seed %d input %d:%n%s", seed, i, text)
                        .startsWith("/fuzz/jbox.toml").doesNotContain("\n").doesNotContain("Exception");
                REFUSED.incrementAndGet();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " input " + i + " threw " + t + " for:\n" + text, t);
            }
        }
    }

    @ParameterizedTest(name = "batch seed {0}")
    @MethodSource("seeds")
    void bpfFilesLoadOrFailWithOneLine(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] good = dev.jbox.seccomp.Compiler.compile(Profiles.builtin().resolve("strict"), Arch.X86_64).toBytes();
        for (int i = 0; i < PER_BATCH; i++) {
            byte[] b;
            switch (r.nextInt(4)) {
                case 0 -> {
                    b = new byte[r.nextInt(80)];
                    r.nextBytes(b);
                }
                case 1 -> { // valid length, random instructions from seccomp's opcode set
                    int n = 1 + r.nextInt(12);
                    ByteBuffer bb = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                    int[] codes = {0x20, 0x15, 0x35, 0x25, 0x45, 0x06, 0x16, 0x05, 0x54, 0x00, 0x01, 0x02, 0x60, 0x34, 0x87};
                    for (int k = 0; k < n; k++) {
                        bb.putShort((short) codes[r.nextInt(codes.length)]).put((byte) r.nextInt(4))
                                .put((byte) r.nextInt(4)).putInt(r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(70));
                    }
                    b = bb.array();
                }
                default -> { // a real program with a few bytes flipped or cut
                    b = good.clone();
                    for (int k = 0; k < 1 + r.nextInt(3); k++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                    if (r.nextInt(4) == 0) {
                        b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                    }
                }
            }
            try {
                Program p = Program.fromBytes(b);
                dev.jbox.seccomp.Emulator.run(p, dev.jbox.seccomp.SeccompData.of(Arch.X86_64, r.nextInt(500)));
                BPF_LOADED.incrementAndGet();
            } catch (InvalidProgramException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
                BPF_REFUSED.incrementAndGet();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " input " + i + " threw " + t, t);
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("loader fuzz: configs " + LOADED + " loaded, " + REFUSED + " refused with one line; BPF files "
                + BPF_LOADED + " loaded, " + BPF_REFUSED + " refused with one line");
    }
}
