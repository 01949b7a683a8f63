package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CodeGen} against its contract, in the manner of Chromium's
 * {@code sandbox/linux/bpf_dsl/codegen_unittest.cc}: a test describes a graph of
 * instructions ({@link G}), CodeGen lays it out, and the program it emits must decide every
 * input as the graph does (evaluated here directly, on the graph) and have the expected
 * length: shared tails and folded instructions made once, far branches around the 255
 * limit through trampolines, tails that look alike but continue differently kept apart.
 */
class CodeGenTest {

    /** A graph of instructions: what a caller of CodeGen means. */
    sealed interface G {
    }

    record Ret(int k) implements G {
    }

    record Stmt(int code, int k, G next) implements G {
    }

    record Jump(int code, int k, G t, G f) implements G {
    }

    static G ret(int k) {
        return new Ret(k);
    }

    static G load(int offset, G next) {
        return new Stmt(LD | W | ABS, offset, next);
    }

    static G add(int k, G next) {
        return new Stmt(ALU | ADD | K, k, next);
    }

    static G jeq(int k, G t, G f) {
        return new Jump(JMP | JEQ | K, k, t, f);
    }

    /** The graph laid out by CodeGen, children first as CodeGen requires; identical subgraphs are one node. */
    static final class Layout {
        final CodeGen gen = new CodeGen();
        final Map<G, Integer> nodes = new HashMap<>();

        int emit(G g) {
            Integer known = nodes.get(g);
            if (known != null) {
                return known;
            }
            int node = switch (g) {
                case Ret r -> gen.ret(r.k());
                case Stmt s -> gen.stmt(s.code(), s.k(), emit(s.next()));
                case Jump j -> {
                    int f = emit(j.f());
                    int t = emit(j.t());
                    yield gen.jump(j.code(), j.k(), t, f);
                }
            };
            nodes.put(g, node);
            return node;
        }

        Program program(G entry) throws InvalidProgramException {
            return Program.of(gen.finish(emit(entry)));
        }
    }

    static Program compile(G g) throws InvalidProgramException {
        return new Layout().program(g);
    }

    /** The graph's own answer for one input: A = X = 0 at the start, as in the kernel. */
    static int eval(G g, SeccompData d) {
        int a = 0;
        while (true) {
            switch (g) {
                case Ret r -> {
                    return r.k();
                }
                case Stmt s -> {
                    a = s.code() == (LD | W | ABS) ? d.word(s.k()) : Interpreter.alu(op(s.code()), a, s.k());
                    g = s.next();
                }
                case Jump j -> g = Interpreter.test(op(j.code()), a, j.k()) ? j.t() : j.f();
            }
        }
    }

