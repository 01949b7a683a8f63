package dev.jbox.seccomp;

import org.junit.jupiter.params.provider.MethodSource;
import dev.jbox.testing.Matrix;
import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** {@link Auditor}: one hand-built bad program per finding, and jbox's own programs without any. */
class AuditorTest {

    static final int X86_64 = Arch.X86_64.auditArch();
    static final int KILL = Ret.KILL_PROCESS;
    static final int ALLOW = Ret.ALLOW;
    static final int EPERM = Ret.ERRNO | 1;

    static Program prog(Insn... insns) {
        return BrokenPrograms.of(insns);
    }

    static Insn ld(int offset) {
        return Insn.stmt(LD | W | ABS, offset);
    }

    static Insn ret(int v) {
        return Insn.stmt(RET | K, v);
    }

    static Insn jeq(int k, int jt, int jf) {
        return Insn.jump(JMP | JEQ | K, k, jt, jf);
    }

    static Insn jge(int k, int jt, int jf) {
        return Insn.jump(JMP | JGE | K, k, jt, jf);
    }

    static List<String> codes(List<Auditor.Finding> fs) {
        return fs.stream().map(f -> f.code().id() + "@" + f.pc()).toList();
    }

    @Test
    void noArchCheck() {
        // A = nr; if (A == ptrace) kill; allow -- on any architecture
        List<Auditor.Finding> fs = Auditor.audit(prog(ld(0), jeq(101, 0, 1), ret(KILL), ret(ALLOW)));
        assertThat(codes(fs)).containsExactly("no-arch-check@1", "foreign-arch-allowed@3");
        assertThat(fs.getFirst().severity()).isEqualTo(Auditor.Severity.ERROR);
        assertThat(fs.getFirst().toString()).startsWith("error at 1 [no-arch-check]: the syscall number is compared"
                + " before seccomp_data.arch is checked");
    }

    @Test
    void foreignArchitectureAllowed() {
        // if (arch != x86_64) allow; if (nr >= 0x40000000) kill; if (nr == ptrace) kill; allow
        List<Auditor.Finding> fs = Auditor.audit(prog(ld(4), jeq(X86_64, 1, 0), ret(ALLOW), ld(0),
                jge(0x40000000, 2, 0), jeq(101, 1, 0), ret(ALLOW), ret(KILL)));
        assertThat(codes(fs)).containsExactly("foreign-arch-allowed@2");
    }

    @Test
    void x32NumbersReachAllow() {
        // arch checked, but no nr >= 0x40000000 guard on a default-allow filter
        List<Auditor.Finding> fs = Auditor.audit(prog(ld(4), jeq(X86_64, 1, 0), ret(KILL), ld(0),
                jeq(101, 0, 1), ret(EPERM), ret(ALLOW)));
        assertThat(codes(fs)).containsExactly("x32@6");
        assertThat(fs.getFirst().message()).contains("ptrace").contains("denied by x86_64 number but allowed by x32 number");
    }

    @Test
    void defaultDenyFilterWithoutX32GuardIsNotFlagged() {
        // allow-list: only read (0) is allowed; x32 numbers fall to the deny
        List<Auditor.Finding> fs = Auditor.audit(prog(ld(4), jeq(X86_64, 1, 0), ret(KILL), ld(0),
                jeq(0, 0, 1), ret(ALLOW), ret(EPERM)));
        assertThat(fs).isEmpty();
    }

    /** A deny of socket(AF_VSOCK) that compares all 64 bits of the int family. */
    static List<Insn> socketRule(boolean highWord) {
        List<Insn> p = new ArrayList<>(List.of(ld(4), jeq(X86_64, 1, 0), ret(KILL), ld(0),
                jge(0x40000000, 0, 1), ret(KILL), jeq(41, 0, 4)));
        if (highWord) {
            p.add(ld(20));           // 7: A = args[0] >> 32
            p.add(jeq(0, 0, 2));     // 8: high word 0? else allow
        } else {
            p.add(Insn.stmt(LD | IMM, 0));
            p.add(Insn.jump(JMP | JA, 0, 0, 0));
        }
        p.add(ld(16));               // 9: A = low word
        p.add(jeq(40, 1, 0));        // 10
        p.add(ret(ALLOW));           // 11
        p.add(ret(Ret.ERRNO | 97));  // 12
        return p;
    }

