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

    /**
     * The listing. What A holds and which architecture a path has checked come from a
     * pc-order walk with {@link AbstractState#flow} (the {@link Interpreter}'s step over abstract
     * values), joining the states that meet at an instruction; an instruction no path
     * reaches is marked and read as if at the start.
     */
    public static String disassemble(Program p) {
        AbstractState.State[] states = new AbstractState.State[p.length()];
        states[0] = AbstractState.State.START;
        StringBuilder out = new StringBuilder();
        out.append(" line  CODE  JT   JF      K\n");
        out.append("=================================\n");
        for (int pc = 0; pc < p.length(); pc++) {
            Insn in = p.get(pc);
            AbstractState.State s = states[pc];
            out.append(String.format(" %04d: 0x%02x 0x%02x 0x%02x 0x%08x  ", pc, in.code(), in.jt(), in.jf(), in.k()));
            if (s == null) {
                out.append("(unreachable) ");
                s = AbstractState.State.START;
            }
            out.append(text(in, pc, s)).append('\n');
            switch (AbstractState.flow(p, pc, s)) {
                case AbstractState.Ends e -> {
                }
                case AbstractState.Next x -> into(states, x.edge());
                case AbstractState.Branches b -> {
                    b.taken().ifPresent(e -> into(states, e));
                    b.notTaken().ifPresent(e -> into(states, e));
                }
            }
        }
        return out.toString();
    }

    private static void into(AbstractState.State[] states, AbstractState.Edge e) {
        AbstractState.State known = states[e.pc()];
        states[e.pc()] = known == null ? e.state() : known.join(e.state());
    }

    private static String text(Insn in, int pc, AbstractState.State s) {
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

    private static String jump(Insn in, int pc, AbstractState.State s) {
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
    private static String value(int k, AbstractState.State s) {
        if (s.regs().a().equals(new AbstractState.Word(SeccompData.OFFSET_ARCH))) {
            for (Arch a : Arch.values()) {
                if (a.auditArch() == k && a != Arch.X32) {
                    return "ARCH_" + a.id().toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        if (s.regs().a().equals(new AbstractState.Word(SeccompData.OFFSET_NR)) && s.arch().single()) {
            Optional<String> n = syscallName(s.arch().values().iterator().next(), k);
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
