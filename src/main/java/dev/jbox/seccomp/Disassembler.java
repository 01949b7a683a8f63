package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;
import java.util.Optional;

/**
 * Prints a program in the familiar seccomp-tools layout ({@code line CODE JT JF K}, then a
 * C-like reading). Syscall numbers are named by following, along the jumps, which
 * architecture each path has already checked and what the accumulator holds.
 */
public final class Disassembler {
    private Disassembler() {
    }

    /** What is known about the accumulator and the architecture at an instruction. */
    private record State(int aOffset, boolean aExact, int arch, boolean archKnown) {
        static final State START = new State(-1, false, 0, false);
        static final State UNREACHED = null;

        State merge(State o) {
            if (o == null) {
                return this;
            }
            boolean sameA = aOffset == o.aOffset && aExact == o.aExact;
            boolean sameArch = archKnown && o.archKnown && arch == o.arch;
            return new State(sameA ? aOffset : -1, sameA && aExact, sameArch ? arch : 0, sameArch);
        }
    }

    public static String disassemble(Program p) {
        State[] states = new State[p.length()];
        states[0] = State.START;
        StringBuilder out = new StringBuilder();
        out.append(" line  CODE  JT   JF      K\n");
        out.append("=================================\n");
        for (int pc = 0; pc < p.length(); pc++) {
            Insn in = p.get(pc);
            State s = states[pc];
            out.append(String.format(" %04d: 0x%02x 0x%02x 0x%02x 0x%08x  ", pc, in.code(), in.jt(), in.jf(), in.k()));
            if (s == State.UNREACHED) {
                out.append("(unreachable) ");
                s = State.START;
            }
            out.append(text(in, pc, s)).append('\n');
            flow(p, pc, s, states);
        }
        return out.toString();
    }

    private static void flow(Program p, int pc, State s, State[] states) {
        Insn in = p.get(pc);
        int code = in.code();
        if (in.isReturn()) {
            return;
        }
        if (code == (JMP | JA)) {
            into(states, pc + 1 + in.k(), s);
            return;
        }
        if (in.isConditionalJump()) {
            State taken = s;
            if (s.aOffset() == SeccompData.OFFSET_ARCH && s.aExact() && code == (JMP | JEQ | K)) {
                taken = new State(s.aOffset(), true, in.k(), true);
            }
            into(states, pc + 1 + in.jt(), taken);
            into(states, pc + 1 + in.jf(), s);
            return;
        }
        State next = switch (code) {
            case LD | W | ABS -> new State(in.k(), true, s.arch(), s.archKnown());
            case ALU | AND | K -> new State(s.aOffset(), false, s.arch(), s.archKnown());
            default -> new State(-1, false, s.arch(), s.archKnown());
        };
        into(states, pc + 1, next);
    }

    private static void into(State[] states, int target, State s) {
        states[target] = states[target] == null ? s : states[target].merge(s);
    }

    private static String text(Insn in, int pc, State s) {
        int code = in.code();
        int k = in.k();
        return switch (cls(code)) {
            case LD -> switch (mode(code)) {
                case ABS -> "A = " + field(k);
                case IMM -> String.format("A = 0x%x", k);
                case MEM -> "A = mem[" + k + "]";
                case LEN -> "A = sizeof(seccomp_data)";
                default -> "???";
            };
            case LDX -> switch (mode(code)) {
                case IMM -> String.format("X = 0x%x", k);
                case MEM -> "X = mem[" + k + "]";
                case LEN -> "X = sizeof(seccomp_data)";
                default -> "???";
            };
            case ST -> "mem[" + k + "] = A";
            case STX -> "mem[" + k + "] = X";
            case ALU -> alu(code, k);
            case MISC -> miscop(code) == TAX ? "X = A" : "A = X";
            case RET -> rval(code) == Bpf.A ? "return A" : "return " + Ret.describe(k);
            case JMP -> jump(in, pc, s);
            default -> "???";
        };
    }

    private static String field(int off) {
        return switch (off) {
            case 0 -> "sys_number";
            case 4 -> "arch";
            case 8 -> "instruction_pointer";
            case 12 -> "instruction_pointer >> 32";
            default -> (off & 4) == 0 ? "args[" + (off - 16) / 8 + "]" : "args[" + (off - 16) / 8 + "] >> 32";
        };
    }

    private static String alu(int code, int k) {
        String operand = src(code) == X ? "X" : String.format("0x%x", k);
        return switch (op(code)) {
            case ADD -> "A += " + operand;
            case SUB -> "A -= " + operand;
            case MUL -> "A *= " + operand;
            case DIV -> "A /= " + operand;
            case OR -> "A |= " + operand;
            case AND -> "A &= " + operand;
            case XOR -> "A ^= " + operand;
            case LSH -> "A <<= " + operand;
            case RSH -> "A >>= " + operand;
            case NEG -> "A = -A";
            default -> "???";
        };
    }

    private static String jump(Insn in, int pc, State s) {
        int code = in.code();
        if (op(code) == JA) {
            return String.format("goto %04d", pc + 1 + in.k());
        }
        String v = src(code) == X ? "X" : value(in.k(), s);
        String[] ops = switch (op(code)) {
            case JEQ -> new String[] {"==", "!="};
            case JGT -> new String[] {">", "<="};
            case JGE -> new String[] {">=", "<"};
            default -> new String[] {"&", "&"};
        };
        int t = pc + 1 + in.jt();
        int f = pc + 1 + in.jf();
        boolean jset = op(code) == JSET;
        if (in.jf() == 0) {
            return jset ? String.format("if (A & %s) goto %04d", v, t) : String.format("if (A %s %s) goto %04d", ops[0], v, t);
        }
        if (in.jt() == 0) {
            return jset ? String.format("if (!(A & %s)) goto %04d", v, f) : String.format("if (A %s %s) goto %04d", ops[1], v, f);
        }
        return jset ? String.format("if (A & %s) goto %04d else goto %04d", v, t, f)
                : String.format("if (A %s %s) goto %04d else goto %04d", ops[0], v, t, f);
    }

    /** A comparison operand, named when the accumulator holds the arch or a syscall number. */
    private static String value(int k, State s) {
        if (s.aExact() && s.aOffset() == SeccompData.OFFSET_ARCH) {
            for (Arch a : Arch.values()) {
                if (a.auditArch() == k && a != Arch.X32) {
                    return "ARCH_" + a.id().toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        if (s.aExact() && s.aOffset() == SeccompData.OFFSET_NR && s.archKnown()) {
            Optional<String> n = syscallName(s.arch(), k);
            if (n.isPresent()) {
                return n.get();
            }
        }
        return String.format("0x%x", k);
    }

    static Optional<String> syscallName(int audit, int nr) {
        for (Arch a : Arch.values()) {
            if (a.auditArch() != audit) {
                continue;
            }
            boolean x32 = Arch.isX32Number(nr);
            if ((a == Arch.X32) != x32) {
                continue;
            }
            Optional<String> n = a.syscalls().name(nr);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }
}
