package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.proof.Counterexample;
import dev.jbox.proof.Prover;
import dev.jbox.proof.Z3s;
import org.junit.jupiter.api.Test;

/**
 * The decision tables and the prover must catch a broken compiler: the compiled minimal
 * preset with one classic bug put in ({@link BrokenPrograms}: no x32 guard; a 64-bit compare
 * of an {@code int} argument) fails exactly the table rows that pin that case, and the prover
 * refutes it with a counterexample of that case, which the emulator confirms. The unbroken
 * program passes both (so the failures come from the bug).
 */
class BrokenCompilerTest {

    static final Policy MINIMAL = DecisionTables.policy("minimal");

    static Program minimal() throws Exception {
        return Compiler.compile(MINIMAL, Arch.X86_64);
    }

    @Test
    void theUnbrokenProgramPassesTheTables() throws Exception {
        assertThat(DecisionTables.run("minimal", Arch.X86_64, minimal(), false).failures()).isEmpty();
    }

    @Test
    void aCompilerWithoutTheX32GuardFailsTheTables() throws Exception {
        Program broken = BrokenPrograms.withoutX32Guard(minimal());
        var failures = DecisionTables.run("minimal", Arch.X86_64, broken, false).failures();
        // minimal.tests: "x32 ptrace => ERRNO(ENOSYS)" and the other x32 rows (x32 names, or x86_64 with the x32 bit)
        assertThat(failures).isNotEmpty().allSatisfy(f -> assertThat(f)
                .containsPattern("^line \\d+: (x32 \\w+|x86_64 0x(4|5|6|7|8|9|a|b|c|d|e|f)[0-9a-f]{7})\\(")
                .contains("filter says ALLOW"));
        assertThat(failures).anySatisfy(f -> assertThat(f).contains("x32 ptrace"));
    }

    @Test
    void aCompilerWithoutTheX32GuardFailsTheProof() throws Exception {
        Program broken = BrokenPrograms.withoutX32Guard(minimal());
        Counterexample c = refuted(broken);
        assertThat(c.abi()).contains(Arch.X32);
        assertThat(c.left()).isEqualTo(Action.errno(38));
        assertThat(c.right()).isEqualTo(Action.ALLOW);
    }

    @Test
    void aSixtyFourBitCompareOfAnIntArgumentFailsTheTables() throws Exception {
        // ioctl's cmd (arg1) is an unsigned int: minimal refuses TIOCSTI/TIOCLINUX on its low 32 bits
        Program broken = BrokenPrograms.sixtyFourBitCompare(minimal(), SeccompData.argLow(1));
        var failures = DecisionTables.run("minimal", Arch.X86_64, broken, false).failures();
        // minimal.tests: "x86_64 ioctl 0 0x100005412 => ERRNO(EPERM)" (and i386's, whose leaf the code shares)
        assertThat(failures).isNotEmpty().allSatisfy(f -> assertThat(f).contains(" ioctl(")
                .contains("filter says ALLOW"));
        assertThat(failures).anySatisfy(f -> assertThat(f).contains("x86_64 ioctl([0, 4294988818,"));
    }

    @Test
    void aSixtyFourBitCompareOfAnIntArgumentFailsTheProof() throws Exception {
        Program broken = BrokenPrograms.sixtyFourBitCompare(minimal(), SeccompData.argLow(1));
        Counterexample c = refuted(broken);
        assertThat(c.syscall()).contains("ioctl");
        long cmd = c.input().args()[1];
        assertThat(cmd >>> 32).as("the high word the kernel ignores").isNotZero();
        assertThat(cmd & 0xFFFFFFFFL).isIn(0x5412L, 0x541CL);
        assertThat(c.left()).isEqualTo(Action.errno(1));
        assertThat(c.right()).isEqualTo(Action.ALLOW);
    }

    /** The prover's counterexample for {@code broken} against minimal, confirmed by the emulator. */
    static Counterexample refuted(Program broken) throws Exception {
        Prover.Result r = Z3s.prover().prove(MINIMAL, Arch.X86_64, broken);
        assertThat(r).isInstanceOf(Prover.Refuted.class);
        Counterexample c = ((Prover.Refuted) r).counterexample();
        assertThat(Ret.decode(Emulator.run(broken, c.input()))).as("the emulator on %s", c.call()).isEqualTo(c.right());
        assertThat(Ret.decode(Emulator.run(minimal(), c.input()))).as("the unbroken program on %s", c.call())
                .isEqualTo(c.left());
        return c;
    }
}
