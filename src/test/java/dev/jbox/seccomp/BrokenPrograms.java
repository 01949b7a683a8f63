package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;
import java.util.ArrayList;
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

    /**
     * What a compiler that forgot x32 emits: {@code compiled} (an x86_64 program from jbox's
     * compiler) with its search bound for the x32 range, {@code nr >= 0x40000000}, moved to
     * 0xFFFFFFFF, so x32 numbers fall into the native table's range above its newest call.
     */
    public static Program withoutX32Guard(Program compiled) {
        List<Insn> insns = new ArrayList<>(compiled.insns());
        int hits = 0;
        for (int pc = 0; pc < insns.size(); pc++) {
            Insn in = insns.get(pc);
            if (in.code() == (JMP | JGE | K) && in.k() == Arch.X32_SYSCALL_BIT) {
                insns.set(pc, Insn.jump(in.code(), 0xFFFFFFFF, in.jt(), in.jf()));
                hits++;
            }
        }
        if (hits != 1) {
            throw new IllegalStateException(hits + " x32 bounds in " + compiled);
        }
        return of(insns.toArray(Insn[]::new));
    }

    /**
     * What a compiler that compares an {@code int} argument on 64 bits emits for an equality
     * deny rule: {@code compiled} with "high word != 0: the rule does not match" in front of the
     * first test of the argument's low word at {@code lowOffset}, so {@code (1 << 32) | value}
     * skips the deny the kernel would apply (it reads only the low 32 bits).
     */
    public static Program sixtyFourBitCompare(Program compiled, int lowOffset) {
        List<Insn> insns = compiled.insns();
        int at = -1;
        int allow = -1;
        for (int pc = 0; pc < insns.size(); pc++) {
            Insn in = insns.get(pc);
            if (at < 0 && in.code() == (LD | W | ABS) && in.k() == lowOffset) {
                at = pc;
            }
            if (in.code() == (RET | K) && in.k() == Ret.ALLOW) {
                allow = pc;
            }
        }
        if (at < 0 || allow < at) {
            throw new IllegalStateException("no load of offset " + lowOffset + " before a RET ALLOW in " + compiled);
        }
        // the high word, and "not 0: on to ALLOW" (the rule's fallback here), in front of the load
        int allowAfter = allow + 2;
        List<Insn> add = List.of(Insn.stmt(LD | W | ABS, lowOffset + 4),
                Insn.jump(JMP | JEQ | K, 0, 0, allowAfter - (at + 1) - 1));
        return of(insert(insns, at, add).toArray(Insn[]::new));
    }

    /** {@code insns} with {@code add} before index {@code at}; jumps over the insertion point lengthened. */
    static List<Insn> insert(List<Insn> insns, int at, List<Insn> add) {
        List<Insn> out = new ArrayList<>();
        for (int pc = 0; pc < insns.size(); pc++) {
            if (pc == at) {
                out.addAll(add);
            }
            Insn in = insns.get(pc);
            if (pc < at && in.isJump()) {
                int n = add.size();
                in = Bpf.op(in.code()) == JA
                        ? Insn.stmt(in.code(), pc + 1 + in.k() > at ? in.k() + n : in.k())
                        : Insn.jump(in.code(), in.k(), pc + 1 + in.jt() > at ? in.jt() + n : in.jt(),
                                pc + 1 + in.jf() > at ? in.jf() + n : in.jf());
            }
            out.add(in);
        }
        return out;
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