    /** The program decides like the graph on inputs that reach every comparison's both sides. */
    static void assertEquivalent(G g, Program p) {
        List<Integer> values = new ArrayList<>(List.of(0, 1, 2, 3, -1, 0x10, 0x40000000));
        collectConstants(g, values, new java.util.HashSet<>());
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            long[] args = new long[6];
            for (int j = 0; j < 6; j++) {
                args[j] = (values.get(rnd.nextInt(values.size())) & 0xFFFFFFFFL)
                        | ((long) values.get(rnd.nextInt(values.size())) << 32);
            }
            SeccompData d = new SeccompData(values.get(rnd.nextInt(values.size())),
                    values.get(rnd.nextInt(values.size())), 0, args);
            assertThat(Emulator.run(p, d)).as("input %s", d).isEqualTo(eval(g, d));
        }
    }

    private static void collectConstants(G g, List<Integer> out, java.util.Set<G> seen) {
        if (!seen.add(g)) {
            return;
        }
        switch (g) {
            case Ret r -> {
            }
            case Stmt s -> {
                out.add(s.k());
                collectConstants(s.next(), out, seen);
            }
            case Jump j -> {
                out.add(j.k());
                out.add(j.k() + 1);
                out.add(j.k() - 1);
                collectConstants(j.t(), out, seen);
                collectConstants(j.f(), out, seen);
            }
        }
    }

    static int countJa(Program p) {
        return (int) p.insns().stream().filter(in -> in.code() == (JMP | JA)).count();
    }

    @Test
    void oneInstruction() throws Exception {
        Program p = compile(ret(42));
        assertThat(p.insns()).containsExactly(Insn.stmt(RET | K, 42));
    }

    @Test
    void simpleBranch() throws Exception {
        G g = load(0, jeq(42, ret(1), ret(0)));
        Program p = compile(g);
        assertThat(p.insns()).containsExactly(Insn.stmt(LD | W | ABS, 0), Insn.jump(JMP | JEQ | K, 42, 0, 1),
                Insn.stmt(RET | K, 1), Insn.stmt(RET | K, 0));
        assertEquivalent(g, p);
    }

    @Test
    void aBranchWithOneTargetIsNoBranch() throws Exception {
        // Chromium's AtypicalBranch: both ways to the same node need no jump at all
        G g = load(0, jeq(42, ret(7), ret(7)));
        Program p = compile(g);
        assertThat(p.insns()).containsExactly(Insn.stmt(LD | W | ABS, 0), Insn.stmt(RET | K, 7));
        assertEquivalent(g, p);
    }

    @Test
    void instructionFolding() throws Exception {
        // the same instruction with the same successor, asked for twice, is one node
        CodeGen gen = new CodeGen();
        int r = gen.ret(1);
        int a = gen.stmt(ALU | ADD | K, 5, r);
        assertThat(gen.stmt(ALU | ADD | K, 5, r)).isEqualTo(a);
        assertThat(gen.ret(1)).isEqualTo(r);
        int j = gen.jump(JMP | JEQ | K, 3, a, r);
        assertThat(gen.jump(JMP | JEQ | K, 3, a, r)).isEqualTo(j);
        assertThat(gen.size()).isEqualTo(3);
        // in a graph: two equal subtrees behind different jumps become one
        G tail = add(1, jeq(9, ret(1), ret(2)));
        G g = load(0, jeq(1, tail, jeq(2, tail, ret(3))));
        Program p = compile(g);
        assertThat(p.length()).isEqualTo(8); // load, 2 jumps, tail (add, jump), 3 RETs
        assertEquivalent(g, p);
    }

    @Test
    void jumpReuseSharesIdenticalTails() throws Exception {
        // ten comparisons that all end in the same two returns: the returns are made once
        G g = ret(0);
        for (int i = 10; i > 0; i--) {
            g = jeq(i, ret(100), g);
        }
        g = load(0, g);
        Program p = compile(g);
        assertThat(p.length()).isEqualTo(1 + 10 + 2);
        assertEquivalent(g, p);
    }

    @Test
    void confusingTails() throws Exception {
        // Chromium's crbug.com/351103: the two "A = nr" look alike but continue differently,
        // so they must not be merged
        G g = load(4, jeq(1, load(0, jeq(2, load(0, jeq(1, ret(0), ret(1))), ret(1))), ret(1)));
        Program p = compile(g);
        assertEquivalent(g, p);
        assertThat(p.insns().stream().filter(in -> in.code() == (LD | W | ABS) && in.k() == 0).count()).isEqualTo(2);
    }

    @Test
    void confusingTailsMergeable() throws Exception {
        // the same shape where the two tails do continue alike: then they are one
        G tail = load(0, jeq(2, ret(0), ret(1)));
        G g = load(4, jeq(1, tail, add(0, tail)));
        Program p = compile(g);
        assertEquivalent(g, p);
        assertThat(p.insns().stream().filter(in -> in.code() == (LD | W | ABS) && in.k() == 0).count()).isEqualTo(1);
    }

    /** A jump over {@code n} straight-line instructions to a load: {@code if (nr == 1) goto L; n ADDs; L: ...}. */
    static G farBranch(int n, G target) {
        G chain = target;
        for (int i = 0; i < n; i++) {
            chain = add(i + 1, chain);
        }
        return load(0, jeq(1, target, chain));
    }

    @ParameterizedTest(name = "{0} instructions between the jump and its target")
    @ValueSource(ints = {253, 254, 255, 256, 257, 600})
    void farBranchesAroundThe255Limit(int n) throws Exception {
        // the target is not a RET: beyond 255 the jump goes through a JA
        G target = load(16, jeq(7, ret(1), ret(2)));
        G g = farBranch(n, target);
        Program p = compile(g);
        assertEquivalent(g, p);
        int direct = 1 + 1 + n + 4;
        assertThat(countJa(p)).as("JA only past the limit").isEqualTo(n > 255 ? 1 : 0);
        assertThat(p.length()).isEqualTo(direct + countJa(p));
    }

    @ParameterizedTest(name = "{0} instructions between the jump and its RET")
    @ValueSource(ints = {254, 255, 256, 300})
    void aFarReturnIsCopiedNotJumpedTo(int n) throws Exception {
        G g = farBranch(n, ret(9));
        Program p = compile(g);
        assertEquivalent(g, p);
        assertThat(countJa(p)).isZero();
        long rets = p.insns().stream().filter(in -> in.equals(Insn.stmt(RET | K, 9))).count();
        assertThat(rets).isEqualTo(n > 255 ? 2 : 1);
    }

    @Test
    void farJumpsToOnePlaceShareOneTrampoline() throws Exception {
        // three jumps, close to each other, all more than 255 instructions from one target
        G target = load(16, jeq(7, ret(1), ret(2)));
        G chain = target;
        for (int i = 0; i < 300; i++) {
            chain = add(i + 1, chain);
        }
        G g = load(0, jeq(1, target, jeq(2, target, jeq(3, target, chain))));
        Program p = compile(g);
        assertEquivalent(g, p);
        assertThat(countJa(p)).isEqualTo(1);
    }

    @Test
    void aStraightLineInstructionWhoseSuccessorIsNotNextGetsAJump() throws Exception {
        // the ADD's successor was made long before it (under other nodes): a JA bridges them
        G shared = load(16, jeq(5, ret(1), ret(2)));
        G g = load(0, jeq(1, shared, jeq(2, add(1, shared), ret(3))));
        Program p = compile(g);
        assertEquivalent(g, p);
    }

    @Test
    void holdingSkipsTheTargetsOwnLoadOfThatWord() {
        CodeGen gen = new CodeGen();
        int r1 = gen.ret(1);
        int r2 = gen.ret(2);
        int test = gen.jump(JMP | JEQ | K, 5, r1, r2);
        int load = gen.load(16, test);
        assertThat(gen.holding(16, load)).as("A holds args[0]: go straight to the test").isEqualTo(test);
        assertThat(gen.holding(20, load)).as("A holds another word: the load is needed").isEqualTo(load);
        assertThat(gen.holding(16, test)).as("not a load").isEqualTo(test);
        // the successor is recorded, not inferred from numbering: a load made apart from its test
        int other = gen.ret(3);
        int load2 = gen.load(24, test); // its successor is not adjacent: a JA is made in between
        assertThat(gen.size()).isGreaterThan(other + 2);
        assertThat(gen.holding(24, load2)).isEqualTo(test);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomGraphsCompileToEquivalentPrograms(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<G> pool = new ArrayList<>(IntStream.range(0, 4).mapToObj(CodeGenTest::ret).toList());
        for (int i = 0; i < 400; i++) {
            G pick = pool.get(rnd.nextInt(Math.max(1, pool.size() - 40), pool.size()));
            G far = pool.get(rnd.nextInt(pool.size()));
            G made = switch (rnd.nextInt(4)) {
                case 0 -> load(rnd.nextInt(16) * 4, pick);
                case 1 -> add(rnd.nextInt(3), pick);
                case 2 -> new Jump(JMP | (rnd.nextBoolean() ? JGE : JSET) | K, rnd.nextInt(8), pick, far);
                default -> jeq(rnd.nextInt(8), far, pick);
            };
            pool.add(made);
        }
        G g = pool.getLast();
        Program p = compile(g);
        assertEquivalent(g, p);
    }
}
