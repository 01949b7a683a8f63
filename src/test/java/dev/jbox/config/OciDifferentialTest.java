package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.arch.Syscall;
import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.policy.Rule;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jbox's translation of Docker/OCI profiles against libseccomp 2.5.4's compilation of the
 * same JSON (built the way moby + runc build it, by {@code oci_libseccomp.py}): both programs
 * run through jbox's emulator over at least 100,000 inputs per profile on x86_64 (every
 * number of the x86_64 and i386 tables, numbers beyond them, x32 numbers, a foreign arch;
 * argument edge values for every syscall the profile filters by argument).
 *
 * <p>Inputs that differ by design are classified, counted and not compared:
 * <ul>
 *   <li>X32: x86_64 numbers in [0x40000000, 0xFFFFFFFE]. jbox refuses x32 (ENOSYS) even when
 *       the profile lists SCMP_ARCH_X32; libseccomp applies the profile's rules to it.
 *   <li>MULTIPLEXER: i386 socketcall/ipc when the profile filters a call they multiplex and
 *       does not name them. jbox answers ENOSYS (their arguments are behind a pointer);
 *       libseccomp turns each socket rule into a socketcall(SYS_SOCKET) rule without the
 *       argument conditions.
 *   <li>FOREIGN_LISTED: a call of another machine's architecture (aarch64, arm) that the
 *       profile's "architectures" lists: libseccomp adds a section for it, jbox builds the
 *       filter for this machine and answers it as a foreign architecture. Such calls cannot
 *       happen on an x86_64 machine.
 *   <li>UNKNOWN_TO_LIBSECCOMP: numbers whose name libseccomp 2.5.4 does not know (calls newer
 *       than it) and that the profile names: runc skips the name, jbox applies the rule.
 * </ul>
 * Arguments of C type int are generated with a zero upper half: there libseccomp's 64-bit
 * compare and jbox's 32-bit compare must agree; {@link #intArgumentHighBitsJboxIsStricter}
 * shows where they part.
 */
class OciDifferentialTest {

    static final long SEED = 0x6A626F78_0C1L;
    static final int MIN_INPUTS = 100_000;

    enum Cls { COMPARED, X32, MULTIPLEXER, UNKNOWN_TO_LIBSECCOMP, FOREIGN_LISTED }

    static Stream<String> ownProfiles() {
        return Stream.of("docker-all-fields.json", "oci-config.json");
    }

