package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The decision tables ({@code src/test/resources/dev/jbox/seccomp/<preset>.tests}), in the
 * spirit of libseccomp's {@code tests/*.tests}: for each preset a hand-written file of
 * (ABI, syscall, args) -> verdict. A line {@code ABI * => V} covers every other syscall of
 * that ABI, so every syscall's verdict is pinned down. Any program can be run through them
 * (the compiled presets, the broken programs, the prover's mutants), in the emulator.
 */
public final class DecisionTables {
    private DecisionTables() {
    }

    record Line(int lineNo, String abi, String syscall, long[] args, String verdict) {
    }

    /**
     * What running a program through one section of a table found.
     *
     * @param failures one line per row the program (or the reference) got wrong
     * @param covered  "abi:syscall" of every row checked
     * @param checks   how many verdicts were checked
     */
    public record Outcome(List<String> failures, Set<String> covered, int checks) {
    }

    /** The preset's policy. */
    static Policy policy(String preset) {
        try {
            return Profiles.builtin().resolve(preset);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Every row of {@code preset}'s section for {@code nativeArch}, run through {@code p} in the
     * emulator; with {@code reference}, also through the reference reading of the policy.
     */
    public static Outcome run(String preset, Arch nativeArch, Program p, boolean reference) throws IOException {
        Policy policy = policy(preset);
        List<Line> lines = parse(preset).get(nativeArch);
        assertThat(lines).as("@program " + nativeArch.id() + " section of " + preset + ".tests").isNotNull();
        Map<Arch, Set<String>> listed = new HashMap<>();
        for (Line l : lines) {
            if (!l.syscall().equals("*")) {
                listed.computeIfAbsent(abi(l), a -> new HashSet<>()).addAll(List.of(l.syscall().split(",")));
            }
        }
        List<String> failures = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        int checks = 0;
        for (Line l : lines) {
            Arch abi = abi(l);
            if (l.syscall().equals("*")) {
                for (var s : abi.syscalls().all()) {
                    if (listed.getOrDefault(abi, Set.of()).contains(s.name())) {
                        continue;
                    }
                    for (long[] args : List.of(new long[6], new long[] {-1, -1, -1, -1, -1, -1})) {
                        check(p, reference ? policy : null, nativeArch, abi, s.nr(), s.name(), args, l, failures);
                        checks++;
                    }
                    covered.add(abi.id() + ":" + s.name());
                }
                continue;
            }
            // A list of names checks each one that exists on this ABI; a name that exists on no
            // ABI at all is a typo in the table.
            for (String name : l.syscall().split(",")) {
                var known = abi.syscalls().number(name);
                if (known.isEmpty() && !Character.isDigit(name.charAt(0))) {
                    boolean anywhere = Arrays.stream(Arch.values()).anyMatch(a -> a.syscalls().number(name).isPresent());
                    assertThat(anywhere).as("line " + l.lineNo() + ": unknown syscall " + name).isTrue();
                    continue;
                }
                int nr = known.orElseGet(() -> (int) Long.parseUnsignedLong(strip(name), radix(name)));
                check(p, reference ? policy : null, nativeArch, abi, nr, name, l.args(), l, failures);
                checks++;
                covered.add(abi.id() + ":" + name);
            }
        }
        return new Outcome(failures, covered, checks);
    }

    private static Arch abi(Line l) {
        return Arch.byId(l.abi()).orElseThrow(() -> new AssertionError("line " + l.lineNo() + ": unknown ABI " + l.abi()));
    }

    private static void check(Program p, Policy policy, Arch nativeArch, Arch abi, int nr, String name, long[] args,
                              Line l, List<String> failures) {
        String got = Ret.describe(Emulator.run(p, new SeccompData(nr, abi.auditArch(), 0, args)));
        String ref = policy == null ? l.verdict()
                : Ret.describe(Ret.encode(Reference.decide(policy, nativeArch, abi.auditArch(), nr, args).action()));
        if (!got.equals(l.verdict()) || !ref.equals(l.verdict())) {
            failures.add(String.format("line %d: %s %s(%s): expected %s, filter says %s, reference says %s",
                    l.lineNo(), abi.id(), name, Arrays.toString(args), l.verdict(), got,
                    policy == null ? "(not asked)" : ref));
        }
    }

    private static String strip(String n) {
        return n.startsWith("0x") ? n.substring(2) : n;
    }

    private static int radix(String n) {
        return n.startsWith("0x") ? 16 : 10;
    }

    static Map<Arch, List<Line>> parse(String preset) throws IOException {
        Map<Arch, List<Line>> out = new LinkedHashMap<>();
        try (InputStream in = DecisionTables.class.getResourceAsStream(preset + ".tests")) {
            assertThat(in).as("decision table for " + preset).isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            Arch program = null;
            for (int i = 0; i < lines.length; i++) {
                String s = lines[i].strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                if (s.startsWith("@program")) {
                    program = Arch.byId(s.substring("@program".length()).strip()).orElseThrow();
                    continue;
                }
                String[] sides = s.split("=>");
                String[] left = sides[0].strip().split("\\s+");
                long[] args = new long[6];
                for (int a = 2; a < left.length; a++) {
                    String v = left[a];
                    args[a - 2] = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
                }
                out.computeIfAbsent(program, k -> new ArrayList<>())
                        .add(new Line(i + 1, left[0], left[1], args, sides[1].strip()));
            }
        }
        return out;
    }
}
