package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.launch.Z3;
import dev.jbox.proof.UserProfile;
import dev.jbox.proof.Z3s;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.Program;
import dev.jbox.testing.Matrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code jbox prove}, in-process: what it prints when proven, its counterexamples, and bad input. */
class ProveCommandTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void needsZ3() {
        Assumptions.assumeTrue(Z3.locate(System.getenv()).isPresent(), Z3s.NOT_RUN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbox.testing.Matrix#presets")
    void everyPresetIsProvenOnEveryArchitecture(String preset) throws Exception {
        Cli.Result r = Cli.run("prove", "-p", preset);
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("proven: '" + preset + "' (from --profile) decides as its profile for every"
                + " input (nr, arch, instruction pointer, six 64-bit arguments)");
        for (Arch a : Matrix.NATIVE) {
            Program p = Compiler.compile(Profiles.builtin().resolve(preset), a);
            String abis = a.id() + (p.arches().size() > 1 ? " (+" + p.arches().get(1).id() + ")" : "");
            assertThat(lines).anySatisfy(l -> assertThat(l)
                    .matches("  " + Pattern.quote(abis) + ": " + p.length() + " instructions, proven in \\d+ ms"));
        }
        assertThat(lines.getLast()).startsWith("  solver: Z3 version ");
    }

    @Test
    void aUserProfileWithArgumentConditionsIsProven() throws Exception {
        Cli.Result r = Cli.run("prove", "--config", UserProfile.toml().toString(), "-p", UserProfile.NAME, "--json");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).startsWith("{\"filter\":\"'build' (from --profile)\",\"proven\":true,\"except\":[],")
                .contains("{\"arch\":\"x86_64\",\"abis\":[\"x86_64\"],\"instructions\":")
                .contains("\"result\":\"proven\"").doesNotContain("counterexample");
    }

    /** strict's program with one constant changed: the counterexample, and jbox check agreeing with both sides of it. */
    @Test
    void aWrongProgramGetsACounterexampleThatJboxCheckConfirms() throws Exception {
        Program good = Compiler.compile(Profiles.builtin().resolve("strict"), Arch.X86_64);
        List<Insn> insns = new ArrayList<>(good.insns());
        int pc = 0;
        while (!(insns.get(pc).isConditionalJump() && insns.get(pc).k() == 10)) { // socket: AF_INET6 allowed
            pc++;
        }
        Insn in = insns.get(pc);
        insns.set(pc, new Insn(in.code(), in.jt(), in.jf(), 11));
        Path bad = tmp.resolve("bad.bpf");
        Files.write(bad, Program.of(insns).toBytes());

        Cli.Result r = Cli.run("prove", "--bpf", bad.toString(), "-p", "strict", "--arch", "x86_64");
        assertThat(r.code()).as("%s", r).isEqualTo(ProveCommand.REFUTED);
        String out = r.out();
        assertThat(out).contains("  x86_64: " + good.length() + " instructions, counterexample found in ")
                .contains("counterexample: the program for x86_64 does not decide as " + bad
                        + " against 'strict' (from --profile)\n")
                .containsPattern("  call:    x86_64 socket\\(0x[0-9a-f]*(a|b)[,)]");
        String profileSays = field(out, "profile");
        String programSays = field(out, "program");
        assertThat(profileSays).isNotEqualTo(programSays);
        List<String> checks = out.lines().filter(l -> l.startsWith("  check:   ")).map(l -> l.substring(11)).toList();
        assertThat(checks).hasSize(2);
        // jbox check on the program says what the prover said the program does; on the profile, what the profile does
        assertThat(check(checks.get(0))).isEqualTo(programSays.toUpperCase());
        assertThat(check(checks.get(1))).isEqualTo(profileSays.toUpperCase());
    }

    /** The "profile: ..." or "program: ..." verdict of a counterexample, as Action prints it ("errno(EAFNOSUPPORT)"). */
    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^  " + name + ": +(\\S+)").matcher(out);
        assertThat(m.find()).as(name + " in %s", out).isTrue();
        String v = m.group(1);
        return v.startsWith("errno(") ? "ERRNO(" + v.substring(6) : v;
    }

    /** Runs a printed {@code jbox check ...} line; its verdict ("ALLOW", "ERRNO(EAFNOSUPPORT)"). */
    private static String check(String line) {
        String[] args = line.substring("jbox ".length()).split(" ");
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as("%s: %s", line, r).isZero();
        String first = r.out().lines().findFirst().orElseThrow();
        return first.substring(first.lastIndexOf(": ") + 2);
    }

    @Test
    void exceptLeavesOutADeclaredDifference() throws Exception {
        // minimal's program with x32 numbers allowed (what a compiler without the x32 guard emits)
        Program good = Compiler.compile(Profiles.builtin().resolve("minimal"), Arch.X86_64);
        Path f = tmp.resolve("nox32.bpf");
        Files.write(f, dev.jbox.seccomp.BrokenPrograms.withoutX32Guard(good).toBytes());
        Cli.Result refuted = Cli.run("prove", "--bpf", f.toString(), "-p", "minimal");
        assertThat(refuted.code()).isEqualTo(1);
        assertThat(refuted.out()).contains("  call:    x32 ");
        Cli.Result proven = Cli.run("prove", "--bpf", f.toString(), "-p", "minimal", "--except", "x32");
        assertThat(proven.code()).as("%s", proven).isZero();
        assertThat(proven.out()).startsWith("proven: " + f + " against 'minimal' (from --profile) decides as its profile"
                + " for every input outside x32 (");
    }
}
