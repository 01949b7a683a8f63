package dev.jbox.seccomp;

import dev.jbox.testing.Matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.arch.Syscall;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.policy.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of jbox's compiler against libseccomp 2.5.4 (Debian's python3-seccomp):
 * the same policy is compiled by both, and both programs run through jbox's {@link Emulator}
 * over a large grid of (arch, nr, args) inputs. Every verdict of jbox's program is also
 * checked against {@link Reference#decide}, which decides which side is wrong when they
 * disagree.
 *
 * <p>The translation of a jbox {@link Policy} into libseccomp's terms ({@link Translation})
 * follows jbox's semantics exactly where libseccomp can express them:
 * <ul>
 *   <li>first match wins per syscall: the effective rule list of each syscall is computed
 *       first (rules after an unconditional one dropped, trailing rules with the fallback's
 *       action dropped, an effective action equal to the default not emitted at all, since
 *       libseccomp refuses it);
 *   <li>an argument narrower than 64 bits ({@link ArgTypes#width}) is compared by jbox on its
 *       low bits only, while libseccomp compares all 64: EQ and MASKED_EQ become MASKED_EQ
 *       with the width's mask;
 *   <li>on the compat ABIs (i386, arm) every argument is 32 bits on both sides (libseccomp
 *       reads only the low word on a 32-bit arch), so every operator translates, with the
 *       value cut to 32 bits;
 *   <li>the multiplexers (socketcall, ipc) that jbox answers with ENOSYS when the policy
 *       filters a call they multiplex become explicit ENOSYS rules.
 * </ul>
 * What libseccomp cannot express literally (several conditions on one argument in one rule,
 * ordered comparisons of a 32-bit argument, conditional rules of different actions, a
 * conditional rule in front of an unconditional one) is, when every condition of the syscall
 * is on one argument, rewritten exactly: jbox's verdict as a function of that argument is a
 * step function, and each step whose action is not the default becomes a few MASKED_EQ
 * "prefix block" rules (disjoint, so libseccomp's rule order does not matter). Such syscalls
 * are listed by name in {@link #REWRITTEN_AS_PREFIX_BLOCKS}; strict's and dev's socket family
 * set and personality set are the cases. Anything else is excluded by name
 * ({@link #EXCLUDED_SYSCALLS}) and checked only against the reference.
 *
 * <p>Input classes excluded from the jbox-vs-libseccomp comparison, by name (each is still
 * checked: jbox against the reference, libseccomp against its own documented behaviour):
 * <ul>
 *   <li>{@link InputClass#X32_NUMBER}: on x86_64, {@code nr} in [0x40000000, 0xFFFFFFFE].
 *       jbox answers ENOSYS ({@link Policy#X32_ACTION}), as a kernel without x32 does;
 *       libseccomp 2.5.4 (without x32 in the filter) returns the bad-arch action. Both treat
 *       0xFFFFFFFF (a tracer's "skip") as an ordinary number, so it is compared.
 *   <li>{@link InputClass#FUTURE_NUMBER}: a number above the ABI's table when the policy has
 *       {@code future_syscalls}: libseccomp has no notion of "newer than my table" and gives
 *       the default action.
 *   <li>{@link InputClass#EXCLUDED_SYSCALL}: the numbers of {@link #EXCLUDED_SYSCALLS}.
 * </ul>
 *
 * <p>Random policies are drawn from what both sides express literally (one unconditional rule
 * per syscall, or conditional rules sharing one action; conditions on distinct arguments;
 * every operator on 64-bit arguments, EQ/MASKED_EQ on narrower ones) and run over inputs
 * biased towards their syscalls and values. Seeds are fixed and printed with any failure.
 */
class DifferentialLibseccompTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Syscalls of the presets that libseccomp 2.5.4 cannot take a rule for on some arch: it
     * reads the number given to add_rule_exactly() in the host's (x86_64's) numbering and
     * translates it by name, and it has no name for calls newer than itself. On the host
     * arch (x86_64) the number is taken as given, so there they are compared.
     */
    static final Set<String> EXCLUDED_SYSCALLS = Set.of(
            "open_tree_attr", "listns", "file_getattr", "file_setattr", "mseal", "uretprobe",
            "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
            "setxattrat", "getxattrat", "listxattrat", "removexattrat",
            "cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue",
            "statmount", "listmount");

    /** Syscalls of the presets translated by the exact prefix-block rewrite (see above). */
    static final Set<String> REWRITTEN_AS_PREFIX_BLOCKS = Set.of("socket", "personality");

    static final List<String> PRESETS = Profiles.PRESETS;
    static final int PRESET_MIN_INPUTS = 100_000;
    static final int RANDOM_POLICIES = 60;
    static final int RANDOM_INPUTS = 2_500;
    static final long SEED = 0x6A626F78_5EEDL; // "jbox" + seed

    /** (libseccomp arch name, number) pairs libseccomp cannot add a rule for. */
    static Set<String> unaddable;

    static final AtomicLong COMPARED = new AtomicLong();
    static final AtomicLong REFERENCE_CHECKED = new AtomicLong();
    static final Map<InputClass, AtomicLong> BY_CLASS = new ConcurrentHashMap<>();
    static final AtomicLong POLICIES = new AtomicLong();
    static final Set<String> SUMMARY = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

    enum InputClass { COMPARED, X32_NUMBER, FUTURE_NUMBER, EXCLUDED_SYSCALL }

    /** Every architecture jbox runs on: each gets the presets and random policies compared. */
    static final List<Arch> NATIVE = Matrix.NATIVE;

    @BeforeAll
    static void probeLibseccomp() throws Exception {
        Map<Arch, List<Integer>> nrs = new LinkedHashMap<>();
        for (Arch a : Matrix.NATIVE_AND_COMPAT) {
            nrs.put(a, a.syscalls().all().stream().map(Syscall::nr).toList());
        }
        unaddable = Libseccomp.unaddable(nrs);
    }

    @AfterAll
    static void summary() {
        StringBuilder sb = new StringBuilder("\n=== jbox vs libseccomp 2.5.4 differential ===\n");
        sb.append(String.format("policies: %d (%d presets x %d arches + random); each compiled by libseccomp"
                + " with CTL_OPTIMIZE=1 and =2%n", POLICIES.get(), PRESETS.size(), NATIVE.size()));
        sb.append(String.format("inputs compared with libseccomp (x2 programs): %,d%n", COMPARED.get()));
        sb.append(String.format("inputs checked against Reference.decide: %,d%n", REFERENCE_CHECKED.get()));
        for (InputClass c : InputClass.values()) {
            AtomicLong n = BY_CLASS.get(c);
            sb.append(String.format("  input class %-16s %,d%n", c, n == null ? 0 : n.get()));
        }
        for (String s : SUMMARY) {
            sb.append("  ").append(s).append('\n');
        }
        System.out.print(sb);
    }

    // ---- presets ---------------------------------------------------------------------------

    static Stream<Arguments> presets() {
        return PRESETS.stream().flatMap(p -> NATIVE.stream().map(a -> Arguments.of(p, a)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("presets")
    void presetAgreesWithLibseccomp(String preset, Arch arch) throws Exception {
        Policy policy = Profiles.builtin().resolve(preset);
        Translation t = Translation.of(policy, arch, unaddable);
        String what = preset + "/" + arch.id();
        for (var e : t.excluded.entrySet()) {
            for (var n : e.getValue().entrySet()) {
                SUMMARY.add(what + ": excluded " + e.getKey().id() + " " + n.getKey() + " (" + n.getValue() + ")");
            }
        }
        for (var e : t.rewritten.entrySet()) {
            SUMMARY.add(what + ": rewritten as prefix blocks on " + e.getKey().id() + ": " + e.getValue());
        }
        Set<String> excludedNames = new TreeSet<>();
        t.excluded.values().forEach(m -> excludedNames.addAll(m.keySet()));
        Set<String> rewrittenNames = new TreeSet<>();
        t.rewritten.values().forEach(rewrittenNames::addAll);
        assertThat(excludedNames)
                .as("syscalls of %s excluded from the differential: list them by name in EXCLUDED_SYSCALLS", what)
                .isSubsetOf(EXCLUDED_SYSCALLS);
        assertThat(rewrittenNames)
                .as("syscalls of %s rewritten as prefix blocks: list them in REWRITTEN_AS_PREFIX_BLOCKS", what)
                .isSubsetOf(REWRITTEN_AS_PREFIX_BLOCKS);

        Program ours = Compiler.compile(policy, arch);
        List<Program> theirs = Libseccomp.compile(List.of(t.json(1), t.json(2)));
        POLICIES.incrementAndGet();

        SplittableRandom rnd = new SplittableRandom(SEED ^ what.hashCode());
        List<SeccompData> grid = Inputs.presetGrid(policy, arch, rnd, PRESET_MIN_INPUTS);
        assertThat(grid.size()).isGreaterThanOrEqualTo(PRESET_MIN_INPUTS);
        Checker c = new Checker(what + " (seed " + Long.toHexString(SEED ^ what.hashCode()) + ")", policy, arch, t,
                ours, theirs);
        grid.forEach(c::check);
        c.assertNoMismatch();
    }

    // ---- random policies -------------------------------------------------------------------

    @ParameterizedTest(name = "random policies on {0}")
    @MethodSource("dev.jbox.testing.Matrix#nativeArches")
    void randomPoliciesAgreeWithLibseccomp(Arch arch) throws Exception {
        long seed = SEED + arch.ordinal();
        SplittableRandom rnd = new SplittableRandom(seed);
        RandomPolicies gen = new RandomPolicies(rnd); // shares rnd: policies and inputs draw from one stream
        List<Policy> policies = new ArrayList<>();
        List<Translation> ts = new ArrayList<>();
        List<String> json = new ArrayList<>();
        for (int i = 0; i < RANDOM_POLICIES; i++) {
            Policy p = gen.expressible(arch, i, DifferentialLibseccompTest::addable);
            Translation t = Translation.of(p, arch, unaddable);
            assertThat(t.excluded).as("random policy %d (seed %x) must be expressible: %s", i, seed, p).isEmpty();
            assertThat(t.rewritten).as("random policy %d (seed %x) must translate literally: %s", i, seed, p).isEmpty();
            policies.add(p);
            ts.add(t);
            json.add(t.json(1));
            json.add(t.json(2));
        }
        List<Program> progs = Libseccomp.compile(json);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            Policy p = policies.get(i);
            POLICIES.incrementAndGet();
            Checker c = new Checker("random policy " + i + " on " + arch.id() + " (seed " + Long.toHexString(seed)
                    + ")", p, arch, ts.get(i), Compiler.compile(p, arch), progs.subList(2 * i, 2 * i + 2));
            Inputs.biased(p, arch, rnd, RANDOM_INPUTS).forEach(c::check);
            if (failures.size() < 40) {
                failures.addAll(c.failures);
            }
        }
        if (!failures.isEmpty()) {
            fail("disagreements:\n" + String.join("\n", failures));
        }
    }

    // ---- the libseccomp bug random policies steer around -------------------------------------

    /**
     * SHARED_ARGUMENT_BUG, found by this test: libseccomp 2.5.4 can compare an argument that
     * two rules of one syscall test without reloading it, so the comparison runs on whatever
     * word the other rule left in A. Two minimal reproductions (both rules with one action,
     * default ALLOW/LOG, so libseccomp's and jbox's semantics agree):
     * <ul>
     *   <li>x86_64 vfork: ERRNO(EPERM) if {@code arg1 >= 0x100000000}, ERRNO(EPERM) if
     *       {@code arg1 <= 5}; {@code vfork(0, 0xffffffff)} must be allowed. libseccomp's
     *       program compares the low word 0xffffffff with the high-word constant of the other
     *       rule ({@code if (A > 0x1)}) and returns EPERM.
     *   <li>arm getegid: KILL_THREAD if {@code arg3 == 0}, KILL_THREAD if
     *       {@code (arg4 & 1) == 1 && arg3 != 0x20000}; with arg3 = 5, arg4 = 0 neither rule
     *       matches (LOG), but after the failed {@code (arg4 & 1) == 1} libseccomp runs the
     *       first rule's {@code == 0} on A = {@code args[4] & 1} = 0 instead of on args[3],
     *       and returns KILL_THREAD.
     * </ul>
     * jbox must get both right; libseccomp's answer is reported (if a newer libseccomp fixes
     * it, the restriction in {@link RandomPolicies#expressible} can be lifted).
     */
    @org.junit.jupiter.api.Test
    void sharedArgumentReproductions() throws Exception {
        Policy vfork = new Policy("shared-arg-x86_64", Action.ALLOW, List.of(
                Rule.of("vfork", Action.errno(1), Condition.of(1, Op.GE, 1L << 32)),
                Rule.of("vfork", Action.errno(1), Condition.of(1, Op.LE, 5))),
                ArchScope.NATIVE, Optional.empty(), Action.KILL_PROCESS);
        Policy getegid = new Policy("shared-arg-arm", Action.LOG, List.of(
                Rule.of("getegid", Action.KILL_THREAD, Condition.of(3, Op.EQ, 0)),
                Rule.of("getegid", Action.KILL_THREAD, Condition.masked(4, 1, 1), Condition.of(3, Op.NE, 0x20000))),
                ArchScope.NATIVE_COMPAT, Optional.empty(), Action.KILL_PROCESS);
        record Case(Policy p, Arch nat, Arch abi, String name, long[] args) {
        }
        List<Case> cases = List.of(
                new Case(vfork, Arch.X86_64, Arch.X86_64, "vfork", new long[] {0, 0xFFFFFFFFL, 0, 0, 0, 0}),
                new Case(getegid, Arch.AARCH64, Arch.ARM, "getegid", new long[] {0, 0, 0, 5, 0, 0}));
        List<String> json = new ArrayList<>();
        for (Case c : cases) {
            json.add(Translation.of(c.p(), c.nat(), unaddable).json(1));
        }
        List<Program> theirs = Libseccomp.compile(json);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            SeccompData d = new SeccompData(c.abi().syscalls().number(c.name()).getAsInt(), c.abi().auditArch(), 0,
                    c.args());
            Action ref = Reference.decide(c.p(), c.nat(), d.arch(), d.nr(), d.args()).action();
            Action mine = Ret.decode(Emulator.run(Compiler.compile(c.p(), c.nat()), d));
            Action lib = Ret.decode(Emulator.run(theirs.get(i), d));
            assertThat(mine).as("jbox on %s %s", c.p().name(), hex(c.args())).isEqualTo(ref);
            SUMMARY.add("SHARED_ARGUMENT_BUG " + c.p().name() + " " + c.name() + hex(c.args()) + ": reference " + ref
                    + ", jbox " + mine + ", libseccomp 2.5.4 " + lib
                    + (lib.equals(ref) ? " (libseccomp agrees: the bug is fixed here)" : " (libseccomp is wrong)"));
        }
    }

    // ---- checking --------------------------------------------------------------------------

    static final class Checker {
        final String what;
        final Policy policy;
        final Arch arch;
        final Translation t;
        final Program ours;
        final List<Program> theirs;
        final List<String> failures = new ArrayList<>();
        int mismatches;

        Checker(String what, Policy policy, Arch arch, Translation t, Program ours, List<Program> theirs) {
            this.what = what;
            this.policy = policy;
            this.arch = arch;
            this.t = t;
            this.ours = ours;
            this.theirs = theirs;
        }

        void check(SeccompData d) {
            Action mine = Ret.decode(Emulator.run(ours, d));
            Action ref = Reference.decide(policy, arch, d.arch(), d.nr(), d.args()).action();
            REFERENCE_CHECKED.incrementAndGet();
            InputClass cls = t.classify(d.arch(), d.nr());
            BY_CLASS.computeIfAbsent(cls, k -> new AtomicLong()).incrementAndGet();
            if (!mine.equals(ref)) {
                fail1(d, "jbox's program says " + mine + ", Reference.decide says " + ref, mine, ref);
                return;
            }
            Action expectedTheirs = switch (cls) {
                case COMPARED -> mine;
                case X32_NUMBER -> policy.badArchAction();
                case FUTURE_NUMBER -> policy.defaultAction();
                case EXCLUDED_SYSCALL -> null;
            };
            if (cls == InputClass.COMPARED) {
                COMPARED.incrementAndGet();
            }
            if (expectedTheirs == null) {
                return;
            }
            for (int i = 0; i < theirs.size(); i++) {
                Action lib = Ret.decode(Emulator.run(theirs.get(i), d));
                if (!lib.equals(expectedTheirs)) {
                    fail1(d, "libseccomp (CTL_OPTIMIZE=" + (i + 1) + ") says " + lib + ", expected " + expectedTheirs
                            + " [" + cls + "]", mine, ref);
                }
            }
        }

        private void fail1(SeccompData d, String msg, Action mine, Action ref) {
            mismatches++;
            if (failures.isEmpty()) {
                failures.add(String.format("%s:%n  policy: %s%n  libseccomp json: %s", what, policy, t.json(2)));
            }
            if (failures.size() < 12) {
                failures.add(String.format("  %s: arch=0x%08x nr=%d (0x%x) args=%s: %s (jbox %s, reference %s)",
                        what, d.arch(), d.nr(), d.nr(), hex(d.args()), msg, mine, ref));
            }
        }

        void assertNoMismatch() {
            if (mismatches > 0) {
                fail(mismatches + " disagreements; first ones:\n" + String.join("\n", failures));
            }
        }
    }

    static String hex(long[] args) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
        }
        return sb.append(']').toString();
    }

    // ---- translation -----------------------------------------------------------------------

    /** One libseccomp rule: on one ABI, one number, one action, conditions in libseccomp's terms. */
    record LsRule(Arch abi, int nr, Action action, List<Condition> conditions) {
    }

    /** A jbox policy in libseccomp's terms, with what could not be expressed. */
    static final class Translation {
        final Policy policy;
        final Arch nativeArch;
        final List<Arch> abis = new ArrayList<>();
        final List<LsRule> rules = new ArrayList<>();
        /** abi -> syscall name -> why it is not in libseccomp's program. */
        final Map<Arch, Map<String, String>> excluded = new EnumMap<>(Arch.class);
        /** abi -> syscall names translated by the prefix-block rewrite. */
        final Map<Arch, Set<String>> rewritten = new EnumMap<>(Arch.class);

        private Translation(Policy policy, Arch nativeArch) {
            this.policy = policy;
            this.nativeArch = nativeArch;
        }

        /** The script's name for an ABI: libseccomp's, lower-case, without SCMP_ARCH_ ("x86_64", "x86", ...). */
        static String lsArch(Arch a) {
            return a.libseccompName().substring("SCMP_ARCH_".length()).toLowerCase(java.util.Locale.ROOT);
        }

        static Translation of(Policy p, Arch nativeArch, Set<String> unaddable) {
            Translation t = new Translation(p, nativeArch);
            t.abis.add(nativeArch);
            if (p.scope() == ArchScope.NATIVE_COMPAT) {
                nativeArch.compat().ifPresent(t.abis::add);
            }
            Set<String> names = new LinkedHashSet<>();
            p.rules().forEach(r -> names.add(r.syscall()));
            for (Arch abi : t.abis) {
                for (String name : names) {
                    var nr = abi.syscalls().number(name);
                    if (nr.isPresent()) {
                        t.translate(abi, name, nr.getAsInt(), unaddable);
                    }
                }
                for (var m : Policy.MULTIPLEXERS.entrySet()) {
                    var nr = abi.syscalls().number(m.getKey());
                    if (nr.isPresent() && !names.contains(m.getKey())
                            && m.getValue().stream().anyMatch(names::contains)
                            && !Policy.MULTIPLEXER_ACTION.equals(p.defaultAction())) {
                        t.add(abi, m.getKey(), nr.getAsInt(), unaddable,
                                List.of(new LsRule(abi, nr.getAsInt(), Policy.MULTIPLEXER_ACTION, List.of())), false);
                    }
                }
            }
            return t;
        }

        private void translate(Arch abi, String name, int nr, Set<String> unaddable) {
            Action deflt = policy.defaultAction();
            List<Rule> checked = new ArrayList<>();
            Action fallback = deflt;
            for (Rule r : policy.rulesFor(name)) {
                if (r.unconditional()) {
                    fallback = r.action();
                    break;
                }
                checked.add(r);
            }
            while (!checked.isEmpty() && checked.getLast().action().equals(fallback)) {
                checked.removeLast();
            }
            if (checked.isEmpty()) {
                if (!fallback.equals(deflt)) {
                    add(abi, name, nr, unaddable, List.of(new LsRule(abi, nr, fallback, List.of())), false);
                }
                return;
            }
            List<LsRule> direct = direct(abi, name, nr, checked, fallback);
            if (direct != null) {
                add(abi, name, nr, unaddable, direct, false);
                return;
            }
            List<LsRule> blocks = prefixBlocks(abi, name, nr, checked, fallback);
            if (blocks != null) {
                add(abi, name, nr, unaddable, blocks, true);
                return;
            }
            excluded.computeIfAbsent(abi, a -> new TreeMap<>()).put(name,
                    "conditions on several arguments that libseccomp cannot express literally");
        }

        private void add(Arch abi, String name, int nr, Set<String> unaddable, List<LsRule> rs, boolean rewrite) {
            if (rs.isEmpty()) {
                return;
            }
            if (unaddable.contains(lsArch(abi) + ":" + nr)) {
                excluded.computeIfAbsent(abi, a -> new TreeMap<>()).put(name,
                        "libseccomp 2.5.4 cannot add a rule for " + abi.id() + " syscall " + nr
                                + (abi == Arch.X86_64 ? "" : " (not the host arch, and a name it does not know)"));
                return;
            }
            rules.addAll(rs);
            if (rewrite) {
                rewritten.computeIfAbsent(abi, a -> new TreeSet<>()).add(name);
            }
        }

        static int width(Arch abi, String name, int arg) {
            return abi.is64Bit() ? ArgTypes.width(abi, name, arg) : 32;
        }

        /** The literal translation, or null when libseccomp cannot express it literally. */
        private List<LsRule> direct(Arch abi, String name, int nr, List<Rule> checked, Action fallback) {
            if (!fallback.equals(policy.defaultAction())) {
                return null;
            }
            Action a = checked.getFirst().action();
            List<LsRule> out = new ArrayList<>();
            for (Rule r : checked) {
                if (!r.action().equals(a)) {
                    return null;
                }
                Set<Integer> args = new HashSet<>();
                List<Condition> cs = new ArrayList<>();
                for (Condition c : r.conditions()) {
                    if (!args.add(c.arg())) {
                        return null; // libseccomp: one condition per argument per rule
                    }
                    Condition lc = literal(abi, name, c);
                    if (lc == null) {
                        return null;
                    }
                    cs.add(lc);
                }
                out.add(new LsRule(abi, nr, a, cs));
            }
            return out;
        }

        /** A condition as libseccomp must see it to compare like jbox, or null. */
        static Condition literal(Arch abi, String name, Condition c) {
            int w = width(abi, name, c.arg());
            if (w >= 64) {
                return c;
            }
            long wm = (1L << w) - 1;
            if (!abi.is64Bit()) {
                // libseccomp reads only the low word on a 32-bit arch: every operator works
                return c.op() == Op.MASKED_EQ ? Condition.masked(c.arg(), c.mask() & wm, c.value() & wm)
                        : Condition.of(c.arg(), c.op(), c.value() & wm);
            }
            return switch (c.op()) {
                case EQ -> Condition.masked(c.arg(), wm, c.value() & wm);
                case MASKED_EQ -> Condition.masked(c.arg(), c.mask() & wm, c.value() & wm);
                default -> null; // libseccomp compares 64 bits: an ordered test of the low bits is inexpressible
            };
        }

        /**
         * The exact rewrite when every condition is on one argument and is an interval test:
         * jbox's verdict is a step function of that argument's low {@code width} bits; each
         * step not decided by the default becomes disjoint MASKED_EQ prefix blocks.
         */
        private List<LsRule> prefixBlocks(Arch abi, String name, int nr, List<Rule> checked, Action fallback) {
            Set<Integer> argSet = new HashSet<>();
            checked.forEach(r -> r.conditions().forEach(c -> argSet.add(c.arg())));
            if (argSet.size() != 1) {
                return null;
            }
            int arg = argSet.iterator().next();
            int w = width(abi, name, arg);
            long wm = w >= 64 ? -1L : (1L << w) - 1;
            TreeSet<Long> cuts = new TreeSet<>(Long::compareUnsigned);
            cuts.add(0L);
            for (Rule r : checked) {
                for (Condition c : r.conditions()) {
                    if (c.op() == Op.MASKED_EQ && (c.mask() & wm) != wm) {
                        return null; // not an interval test
                    }
                    long v = c.value() & wm;
                    cuts.add(v);
                    if (v != wm) {
                        cuts.add(v + 1);
                    }
                }
            }
            List<long[]> steps = new ArrayList<>(); // {lo, hi}
            List<Action> actions = new ArrayList<>();
            Long[] cs = cuts.toArray(new Long[0]);
            for (int i = 0; i < cs.length; i++) {
                long lo = cs[i];
                long hi = i + 1 < cs.length ? cs[i + 1] - 1 : wm;
                Action a = fallback;
                for (Rule r : checked) {
                    boolean all = true;
                    for (Condition c : r.conditions()) {
                        all &= c.op().test(lo, c.value() & wm, c.mask() & wm);
                    }
                    if (all) {
                        a = r.action();
                        break;
                    }
                }
                if (!actions.isEmpty() && actions.getLast().equals(a)) {
                    steps.getLast()[1] = hi;
                } else {
                    steps.add(new long[] {lo, hi});
                    actions.add(a);
                }
            }
            List<LsRule> out = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                if (actions.get(i).equals(policy.defaultAction())) {
                    continue;
                }
                for (long[] b : blocks(steps.get(i)[0], steps.get(i)[1], wm)) {
                    out.add(new LsRule(abi, nr, actions.get(i),
                            b[1] == 0 ? List.of() : List.of(Condition.masked(arg, b[1], b[0]))));
                }
            }
            return out;
        }

        /** [lo, hi] (unsigned, within width mask wm) as aligned blocks {value, mask}. */
        static List<long[]> blocks(long lo, long hi, long wm) {
            BigInteger l = new BigInteger(Long.toUnsignedString(lo));
            BigInteger h = new BigInteger(Long.toUnsignedString(hi));
            BigInteger full = new BigInteger(Long.toUnsignedString(wm));
            List<long[]> out = new ArrayList<>();
            while (l.compareTo(h) <= 0) {
                int k = l.signum() == 0 ? full.bitLength() : l.getLowestSetBit();
                while (k > 0 && l.add(BigInteger.ONE.shiftLeft(k)).subtract(BigInteger.ONE).compareTo(h) > 0) {
                    k--;
                }
                BigInteger size = BigInteger.ONE.shiftLeft(k);
                long mask = full.andNot(size.subtract(BigInteger.ONE)).longValue();
                out.add(new long[] {l.longValue(), mask});
                l = l.add(size);
            }
            return out;
        }

        /** Which comparison an input falls in (see the class comment). */
        InputClass classify(int auditArch, int nr) {
            long unr = nr & 0xFFFFFFFFL;
            Arch abi = null;
            if (auditArch == nativeArch.auditArch()) {
                if (nativeArch == Arch.X86_64 && unr >= 0x40000000L && unr != 0xFFFFFFFFL) {
                    return InputClass.X32_NUMBER;
                }
                abi = nativeArch;
            } else if (abis.size() > 1 && auditArch == abis.get(1).auditArch()) {
                abi = abis.get(1);
            }
            if (abi == null) {
                return InputClass.COMPARED;
            }
            Optional<String> name = abi.syscalls().name(nr);
            if (name.isEmpty()) {
                return policy.futureAction().isPresent() && unr > (abi.syscalls().maxNumber() & 0xFFFFFFFFL)
                        && unr != 0xFFFFFFFFL ? InputClass.FUTURE_NUMBER : InputClass.COMPARED;
            }
            return excluded.getOrDefault(abi, Map.of()).containsKey(name.get())
                    ? InputClass.EXCLUDED_SYSCALL : InputClass.COMPARED;
        }

        /** The policy description libseccomp_compile.py reads. */
        String json(int optimize) {
            StringBuilder sb = new StringBuilder();
            sb.append("{\"default\": ").append(u32(Ret.encode(policy.defaultAction())))
                    .append(", \"native_arch\": \"").append(lsArch(nativeArch)).append('"')
                    .append(", \"extra_arches\": [");
            for (int i = 1; i < abis.size(); i++) {
                sb.append(i > 1 ? ", " : "").append('"').append(lsArch(abis.get(i))).append('"');
            }
            sb.append("], \"bad_arch\": ").append(u32(Ret.encode(policy.badArchAction())))
                    .append(", \"optimize\": ").append(optimize).append(", \"rules\": [");
            for (int i = 0; i < rules.size(); i++) {
                LsRule r = rules.get(i);
                sb.append(i > 0 ? ", " : "").append("{\"nr\": {\"").append(lsArch(r.abi())).append("\": ")
                        .append(r.nr()).append("}, \"action\": ").append(u32(Ret.encode(r.action())))
                        .append(", \"args\": [");
                for (int j = 0; j < r.conditions().size(); j++) {
                    Condition c = r.conditions().get(j);
                    sb.append(j > 0 ? ", " : "").append("{\"arg\": ").append(c.arg())
                            .append(", \"op\": \"").append(c.op().name()).append("\", \"value\": ")
                            .append(Long.toUnsignedString(c.value())).append(", \"mask\": ")
                            .append(Long.toUnsignedString(c.mask())).append('}');
                }
                sb.append("]}");
            }
            return sb.append("]}").toString();
        }

        private static String u32(int v) {
            return Integer.toUnsignedString(v);
        }
    }

    // ---- libseccomp, through python3-seccomp ---------------------------------------------------

    static final class Libseccomp {
        private static Path script;

        static synchronized Path script() throws IOException {
            if (script == null) {
                if (!Files.isExecutable(PYTHON)) {
                    fail(PYTHON + " is missing: run scripts/test, which installs python3 and python3-seccomp");
                }
                Path dir = Files.createTempDirectory("jbox-libseccomp");
                dir.toFile().deleteOnExit();
                Path s = dir.resolve("libseccomp_compile.py");
                try (InputStream in = DifferentialLibseccompTest.class.getResourceAsStream("libseccomp_compile.py")) {
                    if (in == null) {
                        throw new IllegalStateException("missing test resource dev/jbox/seccomp/libseccomp_compile.py");
                    }
                    Files.copy(in, s);
                }
                s.toFile().deleteOnExit();
                script = s;
            }
            return script;
        }

        /** Runs the script with args, feeding stdin; returns stdout. */
        static String run(String stdin, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
            cmd.addAll(List.of(args));
            Path err = Files.createTempFile("jbox-libseccomp", ".err");
            Path out = Files.createTempFile("jbox-libseccomp", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("libseccomp_compile.py did not finish within 120 s");
                }
                String stderr = Files.readString(err);
                if (p.exitValue() == 3) {
                    fail("the python3 'seccomp' module (python3-seccomp) is missing: run scripts/test ("
                            + stderr.strip() + ")");
                }
                if (p.exitValue() != 0) {
                    fail("libseccomp_compile.py " + String.join(" ", args) + " exited " + p.exitValue() + ": " + stderr);
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(err);
                Files.deleteIfExists(out);
            }
        }

        /** "arch:nr" of every number libseccomp cannot add a rule for. */
        static Set<String> unaddable(Map<Arch, List<Integer>> nrs) throws Exception {
            StringBuilder sb = new StringBuilder("{\"arches\": {");
            int i = 0;
            for (var e : nrs.entrySet()) {
                sb.append(i++ > 0 ? ", " : "").append('"').append(Translation.lsArch(e.getKey())).append("\": ")
                        .append(e.getValue());
            }
            String out = run(sb.append("}}").toString(), "--probe");
            Set<String> bad = new HashSet<>();
            Matcher m = Pattern.compile("\"(\\w+)\": \\[([^\\]]*)\\]").matcher(out);
            while (m.find()) {
                for (String n : m.group(2).split(",")) {
                    if (!n.isBlank()) {
                        bad.add(m.group(1) + ":" + n.strip());
                    }
                }
            }
            return bad;
        }

        /** Compiles each policy description; fails on any refusal. */
        static List<Program> compile(List<String> jsons) throws Exception {
            Path dir = Files.createTempDirectory("jbox-libseccomp-batch");
            try {
                run("{\"policies\": [" + String.join(", ", jsons) + "]}", "--batch", dir.toString());
                List<Program> out = new ArrayList<>();
                for (int i = 0; i < jsons.size(); i++) {
                    Path err = dir.resolve(i + ".err");
                    if (Files.exists(err)) {
                        fail("libseccomp refused policy " + i + ": " + Files.readString(err) + "\n  json: " + jsons.get(i));
                    }
                    out.add(Program.fromBytes(Files.readAllBytes(dir.resolve(i + ".bpf"))));
                }
                return out;
            } finally {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    // ---- inputs ----------------------------------------------------------------------------

    static final class Inputs {
        static final int[] FOREIGN = {0, 0xFFFFFFFF, Arch.RISCV64.auditArch(), 0x4000003E, 0xC0000003, 0x80000028};

        /** Numbers every grid visits besides the tables. */
        static List<Integer> boundaryNrs(Arch abi, SplittableRandom rnd) {
            int max = abi.syscalls().maxNumber();
            List<Integer> out = new ArrayList<>(List.of(0, 1, max - 1, max, max + 1, max + 2, 0x3FF, 0x400,
                    0x0EFFFF, 0x0F0000, 0x0F0001, 0x0F0005, 0x0F0006, 0x0F0010, 0xFFFF, 0x10000,
                    0x3FFFFFFF, 0x40000000, 0x40000001, 0x40000000 + max, 0x40000200, 0x7FFFFFFF,
                    0x80000000, 0xBFFFFFFF, 0xC0000000, 0xFFFFFFFE, 0xFFFFFFFF, -2, -100));
            for (int i = 0; i < 64; i++) {
                out.add(i % 2 == 0 ? rnd.nextInt() : rnd.nextInt(max + 64));
            }
            return out;
        }

        /** Values worth trying for one argument given the conditions on it. */
        static long[] edgeValues(List<Condition> conds, SplittableRandom rnd) {
            Set<Long> v = new LinkedHashSet<>(List.of(0L, 1L, 2L, 0xFFFFFFFFL, -1L, 1L << 32, (1L << 32) | 1,
                    0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFF00000000L, Long.MIN_VALUE, Long.MAX_VALUE));
            for (Condition c : conds) {
                long x = c.value();
                for (long y : new long[] {x, x - 1, x + 1, x & 0xFFFFFFFFL, (x & 0xFFFFFFFFL) - 1, (x & 0xFFFFFFFFL) + 1,
                        x | 0xFFFFFFFF00000000L, x ^ (1L << 32), x | (1L << 63), x ^ 0xFFFFFFFF00000000L, ~x}) {
                    v.add(y);
                }
                if (c.op() == Op.MASKED_EQ) {
                    long m = c.mask();
                    v.add(m);
                    v.add(x | ~m);
                    v.add(x | (rnd.nextLong() & ~m));
                    v.add(x ^ Long.lowestOneBit(m));
                    v.add(x ^ Long.highestOneBit(m));
                    v.add(x ^ (1L << 32));
                }
            }
            for (int i = 0; i < 4; i++) {
                v.add(rnd.nextLong());
                v.add(rnd.nextLong() & 0xFFFFFFFFL);
            }
            return v.stream().mapToLong(Long::longValue).toArray();
        }

        /** Conditions per argument index of one syscall name (all rules). */
        static List<List<Condition>> condsByArg(Policy p, String name) {
            List<List<Condition>> out = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                out.add(new ArrayList<>());
            }
            for (Rule r : p.rulesFor(name)) {
                for (Condition c : r.conditions()) {
                    out.get(c.arg()).add(c);
                }
            }
            return out;
        }

        static long[] randomArgs(SplittableRandom rnd) {
            long[] a = new long[6];
            for (int i = 0; i < 6; i++) {
                a[i] = switch (rnd.nextInt(5)) {
                    case 0 -> 0;
                    case 1 -> rnd.nextLong();
                    case 2 -> rnd.nextLong() & 0xFFFFFFFFL;
                    case 3 -> -1L;
                    default -> rnd.nextInt(64);
                };
            }
            return a;
        }

        /** Args drawn from each argument's edge values (or random where nothing tests it). */
        static long[] edgeArgs(List<long[]> edges, SplittableRandom rnd) {
            long[] a = new long[6];
            for (int i = 0; i < 6; i++) {
                long[] e = edges.get(i);
                a[i] = e.length > 0 && rnd.nextInt(8) != 0 ? e[rnd.nextInt(e.length)] : randomArgs(rnd)[i];
            }
            return a;
        }

        static List<long[]> edges(Policy p, String name, SplittableRandom rnd) {
            List<long[]> out = new ArrayList<>();
            for (List<Condition> cs : condsByArg(p, name)) {
                out.add(cs.isEmpty() ? new long[0] : edgeValues(cs, rnd));
            }
            return out;
        }

        static List<Arch> abisOf(Arch nativeArch) {
            List<Arch> abis = new ArrayList<>(List.of(nativeArch));
            nativeArch.compat().ifPresent(abis::add);
            return abis;
        }

        /** The preset grid: every table number, boundaries, edge args, foreign arches. */
        static List<SeccompData> presetGrid(Policy p, Arch nativeArch, SplittableRandom rnd, int min) {
            List<SeccompData> out = new ArrayList<>();
            Set<String> conditional = new HashSet<>();
            p.rules().stream().filter(r -> !r.unconditional()).forEach(r -> conditional.add(r.syscall()));
            Set<Integer> allNrs = new LinkedHashSet<>();
            for (Arch abi : abisOf(nativeArch)) {
                abi.syscalls().all().forEach(s -> allNrs.add(s.nr()));
                allNrs.addAll(boundaryNrs(abi, rnd));
            }
            if (nativeArch == Arch.X86_64) {
                Arch.X32.syscalls().all().stream().filter(s -> rnd.nextInt(4) == 0).forEach(s -> allNrs.add(s.nr()));
            }
            for (Arch abi : abisOf(nativeArch)) {
                // every number under this arch value: args 0, random and edges
                for (int nr : allNrs) {
                    Optional<String> name = abi.syscalls().name(nr);
                    List<long[]> edges = name.map(n -> edges(p, n, rnd)).orElse(null);
                    boolean cond = name.isPresent() && conditional.contains(name.get());
                    int n = cond ? 6000 : 24;
                    out.add(new SeccompData(nr, abi.auditArch(), 0, new long[6]));
                    for (int i = 1; i < n; i++) {
                        long[] a = edges != null && i % 2 == 0 ? edgeArgs(edges, rnd) : randomArgs(rnd);
                        out.add(new SeccompData(nr, abi.auditArch(), rnd.nextLong(), a));
                    }
                }
            }
            for (int foreign : foreignArches(nativeArch, rnd)) {
                for (int nr : allNrs) {
                    if (rnd.nextInt(3) == 0) {
                        out.add(new SeccompData(nr, foreign, 0, randomArgs(rnd)));
                    }
                }
            }
            while (out.size() < min) {
                out.addAll(biased(p, nativeArch, rnd, 1000));
            }
            return out;
        }

        static List<Integer> foreignArches(Arch nativeArch, SplittableRandom rnd) {
            List<Integer> out = new ArrayList<>();
            for (Arch a : Arch.values()) {
                if (a.auditArch() != nativeArch.auditArch() && !out.contains(a.auditArch())) {
                    out.add(a.auditArch());
                }
            }
            for (int f : FOREIGN) {
                if (!out.contains(f)) {
                    out.add(f);
                }
            }
            out.add(rnd.nextInt());
            return out;
        }

        /** Inputs biased towards the policy's syscalls and condition values. */
        static List<SeccompData> biased(Policy p, Arch nativeArch, SplittableRandom rnd, int n) {
            List<Arch> abis = abisOf(nativeArch);
            List<String> names = p.rules().stream().map(Rule::syscall).distinct().toList();
            Map<String, List<long[]>> edges = new LinkedHashMap<>();
            for (String name : names) {
                edges.put(name, edges(p, name, rnd));
            }
            List<Integer> foreign = foreignArches(nativeArch, rnd);
            List<SeccompData> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int pick = rnd.nextInt(100);
                Arch abi = abis.get(rnd.nextInt(abis.size()));
                int audit = pick < 95 ? abi.auditArch() : foreign.get(rnd.nextInt(foreign.size()));
                int nr;
                long[] args;
                if (pick < 70 && !names.isEmpty()) {
                    String name = names.get(rnd.nextInt(names.size()));
                    nr = abi.syscalls().number(name).orElse(rnd.nextInt(abi.syscalls().maxNumber() + 2));
                    args = edgeArgs(edges.get(name), rnd);
                } else if (pick < 90) {
                    var all = abi.syscalls().all();
                    nr = all.get(rnd.nextInt(all.size())).nr();
                    args = randomArgs(rnd);
                } else {
                    List<Integer> b = boundaryNrs(abi, rnd);
                    nr = b.get(rnd.nextInt(b.size()));
                    args = randomArgs(rnd);
                }
                out.add(new SeccompData(nr, audit, rnd.nextLong(), args));
            }
            return out;
        }
    }

    // ---- random policies -------------------------------------------------------------------

    /** Whether libseccomp 2.5.4 can add a rule for {@code name} on every ABI of the scope. */
    static boolean addable(Arch arch, String name, ArchScope scope) {
        List<Arch> abis = new ArrayList<>(List.of(arch));
        if (scope == ArchScope.NATIVE_COMPAT) {
            arch.compat().ifPresent(abis::add);
        }
        for (Arch abi : abis) {
            var nr = abi.syscalls().number(name);
            if (nr.isPresent() && unaddable.contains(Translation.lsArch(abi) + ":" + nr.getAsInt())) {
                return false;
            }
        }
        return true;
    }
}
