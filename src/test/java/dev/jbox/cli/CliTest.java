package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reviewer's commands, in-process: outputs, and every bad input's exact message and code. */
class CliTest {

    @TempDir
    Path tmp;

    @Test
    void compileWritesTheSameProgramTheLauncherUses() throws Exception {
        Path out = tmp.resolve("strict.bpf");
        Cli.Result r = Cli.run("compile", "--profile", "strict", "-o", out.toString());
        assertThat(r.code()).isZero();
        Program expected = Compiler.compile(Profiles.builtin().resolve("strict"), Arch.host());
        assertThat(Files.readAllBytes(out)).isEqualTo(expected.toBytes());
        assertThat(r.err()).isEqualTo("jbox: wrote " + expected.length() + " instructions (" + expected.length() * 8
                + " bytes) for x86_64 under 'strict' (from --profile) to " + out + "\n");
    }

    @Test
    void compileForAnotherArchitecture() throws Exception {
        Path out = tmp.resolve("a.bpf");
        assertThat(Cli.run("compile", "--profile", "minimal", "--arch", "aarch64", "-o", out.toString()).code()).isZero();
        Program p = Program.fromBytes(Files.readAllBytes(out));
        assertThat(p.insns()).isEqualTo(Compiler.compile(Profiles.builtin().resolve("minimal"), Arch.AARCH64).insns());
        Cli.Result json = Cli.run("compile", "-p", "minimal", "--arch", "arm64", "--json", "-o", "-");
        assertThat(json.out()).startsWith("{\"arches\":[\"aarch64\",\"arm\"],\"length\":" + p.length() + ",");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
            "compile -p strcit -o x # jbox: unknown profile 'strcit' (did you mean strict?); known profiles: minimal, strict, dev, nested",
            "compile -p strict --arch sparc -o x # jbox: unknown architecture 'sparc'; known: x86_64, x32, i386, aarch64, arm, riscv64",
            "compile -p strict --arch i386 -o x # jbox: cannot compile the filter: 'i386' is a compat ABI, not a native architecture; compile for x86_64 instead",
            "compile -p strict # jbox compile: Missing required option: '--output=FILE' (see 'jbox compile --help')",
            "check -p strict ptrce # jbox: unknown syscall 'ptrce' on x86_64 (did you mean ptrace?)",
            "check -p strict socket AF_VSCK # jbox: argument 1 'AF_VSCK' is not a number or a known constant (did you mean AF_VSOCK?)",
            "check -p strict read 1 2 3 4 5 6 7 # jbox: a system call has at most 6 arguments, got 7",
            "explain -p zzz # jbox: unknown profile 'zzz'; known profiles: minimal, strict, dev, nested",
            "disasm -p strict x.bpf # jbox: give a FILE or -p PROFILE, not both",
            "frobnicate # jbox: unknown command 'frobnicate'; the commands are run, learn, bwrap, compile, check, prove, disasm, explain, profiles, config, trust, doctor, audit, export, completion (see 'jbox --help')",
            "rn # jbox: unknown command 'rn' (did you mean run?)",
            "docter # jbox: unknown command 'docter' (did you mean doctor?)",
            "explain ptrace # jbox explain: 'ptrace' is a system call: 'jbox check ptrace' shows what the profile does with it (explain prints the whole profile)",
            "explain strict # jbox explain: the profile is an option: 'jbox explain --profile strict'",
            "explain zzz # jbox explain: unexpected argument 'zzz' (see 'jbox explain --help')",
            "explain --profle strict # jbox explain: unknown option '--profle' (did you mean --profile?)",
            "check --jsn read # jbox check: unknown option '--jsn' (did you mean --json?)",
            "doctor --zzz # jbox doctor: unknown option '--zzz' (see 'jbox doctor --help')",
            "prove -p strict --except x33 # jbox: --except 'x33': not one of x32, above-table, reserved, foreign-arch, syscall:NAME",
            "prove -p strict --except syscall:nosuch # jbox: --except 'syscall:nosuch': no architecture has a syscall nosuch",
            "prove -p strcit # jbox: unknown profile 'strcit' (did you mean strict?); known profiles: minimal, strict, dev, nested",
            "prove -p strict --seccomp-profile x.json # jbox: --seccomp-profile conflicts with --profile: choose one",
    })
    void badInputIsOneLineAndExitTwo(String args, String message) {
        Cli.Result r = Cli.run(args.split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(message + "\n");
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
            "run --no-seccomp --profile strict --dry-run -- true # jbox: --no-seccomp conflicts with --profile: choose one; nothing was run",
            "run --profile strict --bpf /x --dry-run -- true # jbox: --profile conflicts with --bpf: choose one; nothing was run",
            "run --profile zzz --dry-run -- true # jbox: unknown profile 'zzz'; known profiles: minimal, strict, dev, nested; nothing was run",
            "run --bogus --dry-run -- true # jbox run: unknown option '--bogus' (see 'jbox run --help')",
            "run --profle x --dry-run -- true # jbox run: unknown option '--profle' (did you mean --profile?)",
            "run --dry-run # jbox run: Missing required parameter: 'COMMAND' (see 'jbox run --help')",
            "run --bpf /nonexistent.bpf --dry-run -- true # jbox: /nonexistent.bpf: cannot read: no such file; nothing was run",
            "run --profile /abs/x.bpf --complain --dry-run -- true # jbox: --complain needs a profile, not the raw BPF program /abs/x.bpf (from --profile); nothing was run",
            "run --profile none --complain --dry-run -- true # jbox: --complain needs a profile, not no filter (from --profile); nothing was run",
    })
    void runErrorsExit125(String args, String message) {
        Cli.Result r = Cli.run(args.split(" "));
        assertThat(r.err()).isEqualTo(message + "\n");
        assertThat(r.code()).isEqualTo(125);
    }

    @Test
    void runRefusesABadBpfFile() throws Exception {
        Path bad = tmp.resolve("bad.bpf");
        Files.write(bad, new byte[12]);
        Cli.Result r = Cli.run("run", "--bpf", bad.toString(), "--dry-run", "--", "true");
        assertThat(r.code()).isEqualTo(125);
        assertThat(r.err()).isEqualTo("jbox: " + bad + ": not a valid seccomp program: the size (12 bytes) is not a multiple"
                + " of 8 (struct sock_filter); nothing was run\n");
    }

    @Test
    void runAndAuditRefuseAShiftByThirtyTwoWithTheKernelsReason() throws Exception {
        // ALU|LSH|K 32; RET ALLOW -- the kernel's bpf_check_classic refuses it (KernelRefusalTest
        // shows bwrap getting EINVAL for these bytes), so jbox refuses it before bwrap does
        Path f = tmp.resolve("lsh32.bpf");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x64).put((byte) 0).put((byte) 0).putInt(32);
        b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x7fff0000);
        Files.write(f, b.array());
        String reason = "instruction 0 shifts by 32; a constant shift must be 0 to 31 (bpf_check_classic)";
        Cli.Result r = Cli.run("run", "--bpf", f.toString(), "--dry-run", "--", "true");
        assertThat(r.code()).isEqualTo(125);
        assertThat(r.err()).isEqualTo("jbox: " + f + ": not a valid seccomp program: " + reason + "; nothing was run\n");
        Cli.Result a = Cli.run("audit", f.toString());
        assertThat(a.code()).isEqualTo(1);
        assertThat(a.out()).isEqualTo(f + ": 2 instructions, 1 finding of severity warning or higher\n"
                + "  error at 0 [rejected]: the kernel would refuse this program: " + reason + "\n");
    }

    @Test
    void dryRunShowsTheBwrapCommandLine() {
        Cli.Result r = Cli.run("run", "--profile", "strict", "--dry-run", "--", "echo", "hello world");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--unshare-all", "--die-with-parent", "--ro-bind / /", "--tmpfs /tmp",
                "--seccomp ", "-- echo 'hello world'", "sealed memfd");
        // the hash of what is sealed: the program compile writes for the same profile
        Cli.Result compiled = Cli.run("compile", "--profile", "strict", "-o", tmp.resolve("s.bpf").toString());
        assertThat(compiled.code()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).endsWith(" instructions, sha256 "
                + dev.jbox.config.FileBytes.sha256(uncheckedRead(tmp.resolve("s.bpf"))));
        Cli.Result none = Cli.run("run", "--no-seccomp", "--dry-run", "--", "true");
        assertThat(none.out()).doesNotContain("--seccomp");
        assertThat(none.err()).isEqualTo("jbox: warning: no seccomp filter (--no-seccomp): the command runs with bwrap's namespaces only\n");
    }

    @Test
    void checkExplainsTheVerdict() {
        Cli.Result r = Cli.run("check", "-p", "strict", "socket", "AF_VSOCK");
        assertThat(r.code()).isZero();
        // the call as typed, not socket(0x28)
        assertThat(r.out()).startsWith("socket(AF_VSOCK) on x86_64 under 'strict' (from --profile): ERRNO(EAFNOSUPPORT)\n")
                .contains("only local, IP and netlink sockets");
        Cli.Result high = Cli.run("check", "-p", "strict", "socket", "0x100000028");
        assertThat(high.out()).startsWith("socket(0x100000028) on x86_64").contains("ERRNO(EAFNOSUPPORT)");
        Cli.Result ok = Cli.run("check", "-p", "strict", "socket", "AF_INET");
        assertThat(ok.out()).contains(": ALLOW");
        Cli.Result compat = Cli.run("check", "-p", "strict", "--abi", "i386", "read");
        assertThat(compat.out()).contains("KILL_PROCESS").contains("architecture not allowed");
        Cli.Result x32 = Cli.run("check", "-p", "minimal", "--abi", "x32", "read");
        assertThat(x32.out()).contains("ERRNO(ENOSYS)").contains("x32");
        Cli.Result json = Cli.run("check", "-p", "minimal", "--json", "ioctl", "1", "TIOCSTI");
        assertThat(json.out()).contains("\"action\":\"errno(EPERM)\"", "\"syscall\":\"ioctl\"", "\"executed\":");
    }

    /** What minimal refuses a nested sandbox names the preset that allows it; nested keeps the rest. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
            "check -p minimal unshare CLONE_NEWUSER # ERRNO(EPERM) # use the nested preset",
            "check -p minimal clone CLONE_NEWUSER # ERRNO(EPERM) # use the nested preset",
            "check -p minimal mount # ERRNO(EPERM) # needs the nested preset",
            "check -p minimal fsopen # ERRNO(ENOSYS) # the nested preset allows both",
            "check -p nested unshare CLONE_NEWUSER # ALLOW # nested sandboxes start here",
            "check -p nested clone CLONE_NEWUSER|CLONE_NEWNS # ALLOW # how bwrap and Chromium create their namespaces",
            "check -p nested clone3 # ALLOW # hide nothing",
            "check -p nested mount # ALLOW # builds its file system view",
            "check -p nested --abi i386 pivot_root # ALLOW # builds its file system view",
            "check -p nested ptrace # ERRNO(EPERM) # reads and writes the memory",
            "check -p nested bpf # ERRNO(EPERM) # eBPF programs",
            "check -p nested keyctl # ERRNO(EPERM) # the kernel keyring is not namespaced",
            "check -p nested ioctl 0 TIOCSTI # ERRNO(EPERM) # pushes characters into the terminal",
    })
    void nestedSandboxesAreThePresetsJob(String args, String verdict, String why) {
        Cli.Result r = Cli.run(args.split(" "));
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).endsWith(": " + verdict);
        assertThat(r.out()).contains(why);
    }

    @Test
    void nestedIsAListedPresetThatExtendsMinimal() {
        assertThat(Cli.run("profiles").out()).contains("nested");
        Cli.Result e = Cli.run("explain", "-p", "nested");
        assertThat(e.out()).startsWith("profile nested (extends minimal) (from --profile)\n")
                .contains("allow  [nested]\n      unshare\n", "allow  [nested]\n      clone\n", "allow  [nested]\n      clone3\n")
                .contains("allow  [nested @new-mount-api]\n      fsconfig fsmount fsopen fspick mount_setattr move_mount open_tree open_tree_attr\n");
    }

    @Test
    void cacheAnalysisAndRawProgramChecks() throws Exception {
        Cli.Result c = Cli.run("explain", "-p", "minimal", "--cache");
        assertThat(c.out()).startsWith("x86_64: 337 of 369 syscalls always allowed without running the filter\n")
                .contains("i386: ").contains("run the filter (refused, or checked by argument): ioctl clone ptrace");
        Path bpf = tmp.resolve("strict.bpf");
        Cli.run("compile", "-p", "strict", "-o", bpf.toString());
        Cli.Result r = Cli.run("check", "--bpf", bpf.toString(), "socket", "AF_VSOCK");
        assertThat(r.out()).startsWith("socket(AF_VSOCK) on x86_64 under '" + bpf + "' (from --bpf): ERRNO(EAFNOSUPPORT)\n")
                .contains("raw program: no rules to cite");
    }

    @Test
    void explainAndDisasmAndProfiles() {
        Cli.Result e = Cli.run("explain", "-p", "dev");
        assertThat(e.out()).startsWith("profile dev (extends strict -> minimal) (from --profile)\n").contains("why: ", "kernel cache");
        Cli.Result d = Cli.run("disasm", "-p", "minimal");
        assertThat(d.out()).contains(" 0000: 0x20 0x00 0x00 0x00000004  A = arch", "if (A != ARCH_X86_64)", "return ERRNO(EPERM)");
        Cli.Result p = Cli.run("profiles");
        assertThat(p.out()).contains("minimal", "strict", "dev", "@mount", "@debug");
        Cli.Result ej = Cli.run("explain", "-p", "strict", "--json");
        assertThat(ej.out()).startsWith("{\"profile\":\"strict\",\"from\":\"--profile\",\"extends\":[\"minimal\"]");
    }

    static byte[] uncheckedRead(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
