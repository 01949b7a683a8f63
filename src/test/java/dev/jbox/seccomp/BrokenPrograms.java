package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;
import java.util.List;

/** Programs with the classic seccomp bugs, built on purpose to show the tests catch them. */
public final class BrokenPrograms {
    private BrokenPrograms() {
    }

    /**
     * What a compiler comparing socket's {@code int} family on 64 bits emits for
     * "socket(AF_VSOCK) -> EAFNOSUPPORT": high word == 0 and low word == 40, so a set high
     * word skips the deny although the kernel ignores it.
     */
    public static Program sixtyFourBitFamilyCompare() {
        int socket = Arch.X86_64.syscalls().number("socket").orElseThrow();
        return of(
                Insn.stmt(LD | W | ABS, 4),
                Insn.jump(JMP | JEQ | K, Arch.X86_64.auditArch(), 1, 0),
                Insn.stmt(RET | K, Ret.KILL_PROCESS),
                Insn.stmt(LD | W | ABS, 0),
                Insn.jump(JMP | JEQ | K, socket, 0, 4),
                Insn.stmt(LD | W | ABS, 20),              // args[0] >> 32
                Insn.jump(JMP | JEQ | K, 0, 0, 2),        // the bug
                Insn.stmt(LD | W | ABS, 16),
                Insn.jump(JMP | JEQ | K, 40, 1, 0),
                Insn.stmt(RET | K, Ret.ALLOW),
                Insn.stmt(RET | K, Ret.ERRNO | 97));
    }

    /** "ptrace -> EPERM" without the x32 guard: x32's ptrace number falls through to ALLOW. */
    public static Program noX32Guard() {
        int ptrace = Arch.X86_64.syscalls().number("ptrace").orElseThrow();
        return of(
                Insn.stmt(LD | W | ABS, 4),
                Insn.jump(JMP | JEQ | K, Arch.X86_64.auditArch(), 1, 0),
                Insn.stmt(RET | K, Ret.KILL_PROCESS),
                Insn.stmt(LD | W | ABS, 0),
                Insn.jump(JMP | JEQ | K, ptrace, 0, 1),
                Insn.stmt(RET | K, Ret.ERRNO | 1),
                Insn.stmt(RET | K, Ret.ALLOW));
    }

    /** A hand-written program the kernel loads (they are wrong in what they decide, not in form). */
    static Program of(Insn... insns) {
        try {
            return Program.of(List.of(insns));
        } catch (InvalidProgramException e) {
            throw new IllegalStateException(e);
        }
    }
}
