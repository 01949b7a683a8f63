package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one definition of what a cBPF instruction does (gVisor's {@code bpf.Exec} plays this
 * part there). {@link #step} takes one instruction of a verified program from a register
 * state to its successors, over any {@link Domain} of values: plain 32-bit words for the
 * {@link Emulator} and the cache check, abstract values for the {@link Auditor} and the
 * {@link Disassembler}. The arithmetic and the comparisons themselves are {@link #alu} and
 * {@link #test}; domains use them for what they know exactly.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /** Whether a condition holds: for abstract values, possibly not known. */
    public enum Truth {
        TRUE, FALSE, UNKNOWN;

        public static Truth of(boolean b) {
            return b ? TRUE : FALSE;
        }
    }

    /** The values a run computes with, and what each operation does on them. */
    public interface Domain<V> {
        V constant(int k);

        /** {@code BPF_LD|BPF_W|BPF_ABS}: the seccomp_data word at {@code offset}. */
        V load(int offset);

        /** {@code A op operand} for {@link Bpf#ADD} .. {@link Bpf#XOR}; {@link Bpf#NEG} ignores the operand. */
        V alu(int op, V a, V operand);

        /** Whether {@code A op operand} holds for {@link Bpf#JEQ}, {@link Bpf#JGT}, {@link Bpf#JGE}, {@link Bpf#JSET}. */
        Truth test(int op, V a, V operand);

        Truth isZero(V v);
    }

    /** A, X and the sixteen scratch words. Immutable. */
    public record Regs<V>(V a, V x, List<V> mem) {
        public Regs {
            mem = List.copyOf(mem); // no copy when it already is one: the steps pass theirs on
        }

        /** The kernel starts a filter with A = X = 0; scratch words are read only after a write. */
        public static <V> Regs<V> initial(V zero) {
            return new Regs<>(zero, zero, Collections.nCopies(MEMWORDS, zero));
        }

        Regs<V> withA(V v) {
            return new Regs<>(v, x, mem);
        }

        Regs<V> withX(V v) {
            return new Regs<>(a, v, mem);
        }

        Regs<V> store(int slot, V v) {
            List<V> m = new ArrayList<>(mem);
            m.set(slot, v);
            return new Regs<>(a, x, List.copyOf(m));
        }
    }

    /** Where one instruction leads. */
    public sealed interface Step<V> {
    }

    /**
     * On to {@code pc} (the next instruction, a JA's target, or the one way a decided
     * conditional jump goes). {@code mayReturnZero}: a division by an X not known to be
     * non-zero, which in the kernel ends the program with 0 when X is zero.
     */
    public record Goto<V>(int pc, Regs<V> regs, boolean mayReturnZero) implements Step<V> {
    }

    /** A conditional jump whose outcome the domain does not know: both ways are possible. */
    public record Fork<V>(int op, V a, V operand, int taken, int notTaken, Regs<V> regs) implements Step<V> {
    }

    /** The program ends with this value. */
    public record Return<V>(V value) implements Step<V> {
    }

    /** Where the instruction at {@code pc} of a verified program leads from {@code r}. */
    public static <V> Step<V> step(Program p, int pc, Regs<V> r, Domain<V> d) {
        Insn in = p.get(pc);
        int code = in.code();
        int k = in.k();
        return switch (cls(code)) {
            case LD -> new Goto<>(pc + 1, r.withA(switch (mode(code)) {
                case ABS -> d.load(k);
                case IMM -> d.constant(k);
                case LEN -> d.constant(SeccompData.SIZE);
                default -> r.mem().get(k); // MEM: the verifier allows no other mode
            }), false);
            case LDX -> new Goto<>(pc + 1, r.withX(switch (mode(code)) {
                case IMM -> d.constant(k);
                case LEN -> d.constant(SeccompData.SIZE);
                default -> r.mem().get(k);
            }), false);
            case ST -> new Goto<>(pc + 1, r.store(k, r.a()), false);
            case STX -> new Goto<>(pc + 1, r.store(k, r.x()), false);
            case ALU -> {
                V operand = src(code) == X ? r.x() : d.constant(k);
                Truth zero = op(code) == DIV ? d.isZero(operand) : Truth.FALSE;
                if (zero == Truth.TRUE) {
                    // the kernel's classic-to-eBPF translation: "if (X == 0) return 0"
                    yield new Return<>(d.constant(0));
                }
                yield new Goto<>(pc + 1, r.withA(d.alu(op(code), r.a(), operand)), zero == Truth.UNKNOWN);
            }
            case MISC -> new Goto<>(pc + 1, miscop(code) == TAX ? r.withX(r.a()) : r.withA(r.x()), false);
            case JMP -> {
                if (op(code) == JA) {
                    yield new Goto<>(pc + 1 + k, r, false);
                }
                V operand = src(code) == X ? r.x() : d.constant(k);
                yield switch (d.test(op(code), r.a(), operand)) {
                    case TRUE -> new Goto<>(pc + 1 + in.jt(), r, false);
                    case FALSE -> new Goto<>(pc + 1 + in.jf(), r, false);
                    case UNKNOWN -> new Fork<>(op(code), r.a(), operand, pc + 1 + in.jt(), pc + 1 + in.jf(), r);
                };
            }
            default -> new Return<>(rval(code) == A ? r.a() : d.constant(k)); // RET
        };
    }

    /**
     * {@code a op b} on 32-bit words. Shifts by an X of 32 or more use the low five bits of
     * X, as the x86-64 and arm64 JITs do (C leaves it undefined; the verifier refuses such
     * constant shifts). The caller handles division by zero (see {@link #step}).
     */
    public static int alu(int op, int a, int b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> Integer.divideUnsigned(a, b);
            case OR -> a | b;
            case AND -> a & b;
            case XOR -> a ^ b;
            case LSH -> a << b;
            case RSH -> a >>> b;
            case NEG -> -a;
            default -> throw new IllegalArgumentException(String.format("ALU op 0x%x is not one seccomp allows", op));
        };
    }

    /** Whether {@code a op b} holds; the comparisons are unsigned. */
    public static boolean test(int op, int a, int b) {
        return switch (op) {
            case JEQ -> a == b;
            case JGT -> Integer.compareUnsigned(a, b) > 0;
            case JGE -> Integer.compareUnsigned(a, b) >= 0;
            case JSET -> (a & b) != 0;
            default -> throw new IllegalArgumentException(String.format("jump op 0x%x is not a comparison", op));
        };
    }

    /** Plain words, read from one {@link SeccompData}. */
    public static Domain<Integer> concrete(SeccompData data) {
        return new Domain<>() {
            @Override
            public Integer constant(int k) {
                return k;
            }

            @Override
            public Integer load(int offset) {
                return data.word(offset);
            }

            @Override
            public Integer alu(int op, Integer a, Integer operand) {
                return Interpreter.alu(op, a, operand);
            }

            @Override
            public Truth test(int op, Integer a, Integer operand) {
                return Truth.of(Interpreter.test(op, a, operand));
            }

            @Override
            public Truth isZero(Integer v) {
                return Truth.of(v == 0);
            }
        };
    }
}