    static Path resource(String name) throws Exception {
        return Path.of(OciDifferentialTest.class.getResource("oci/" + name).toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownProfiles")
    void ownProfilesAgreeWithLibseccomp(String name) throws Exception {
        differential(resource(name));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docker-default.json", "podman-default.json"})
    void upstreamDefaultsAgreeWithLibseccomp(String name) throws Exception {
        var dir = OciLibseccomp.sharedProfiles();
        Assumptions.assumeTrue(dir.isPresent(),
                "../shared/data/profiles (Docker's and podman's default profiles, upstream data) is not beside the repository");
        differential(dir.get().resolve(name));
    }

    /** socket((1 << 32) | AF_VSOCK): the kernel creates an AF_VSOCK socket. */
    @Test
    void intArgumentHighBitsJboxIsStricter() throws Exception {
        Path docker = OciLibseccomp.sharedProfiles().map(d -> d.resolve("docker-default.json")).orElse(null);
        Path p = docker;
        if (p == null) {
            // without ../shared: the same kind of rule, written out (refuse AF_VSOCK by a 64-bit EQ)
            p = java.nio.file.Files.createTempFile("jbox-vsock", ".json");
            java.nio.file.Files.writeString(p, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"socket\"],"
                    + "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97,\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]}]}");
            p.toFile().deleteOnExit();
        }
        Policy policy = OciProfile.load(p, host()).policy();
        Program ours = Compiler.compile(policy, Arch.X86_64);
        Program theirs = OciLibseccomp.compile(p, 2);
        int socket = Arch.X86_64.syscalls().number("socket").getAsInt();
        long vsock = 40;
        long sneaky = (1L << 32) | vsock;
        SeccompData plain = SeccompData.of(Arch.X86_64, socket, vsock, 1, 0);
        SeccompData high = SeccompData.of(Arch.X86_64, socket, sneaky, 1, 0);
        // Both refuse the plain call...
        assertThat(Ret.decode(Emulator.run(ours, plain)).denies()).isTrue();
        assertThat(Ret.decode(Emulator.run(theirs, plain)).denies()).isTrue();
        // ...libseccomp compares 64 bits, so the same call with a high bit set gets through (it
        // is above 40: Docker's "value > 40 -> allow"), while jbox looks at the int the kernel uses.
        assertThat(Ret.decode(Emulator.run(ours, high))).isEqualTo(Ret.decode(Emulator.run(ours, plain)));
        assertThat(Ret.decode(Emulator.run(theirs, high))).isEqualTo(Action.ALLOW);
        if (docker != null) {
            System.out.println("docker-default.json: socket((1<<32)|AF_VSOCK): libseccomp "
                    + Ret.describe(Emulator.run(theirs, high)) + ", jbox " + Ret.describe(Emulator.run(ours, high)));
        }
    }

    static OciProfile.Host host() {
        return new OciProfile.Host(Arch.X86_64, System.getProperty("os.version"), Set.of());
    }

    static void differential(Path profile) throws Exception {
        OciProfile.Loaded loaded = OciProfile.load(profile, host());
        Policy policy = loaded.policy();
        Program ours = Compiler.compile(policy, Arch.X86_64);
        List<Program> theirs = List.of(OciLibseccomp.compile(profile, 1), OciLibseccomp.compile(profile, 2));

        Set<String> named = new HashSet<>();
        policy.rules().forEach(r -> named.add(r.syscall()));
        // numbers libseccomp 2.5.4 cannot name, per ABI, restricted to names the profile uses
        Map<Arch, Set<Integer>> unknown = new LinkedHashMap<>();
        Map<String, String> lsArch = Map.of("x86_64", "x86_64", "i386", "x86");
        Set<String> unknownNames = new TreeSet<>();
        for (Arch abi : List.of(Arch.X86_64, Arch.I386)) {
            List<Integer> nrs = abi.syscalls().all().stream().map(Syscall::nr).toList();
            Set<Integer> u = new HashSet<>();
            for (int nr : OciLibseccomp.unknown(lsArch.get(abi.id()), nrs)) {
                String n = abi.syscalls().name(nr).orElseThrow();
                if (named.contains(n)) {
                    u.add(nr);
                    unknownNames.add(abi.id() + ":" + n);
                }
            }
            unknown.put(abi, u);
        }

        // Another machine's architecture listed in "architectures": libseccomp adds its section,
        // jbox (whose filter is built for this machine) answers such calls as a foreign arch.
        Set<Integer> listedForeign = new HashSet<>();
        String text = java.nio.file.Files.readString(profile);
        if (!text.contains("\"archMap\"")) {
            if (text.contains("\"SCMP_ARCH_AARCH64\"")) {
                listedForeign.add(Arch.AARCH64.auditArch());
            }
            if (text.contains("\"SCMP_ARCH_ARM\"")) {
                listedForeign.add(Arch.ARM.auditArch());
            }
        }
        String what = profile.getFileName().toString();
        long seed = SEED ^ what.hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Cls, Integer> counts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Set<String> multiplexed = new TreeSet<>();
        int total = 0;
        for (Input in : grid(policy, rnd)) {
            total++;
            SeccompData d = in.data();
            int mine = Emulator.run(ours, d);
            Action ref = Reference.decide(policy, Arch.X86_64, d.arch(), d.nr(), d.args()).action();
            if (!Ret.decode(mine).equals(ref)) {
                failures.add(String.format("%s: jbox's program says %s, Reference.decide %s: arch=0x%08x nr=%d args=%s",
                        what, Ret.describe(mine), ref, d.arch(), d.nr(), hex(d.args())));
            }
            Cls cls = listedForeign.contains(d.arch()) ? Cls.FOREIGN_LISTED : classify(policy, unknown, d);
            counts.merge(cls, 1, Integer::sum);
            if (cls == Cls.MULTIPLEXER) {
                multiplexed.add(Arch.I386.syscalls().name(d.nr()).orElse("?"));
            }
            if (cls != Cls.COMPARED) {
                continue;
            }
            for (int i = 0; i < theirs.size(); i++) {
                int lib = Emulator.run(theirs.get(i), d);
                if (lib != mine && failures.size() < 30) {
                    String name = (d.arch() == Arch.I386.auditArch() ? Arch.I386 : Arch.X86_64).syscalls().name(d.nr())
                            .orElse("nr " + Integer.toUnsignedString(d.nr()));
                    failures.add(String.format("%s (seed %x): %s arch=0x%08x nr=%d args=%s: jbox %s, libseccomp"
                                    + " (CTL_OPTIMIZE=%d) %s", what, seed, name, d.arch(), d.nr(), hex(d.args()),
                            Ret.describe(mine), i + 1, Ret.describe(lib)));
                }
            }
        }
        System.out.printf("%n=== %s: jbox vs libseccomp 2.5.4 (x2 programs), seed %x ===%n", what, seed);
        System.out.printf("inputs: %,d; %s%n", total, counts);
        System.out.println("excluded by name, unknown to libseccomp 2.5.4: " + unknownNames);
        System.out.println("excluded by name, i386 multiplexers jbox answers ENOSYS: " + multiplexed);
        loaded.warnings().forEach(w -> System.out.println("warning: " + w));
        assertThat(total).isGreaterThanOrEqualTo(MIN_INPUTS);
        assertThat(counts.getOrDefault(Cls.COMPARED, 0)).isGreaterThan(MIN_INPUTS * 3 / 4);
        assertThat(failures).as("disagreements").isEmpty();
    }

    static Cls classify(Policy p, Map<Arch, Set<Integer>> unknown, SeccompData d) {
        long nr = d.nr() & 0xFFFFFFFFL;
        if (d.arch() == Arch.X86_64.auditArch()) {
            if (nr >= 0x40000000L && nr != 0xFFFFFFFFL) {
                return Cls.X32;
            }
            return unknown.get(Arch.X86_64).contains(d.nr()) ? Cls.UNKNOWN_TO_LIBSECCOMP : Cls.COMPARED;
        }
        if (d.arch() == Arch.I386.auditArch() && p.scope() == dev.jbox.policy.ArchScope.NATIVE_COMPAT) {
            String name = Arch.I386.syscalls().name(d.nr()).orElse("");
            if (Policy.MULTIPLEXERS.containsKey(name) && p.rulesFor(name).isEmpty()
                    && Policy.MULTIPLEXERS.get(name).stream().anyMatch(m -> !p.rulesFor(m).isEmpty())) {
                return Cls.MULTIPLEXER;
            }
            return unknown.get(Arch.I386).contains(d.nr()) ? Cls.UNKNOWN_TO_LIBSECCOMP : Cls.COMPARED;
        }
        return Cls.COMPARED;
    }

    record Input(SeccompData data) {
    }

    /** Every number of both tables, numbers around and beyond them, x32 numbers, a foreign arch. */
    static List<Input> grid(Policy p, SplittableRandom rnd) {
        List<Input> out = new ArrayList<>();
        for (Arch abi : List.of(Arch.X86_64, Arch.I386)) {
            List<Integer> nrs = new ArrayList<>();
            abi.syscalls().all().forEach(s -> nrs.add(s.nr()));
            int max = abi.syscalls().maxNumber();
            for (int k = 1; k <= 40; k++) {
                nrs.add(max + k);
            }
            nrs.addAll(List.of(1000, 4095, 0x3FFFFFFF, 0x7FFFFFFF, 0x80000000, -2, -1));
            for (int nr : nrs) {
                String name = abi.syscalls().name(nr).orElse(null);
                List<Rule> rules = name == null ? List.of() : p.rulesFor(name);
                boolean conditional = rules.stream().anyMatch(r -> !r.unconditional());
                int n = conditional ? 2500 : 100;
                List<Set<Long>> interesting = interesting(rules);
                for (int i = 0; i < n; i++) {
                    out.add(new Input(new SeccompData(nr, abi.auditArch(), rnd.nextLong(),
                            args(abi, name, interesting, rnd, i))));
                }
            }
        }
        for (var s : Arch.X32.syscalls().all()) {
            out.add(new Input(new SeccompData(s.nr(), Arch.X86_64.auditArch(), 0, new long[6])));
        }
        for (int i = 0; i < 500; i++) {
            int nr = rnd.nextInt(500);
            out.add(new Input(new SeccompData(nr, Arch.AARCH64.auditArch(), 0, new long[6])));
            out.add(new Input(new SeccompData(nr, Arch.ARM.auditArch(), 0, new long[6])));
        }
        // A profile with few argument conditions (nested) makes a small grid: top it up with
        // calls drawn the same way, so every profile is compared on at least MIN_INPUTS.
        while (out.size() < MIN_INPUTS) {
            Arch abi = rnd.nextBoolean() ? Arch.X86_64 : Arch.I386;
            List<Syscall> all = abi.syscalls().all();
            Syscall s = all.get(rnd.nextInt(all.size()));
            out.add(new Input(new SeccompData(s.nr(), abi.auditArch(), rnd.nextLong(),
                    args(abi, s.name(), interesting(p.rulesFor(s.name())), rnd, out.size()))));
        }
        return out;
    }

    static List<Set<Long>> interesting(List<Rule> rules) {
        List<Set<Long>> per = new ArrayList<>();
        for (int a = 0; a < 6; a++) {
            per.add(new LinkedHashSet<>(List.of(0L, 1L, 0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, -1L, 1L << 32)));
        }
        for (Rule r : rules) {
            for (Condition c : r.conditions()) {
                Set<Long> s = per.get(c.arg());
                long v = c.value();
                s.addAll(List.of(v, v - 1, v + 1, c.mask(), c.mask() | v, ~c.mask() | v, v | (1L << 32), v ^ 1));
                for (int b = 0; b < 64; b += 7) {
                    s.add(v ^ (1L << b));
                }
            }
        }
        return per;
    }

    static long[] args(Arch abi, String name, List<Set<Long>> interesting, SplittableRandom rnd, int i) {
        long[] a = new long[6];
        for (int k = 0; k < 6; k++) {
            List<Long> vals = new ArrayList<>(interesting.get(k));
            long v = (i % 5 == 0) ? rnd.nextLong() : vals.get(rnd.nextInt(vals.size()));
            int width = name == null ? (abi.is64Bit() ? 64 : 32) : ArgTypes.width(abi, name, k);
            if (!abi.is64Bit()) {
                width = 32;
            }
            // int-typed arguments: upper half zero (where libseccomp and jbox agree by design)
            a[k] = width >= 64 ? v : v & ((1L << width) - 1);
        }
        return a;
    }

    static String hex(long[] args) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
        }
        return sb.append(']').toString();
    }
}
