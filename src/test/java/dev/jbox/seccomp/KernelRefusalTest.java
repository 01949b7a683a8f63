package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The running kernel agrees with the {@link Verifier}: every program of {@link VerifierTest}'s
 * table is handed, as raw bytes, to {@code bwrap --seccomp} (the loader {@code jbox run}
 * uses), which reports prctl(PR_SET_SECCOMP)'s EINVAL and exits 1; a program one step inside
 * each limit (a shift by 31, the last slot, a jump to the last instruction) loads.
 * Skipped, with the reason, where bwrap cannot make a sandbox.
 */
class KernelRefusalTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void bwrapWorks() throws Exception {
        Result r = load(List.of(VerifierTest.RET_ALLOW));
        Assumptions.assumeTrue(r.code() == 0, "bwrap cannot load a seccomp filter here: " + r);
    }

    record Result(int code, String err) {
    }

    static Result load(List<Insn> insns) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "prog", ".bpf");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(insns.size() * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Insn i : insns) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        Files.write(f, b.array());
        Process p;
        try {
            p = new ProcessBuilder("bash", "-c", "exec bwrap --ro-bind / / --dev /dev --seccomp 3 -- /bin/true 3< \"$1\"",
                    "load", f.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return new Result(-1, "cannot start bash: " + e.getMessage());
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "bwrap hung");
        }
        return new Result(p.exitValue(), err);
    }

    static Stream<Arguments> kernelRules() {
        // an empty program never reaches the kernel: bwrap refuses an empty filter file itself
        return VerifierTest.rows().stream().filter(r -> !r.insns().isEmpty()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelRules")
    void theKernelRefusesWhatTheVerifierRefuses(VerifierTest.Row row) throws Exception {
        Result r = load(row.insns());
        assertThat(r.code()).as("%s: %s", row, r).isEqualTo(1);
        assertThat(r.err()).as("%s", row).contains("EINVAL");
    }

    @Test
    void theKernelLoadsTheProgramsJustInsideEachLimit() throws Exception {
        List<List<Insn>> ok = List.of(
                List.of(VerifierTest.s(Bpf.ALU | Bpf.LSH | Bpf.K, 31), VerifierTest.RET_ALLOW),
                List.of(VerifierTest.s(Bpf.ST, 15), VerifierTest.s(Bpf.LD | Bpf.MEM, 15), VerifierTest.RET_ALLOW),
                List.of(VerifierTest.s(Bpf.JMP | Bpf.JA, 0), VerifierTest.RET_ALLOW),
                List.of(VerifierTest.s(Bpf.LD | Bpf.W | Bpf.ABS, 60), VerifierTest.s(Bpf.LD | Bpf.W | Bpf.LEN, 0),
                        VerifierTest.RET_ALLOW));
        for (List<Insn> p : ok) {
            Program.of(p);
            assertThat(load(p)).as("%s", p).isEqualTo(new Result(0, ""));
        }
    }

    @Test
    void aDivisionByAZeroXEndsTheProgramWithZeroInTheKernelAndTheEmulator() throws Exception {
        // A = 5; X = 0; A /= X; return ALLOW -- the kernel returns 0 (KILL_THREAD) at the division
        List<Insn> div = List.of(VerifierTest.s(Bpf.LD | Bpf.IMM, 5), VerifierTest.s(Bpf.LDX | Bpf.IMM, 0),
                VerifierTest.s(Bpf.ALU | Bpf.DIV | Bpf.X, 0), VerifierTest.RET_ALLOW);
        assertThat(Emulator.run(Program.of(div), SeccompData.of(dev.jbox.arch.Arch.X86_64, 0))).isEqualTo(Ret.KILL_THREAD);
        assertThat(load(div).code()).as("/bin/true killed by SIGSYS").isEqualTo(128 + 31);
    }
}