    @Test
    void highWordOfAnIntArgumentGuardsADeny() {
        List<Auditor.Finding> fs = Auditor.audit(BrokenPrograms.of(socketRule(true).toArray(Insn[]::new)));
        assertThat(codes(fs)).containsExactly("int-arg-high-word@8");
        assertThat(fs.getFirst().message()).startsWith("socket's argument 0 is an int (int) on x86_64");
        // the bypass it describes is real
        Program p = BrokenPrograms.of(socketRule(true).toArray(Insn[]::new));
        assertThat(Emulator.run(p, SeccompData.of(Arch.X86_64, 41, 40))).isEqualTo(Ret.ERRNO | 97);
        assertThat(Emulator.run(p, SeccompData.of(Arch.X86_64, 41, (1L << 32) | 40))).isEqualTo(ALLOW);
    }

    @Test
    void lowWordAloneIsFine() {
        assertThat(Auditor.audit(BrokenPrograms.of(socketRule(false).toArray(Insn[]::new)))).isEmpty();
    }

    @Test
    void neverDenies() {
        List<Auditor.Finding> fs = Auditor.audit(prog(ret(ALLOW)));
        assertThat(codes(fs)).containsExactly("never-denies@-1");
        assertThat(Auditor.unsafe(fs)).isTrue();
        assertThat(fs.getFirst().severity()).isEqualTo(Auditor.Severity.WARNING);
    }

    @Test
    void unreachableCode() {
        List<Auditor.Finding> fs = Auditor.audit(prog(ld(4), jeq(X86_64, 1, 0), ret(KILL), ld(0),
                jge(0x40000000, 3, 0), jeq(101, 2, 0), ret(ALLOW), ret(EPERM), ret(KILL)));
        assertThat(codes(fs)).containsExactly("unreachable@7");
        assertThat(Auditor.unsafe(fs)).isFalse();
        // a jump that can never be taken: the nr is already known not to be 5 there
        fs = Auditor.audit(prog(ld(4), jeq(X86_64, 1, 0), ret(KILL), ld(0), jge(0x40000000, 4, 0), jeq(5, 3, 0),
                jeq(5, 1, 0), ret(ALLOW), ret(EPERM), ret(KILL)));
        assertThat(codes(fs)).containsExactly("unreachable@8");
    }

    static Auditor.Finding rejected(Insn... insns) {
        try {
            Program.of(List.of(insns));
        } catch (InvalidProgramException e) {
            return Auditor.rejected(e);
        }
        throw new AssertionError("the verifier accepted " + List.of(insns));
    }

    @Test
    void rejectedByTheKernel() {
        // the pc comes from the verifier's structured error, not from its message
        assertThat(rejected(ld(0), jeq(1, 5, 0), ret(ALLOW)).toString()).isEqualTo("error at 1 [rejected]: the kernel"
                + " would refuse this program: instruction 1 jumps past the end of the program (bpf_check_classic)");
        assertThat(rejected(ld(2), ret(ALLOW)).toString()).isEqualTo("error at 0 [rejected]: the kernel would refuse"
                + " this program: instruction 0 loads from offset 0x2: seccomp allows only aligned 32-bit loads below 64"
                + " (seccomp_check_filter)");
        assertThat(rejected(Insn.stmt(ALU | LSH | K, 32), ret(ALLOW)).toString()).isEqualTo("error at 0 [rejected]:"
                + " the kernel would refuse this program: instruction 0 shifts by 32; a constant shift must be 0 to 31"
                + " (bpf_check_classic)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbox.testing.Matrix#presets")
    void jboxPresetsHaveNoFindings(String preset) throws Exception {
        for (Arch a : Matrix.NATIVE) {
            Program p = Compiler.compile(Profiles.builtin().resolve(preset), a);
            assertThat(Auditor.audit(p)).as("%s on %s", preset, a.id()).isEmpty();
        }
    }
}
