package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;

/**
 * Runs a verified program on a {@link SeccompData} exactly as the kernel's classic BPF
 * interpreter would: 32-bit unsigned registers A and X, sixteen scratch words, forward
 * jumps only. This is the ground truth of the tests, so it trusts nothing: it runs only
 * programs that passed the {@link Verifier}.
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
        int a = 0;
        int x = 0;
        int[] mem = new int[MEMWORDS];
        int pc = 0;
        int executed = 0;
        while (true) {
            Insn in = p.get(pc);
            executed++;
            int k = in.k();
            switch (cls(in.code())) {
                case LD -> {
                    a = switch (mode(in.code())) {
                        case ABS -> d.word(k);
                        case LEN -> SeccompData.SIZE;
                        case IMM -> k;
                        case MEM -> mem[k];
                        default -> throw unexpected(in, pc);
                    };
                }
                case LDX -> {
                    x = switch (mode(in.code())) {
                        case LEN -> SeccompData.SIZE;
                        case IMM -> k;
                        case MEM -> mem[k];
                        default -> throw unexpected(in, pc);
                    };
                }
                case ST -> mem[k] = a;
                case STX -> mem[k] = x;
                case ALU -> a = alu(in, a, x, pc);
                case MISC -> {
                    if (miscop(in.code()) == TAX) {
                        x = a;
                    } else {
                        a = x;
                    }
                }
                case JMP -> {
                    int operand = src(in.code()) == X ? x : k;
                    if (op(in.code()) == JA) {
                        pc += 1 + k;
                        continue;
                    }
                    boolean taken = switch (op(in.code())) {
                        case JEQ -> a == operand;
                        case JGT -> Integer.compareUnsigned(a, operand) > 0;
                        case JGE -> Integer.compareUnsigned(a, operand) >= 0;
                        case JSET -> (a & operand) != 0;
                        default -> throw unexpected(in, pc);
                    };
                    pc += 1 + (taken ? in.jt() : in.jf());
                    continue;
                }
                case RET -> {
                    return new Result(rval(in.code()) == Bpf.A ? a : k, executed);
                }
                default -> throw unexpected(in, pc);
            }
            pc++;
        }
    }

    private static int alu(Insn in, int a, int x, int pc) {
        int operand = src(in.code()) == X ? x : in.k();
        return switch (op(in.code())) {
            case ADD -> a + operand;
            case SUB -> a - operand;
            case MUL -> a * operand;
            // The kernel's classic BPF returns 0 from the whole program on division by a
            // zero X; the verifier refuses a constant 0. Emulate the runtime case.
            case DIV -> operand == 0 ? 0 : Integer.divideUnsigned(a, operand);
            case OR -> a | operand;
            case AND -> a & operand;
            case XOR -> a ^ operand;
            case LSH -> operand >= 32 || operand < 0 ? 0 : a << operand;
            case RSH -> operand >= 32 || operand < 0 ? 0 : a >>> operand;
            case NEG -> -a;
            default -> throw unexpected(in, pc);
        };
    }

    private static IllegalStateException unexpected(Insn in, int pc) {
        return new IllegalStateException(String.format(
                "instruction %d (0x%04x) cannot run: was the program verified?", pc, in.code()));
    }

    /**
     * The kernel's constant-action cache check ({@code seccomp_is_const_allow}, Linux 5.11+):
     * runs the program for one (arch, nr) while every other field of seccomp_data is
     * unknown; the call is cached as always-allowed only if the path reads nothing but
     * {@code nr} and {@code arch}, uses only the operations the kernel's check emulates (absolute loads of
     * nr/arch, AND with a constant, JA and the constant conditional jumps),
     * and ends in RET ALLOW.
     */
    public static boolean isConstAllow(Program p, Arch arch, int nr) {
        int a = 0;
        int pc = 0;
        while (true) {
            Insn in = p.get(pc);
            int code = in.code();
            int k = in.k();
            switch (code) {
                case LD | W | ABS -> {
                    if (k == SeccompData.OFFSET_NR) {
                        a = nr;
                    } else if (k == SeccompData.OFFSET_ARCH) {
                        a = arch.auditArch();
                    } else {
                        return false;
                    }
                }
                case ALU | AND | K -> a &= k;
                case JMP | JA -> {
                    pc += 1 + k;
                    continue;
                }
                case JMP | JEQ | K, JMP | JGE | K, JMP | JGT | K, JMP | JSET | K -> {
                    boolean taken = switch (op(code)) {
                        case JEQ -> a == k;
                        case JGE -> Integer.compareUnsigned(a, k) >= 0;
                        case JGT -> Integer.compareUnsigned(a, k) > 0;
                        default -> (a & k) != 0;
                    };
                    pc += 1 + (taken ? in.jt() : in.jf());
                    continue;
                }
                case RET | K -> {
                    return k == Ret.ALLOW;
                }
                default -> {
                    return false;
                }
            }
            pc++;
        }
    }
}
