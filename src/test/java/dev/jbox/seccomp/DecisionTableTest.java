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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Decision tables in the spirit of libseccomp's {@code tests/*.tests}: for each preset a
 * hand-written file of (ABI, syscall, args) -> verdict, checked against the compiled
 * program in the emulator and against the reference reading of the policy. A line
 * {@code ABI * => V} covers every other syscall of that ABI, so every syscall's verdict
 * is pinned down.
 */
class DecisionTableTest {

    record Line(int lineNo, String abi, String syscall, long[] args, String verdict) {
    }

    @TestFactory
    Stream<DynamicNode> presets() throws IOException {
        List<DynamicNode> out = new ArrayList<>();
        for (String preset : Profiles.PRESETS) {
            out.add(DynamicContainer.dynamicContainer(preset, table(preset)));
        }
        return out.stream();
    }

    private Stream<DynamicNode> table(String preset) throws IOException {
        Policy policy;
        try {
            policy = Profiles.builtin().resolve(preset);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        List<DynamicNode> tests = new ArrayList<>();
        Map<Arch, List<Line>> byProgram = parse(preset);
        // A new native architecture (or a new preset) fails here until its table says what it does.
        tests.add(DynamicTest.dynamicTest(preset + ": a section for every native architecture", () ->
                assertThat(byProgram.keySet()).as("@program sections of " + preset + ".tests")
                        .containsExactlyInAnyOrder(Arrays.stream(Arch.values()).filter(Arch::isNativeCapable)
                                .toArray(Arch[]::new))));
        int[] checks = {0};
        for (var e : byProgram.entrySet()) {
            Arch nativeArch = e.getKey();
            tests.add(DynamicTest.dynamicTest(preset + " on " + nativeArch.id(), () -> {
                Program p = Compiler.compile(policy, nativeArch);
                Map<Arch, Set<String>> listed = new HashMap<>();
                for (Line l : e.getValue()) {
                    Arch abi = Arch.byId(l.abi()).orElseThrow();
                    if (!l.syscall().equals("*")) {
                        listed.computeIfAbsent(abi, a -> new HashSet<>()).addAll(List.of(l.syscall().split(",")));
                    }
                }
                List<String> failures = new ArrayList<>();
                for (Line l : e.getValue()) {
                    Arch abi = Arch.byId(l.abi()).orElseThrow();
                    if (l.syscall().equals("*")) {
                        for (var s : abi.syscalls().all()) {
                            if (listed.getOrDefault(abi, Set.of()).contains(s.name())) {
                                continue;
                            }
                            for (long[] args : List.of(new long[6], new long[] {-1, -1, -1, -1, -1, -1})) {
                                check(p, policy, nativeArch, abi, s.nr(), s.name(), args, l, failures);
                                checks[0]++;
                            }
                        }
                    } else {
                        // A list of names checks each one that exists on this ABI; a name
                        // that exists on no ABI at all is a typo in the table.
                        for (String name : l.syscall().split(",")) {
                            var known = abi.syscalls().number(name);
                            if (known.isEmpty() && !Character.isDigit(name.charAt(0))) {
                                boolean anywhere = java.util.Arrays.stream(Arch.values())
                                        .anyMatch(a -> a.syscalls().number(name).isPresent());
                                assertThat(anywhere).as("line " + l.lineNo() + ": unknown syscall " + name).isTrue();
                                continue;
                            }
                            int nr = known.orElseGet(() -> (int) Long.parseUnsignedLong(strip(name), radix(name)));
                            check(p, policy, nativeArch, abi, nr, name, l.args(), l, failures);
                            checks[0]++;
                        }
                    }
                }
                assertThat(failures).as(preset + " on " + nativeArch.id()).isEmpty();
            }));
        }
        tests.add(DynamicTest.dynamicTest(preset + ": summary", () ->
                System.out.println("decision table " + preset + ": " + checks[0] + " verdicts checked")));
        return tests.stream();
    }

    private static void check(Program p, Policy policy, Arch nativeArch, Arch abi, int nr, String name, long[] args,
                              Line l, List<String> failures) {
        int ret = Emulator.run(p, new SeccompData(nr, abi.auditArch(), 0, args));
        String got = Ret.describe(ret);
        String ref = Ret.describe(Ret.encode(Reference.decide(policy, nativeArch, abi.auditArch(), nr, args).action()));
        if (!got.equals(l.verdict()) || !ref.equals(l.verdict())) {
            failures.add(String.format("line %d: %s %s(%s): expected %s, filter says %s, reference says %s",
                    l.lineNo(), abi.id(), name, java.util.Arrays.toString(args), l.verdict(), got, ref));
        }
    }

    private static String strip(String n) {
        return n.startsWith("0x") ? n.substring(2) : n;
    }

    private static int radix(String n) {
        return n.startsWith("0x") ? 16 : 10;
    }

    static Map<Arch, List<Line>> parse(String preset) throws IOException {
        Map<Arch, List<Line>> out = new java.util.LinkedHashMap<>();
        try (InputStream in = DecisionTableTest.class.getResourceAsStream(preset + ".tests")) {
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
