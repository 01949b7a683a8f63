package dev.jbox.seccomp;

import dev.jbox.testing.Matrix;
import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Filter cost of jbox's compiler next to libseccomp 2.5.4's, for every preset on x86_64 and
 * aarch64, measured with jbox's emulator: program length, and instructions executed per
 * native syscall (worst case over argument vectors that reach every rule, and the mean over
 * all native syscall numbers with zero arguments), plus how many native syscalls the kernel's
 * constant-action cache can skip (Linux 5.11+: the path reads only nr and arch and allows).
 *
 * <p>libseccomp gets the same translation as {@link DifferentialLibseccompTest} (which checks
 * the programs decide alike); what it cannot express is noted per row. Run by
 * {@code scripts/bench-filter}; prints a Markdown table on stdout.
 */
public final class BenchFilter {

    private BenchFilter() {
    }

    record Cost(int length, int worst, double mean, int cacheable) {
    }

    public static void main(String[] args) throws Exception {
        DifferentialLibseccompTest.probeLibseccomp();
        List<String> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String preset : DifferentialLibseccompTest.PRESETS) {
            Policy policy = Profiles.builtin().resolve(preset);
            for (Arch arch : Matrix.NATIVE) {
                var t = DifferentialLibseccompTest.Translation.of(policy, arch, DifferentialLibseccompTest.unaddable);
                List<Program> lib = DifferentialLibseccompTest.Libseccomp.compile(List.of(t.json(2), t.json(1)));
                Program ours = Compiler.compile(policy, arch);
                if (args.length == 2 && args[0].equals("--dump")) {
                    // scripts/bench times these inside the sandbox, next to jbox's own
                    java.nio.file.Path dir = java.nio.file.Path.of(args[1]);
                    java.nio.file.Files.createDirectories(dir);
                    java.nio.file.Files.write(dir.resolve(preset + "-" + arch.id() + "-libseccomp.bpf"), lib.get(0).toBytes());
                    java.nio.file.Files.write(dir.resolve(preset + "-" + arch.id() + "-jbox.bpf"), ours.toBytes());
                }
                Cost j = cost(ours, policy, arch);
                Cost tree = cost(lib.get(0), policy, arch);
                Cost linear = cost(lib.get(1), policy, arch);
                List<String> marks = new ArrayList<>();
                t.rewritten.forEach((abi, names) -> {
                    long n = t.rules.stream().filter(r -> r.abi() == abi
                            && names.contains(abi.syscalls().name(r.nr()).orElse(""))).count();
                    marks.add(String.join(", ", names) + " on " + abi.id() + " (several tests of one argument in"
                            + " a rule, which libseccomp cannot express) rewritten exactly as " + n
                            + " one-condition MASKED_EQ rules; they dominate its length and worst case");
                });
                t.excluded.forEach((abi, m) -> marks.add("not expressible on " + abi.id() + ": "
                        + String.join(", ", m.keySet()) + " (left at the default)"));
                if (policy.futureAction().isPresent()) {
                    marks.add("future_syscalls not expressible (numbers above the table get the default)");
                }
                String mark = "";
                if (!marks.isEmpty()) {
                    notes.add(String.join("; ", marks));
                    mark = "[" + notes.size() + "]";
                }
                rows.add(String.format("| %s | %s | %d | %d | %.2f | %d | %d | %d | %.2f | %d | %d | %d | %.2f | %d | %s |",
                        preset, arch.id(),
                        j.length(), j.worst(), j.mean(), j.cacheable(),
                        tree.length(), tree.worst(), tree.mean(), tree.cacheable(),
                        linear.length(), linear.worst(), linear.mean(), linear.cacheable(), mark));
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| preset | arch | jbox len | jbox worst | jbox mean | jbox cached"
                + " | ls tree len | ls tree worst | ls tree mean | ls tree cached"
                + " | ls linear len | ls linear worst | ls linear mean | ls linear cached | note |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        out.append('\n');
        out.append("len: instructions in the program. worst: most instructions executed for any native syscall"
                + " (over argument vectors reaching every rule). mean: mean over all native syscall numbers,"
                + " arguments 0. cached: native syscalls the kernel's constant-action cache (Linux 5.11+) skips."
                + " ls tree: libseccomp 2.5.4 with CTL_OPTIMIZE=2 (binary tree); ls linear: CTL_OPTIMIZE=1.\n");
        for (int i = 0; i < notes.size(); i++) {
            out.append('\n').append('[').append(i + 1).append("] libseccomp's program: ").append(notes.get(i)).append('\n');
        }
        System.out.print(out);
    }

    static Cost cost(Program p, Policy policy, Arch arch) {
        int worst = 0;
        long sum = 0;
        int cacheable = 0;
        List<Syscall> all = arch.syscalls().all();
        SplittableRandom rnd = new SplittableRandom(1);
        for (Syscall s : all) {
            int zero = Emulator.trace(p, new SeccompData(s.nr(), arch.auditArch(), 0, new long[6])).executed();
            sum += zero;
            int w = zero;
            for (long[] a : argVectors(policy, s.name(), rnd)) {
                w = Math.max(w, Emulator.trace(p, new SeccompData(s.nr(), arch.auditArch(), 0, a)).executed());
            }
            worst = Math.max(worst, w);
            if (Emulator.isConstAllow(p, arch, s.nr())) {
                cacheable++;
            }
        }
        return new Cost(p.length(), worst, (double) sum / all.size(), cacheable);
    }

    /** Argument vectors that take each rule of the syscall to its last comparison, and around it. */
    static List<long[]> argVectors(Policy policy, String name, SplittableRandom rnd) {
        List<Rule> rules = policy.rulesFor(name);
        if (rules.stream().allMatch(Rule::unconditional)) {
            return List.of();
        }
        Set<Long> values = new LinkedHashSet<>(List.of(0L, 1L, -1L, 0xFFFFFFFFL, 1L << 32));
        for (Rule r : rules) {
            for (Condition c : r.conditions()) {
                values.add(c.value());
                values.add(c.value() + 1);
                values.add(c.value() - 1);
                values.add(c.value() | ~c.mask());
            }
        }
        List<long[]> out = new ArrayList<>();
        for (long v : values) {
            for (int arg = 0; arg < 6; arg++) {
                long[] a = new long[6];
                a[arg] = v;
                out.add(a);
                long[] b = new long[6];
                java.util.Arrays.fill(b, v);
                out.add(b);
            }
        }
        for (int i = 0; i < 64; i++) {
            long[] a = new long[6];
            Long[] vs = values.toArray(new Long[0]);
            for (int j = 0; j < 6; j++) {
                a[j] = vs[rnd.nextInt(vs.length)];
            }
            out.add(a);
        }
        return out;
    }
}
