package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;

/**
 * Runs a program on a {@link SeccompData} as the kernel does: the {@link Interpreter} over
 * plain 32-bit words. This is the ground truth of the tests; it takes only a
 * {@link Program}, which the verifier made.
 */
public final class Emulator {
    private Emulator() {
    }

    /** The return value and how many instructions ran to produce it. */
    public record Result(int ret, int executed) {
    }

    public static int run(Program p, SeccompData d) {
        return trace(p, d).ret();
    }

    public static Result trace(Program p, SeccompData d) {
        return trace(p, d, false);
    }

    /**
     * The kernel's constant-action cache check ({@code seccomp_is_const_allow}, Linux 5.11+):
     * runs the program for one (arch, nr) while every other field of seccomp_data is
     * unknown; the call is cached as always-allowed only if the path runs nothing but the
     * instructions that check emulates (absolute loads of nr and arch, AND with a constant,
     * JA, the conditional jumps on a constant, RET with a constant) and ends in RET ALLOW.
     */
    public static boolean isConstAllow(Program p, Arch arch, int nr) {
        Result r = trace(p, SeccompData.of(arch, nr), true);
        return r != null && r.ret() == Ret.ALLOW;
    }

    /** With {@code cacheCheck}, null as soon as the path leaves what seccomp_is_const_allow emulates. */
    private static Result trace(Program p, SeccompData d, boolean cacheCheck) {
        Interpreter.Domain<Integer> words = Interpreter.concrete(d);
        Interpreter.Regs<Integer> regs = Interpreter.Regs.initial(0);
        int pc = 0;
        int executed = 0;
        while (true) {
            if (cacheCheck && !constantForCache(p.get(pc))) {
                return null;
            }
            executed++;
            switch (Interpreter.step(p, pc, regs, words)) {
                case Interpreter.Goto<Integer> g -> {
                    pc = g.pc();
                    regs = g.regs();
                }
                case Interpreter.Return<Integer> r -> {
                    return new Result(r.value(), executed);
                }
                case Interpreter.Fork<Integer> f -> throw new IllegalStateException("plain words decide every jump");
            }
        }
    }

    /** The instructions seccomp_is_const_allow emulates; it gives up on any other. */
    private static boolean constantForCache(Insn in) {
        return switch (in.code()) {
            case LD | W | ABS -> in.k() == SeccompData.OFFSET_NR || in.k() == SeccompData.OFFSET_ARCH;
            case ALU | AND | K, JMP | JA, JMP | JEQ | K, JMP | JGE | K, JMP | JGT | K, JMP | JSET | K, RET | K -> true;
            default -> false;
        };
    }
}
