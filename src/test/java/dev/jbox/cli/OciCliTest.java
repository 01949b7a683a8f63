package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --seccomp-profile, export and audit on the command line: exact messages and exit codes. */
class OciCliTest {

    @TempDir
    Path dir;

    Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void runWithAGoodProfile() throws Exception {
        Path p = file("ok.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        Cli.Result r = Cli.run("run", "--dry-run", "--seccomp-profile", p.toString(), "--", "true");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("--seccomp");
    }

    @Test
    void runWithABadProfileExits125AndRunsNothing() throws Exception {
        Path p = file("bad.json", "{\"defaultAction\": \"SCMP_ACT_ALOW\"}");
        Cli.Result r = Cli.run("run", "--dry-run", "--seccomp-profile", p.toString(), "--", "true");
        assertThat(r.code()).isEqualTo(125);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("jbox: " + p + ":1:19: defaultAction: unknown action 'SCMP_ACT_ALOW' (did you mean"
                + " SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_KILL?); use one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL,"
                + " SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_LOG, SCMP_ACT_TRACE, SCMP_ACT_NOTIFY;"
                + " nothing was run\n");
        Cli.Result m = Cli.run("run", "--dry-run", "--seccomp-profile", dir.resolve("none.json").toString(), "--", "true");
        assertThat(m.code()).isEqualTo(125);
        assertThat(m.err()).isEqualTo("jbox: " + dir.resolve("none.json") + ": cannot read: no such file; nothing was run\n");
    }

    @Test
    void seccompProfileConflictsWithTheOtherFilterOptions() throws Exception {
        Path p = file("ok.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        for (String[] other : new String[][] {{"--profile", "strict"}, {"--bpf", "x.bpf"}, {"--no-seccomp"}}) {
            String[] args = new String[5 + other.length];
            args[0] = "run";
            args[1] = "--dry-run";
            args[2] = "--seccomp-profile";
            args[3] = p.toString();
            System.arraycopy(other, 0, args, 4, other.length);
            args[args.length - 1] = "true";
            Cli.Result r = Cli.run(args);
            assertThat(r.code()).as("%s", r).isEqualTo(125);
            String name = other[0];
            assertThat(r.err()).as("%s", r).isIn(
                    "jbox: --seccomp-profile conflicts with " + name + ": choose one; nothing was run\n",
                    "jbox: --no-seccomp conflicts with --profile: choose one; nothing was run\n");
        }
    }

    @Test
    void warningsForNamesThatAreNoSyscallAnywhere() throws Exception {
        Path p = file("typo.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ptrace\", \"ptrase\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        Cli.Result r = Cli.run("run", "--dry-run", "--seccomp-profile", p.toString(), "--", "true");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEqualTo("jbox: warning: " + p + ":1:71: syscalls[0].names[1]: 'ptrase' is not a system"
                + " call on any Linux architecture (did you mean ptrace?); skipped\n");
    }

    @Test
    void exportWritesJsonAndRefusesUnknownFormats() throws Exception {
        Cli.Result r = Cli.run("export", "--profile", "strict", "--format", "oci");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("{\n\t\"comment\": \"Exported by jbox from profile 'strict'.");
        Cli.Result bad = Cli.run("export", "--profile", "strict", "--format", "yaml");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("jbox: unknown --format 'yaml': the only format is oci\n");
    }

    byte[] bytes(long... insns) {
        ByteBuffer b = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i : insns) {
            b.putLong(i);
        }
        return b.array();
    }

    @Test
    void auditExitStatuses() throws Exception {
        Path good = dir.resolve("strict.bpf");
        Program strict = Compiler.compile(Profiles.builtin().resolve("strict"), Arch.X86_64);
        Files.write(good, strict.toBytes());
        Cli.Result ok = Cli.run("audit", good.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo(good + ": " + strict.length() + " instructions, no findings of severity warning"
                + " or higher\n");

        Path allow = dir.resolve("allow.bpf");
        Files.write(allow, bytes(0x06L | ((long) Ret.ALLOW << 32)));
        Cli.Result r = Cli.run("audit", allow.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(allow + ": 1 instructions, 1 finding of severity warning or higher\n"
                + "  warning [never-denies]: no path ends in anything but ALLOW or LOG: the filter has no effect\n");
        Cli.Result d = Cli.run("disasm", "--audit", allow.toString());
        assertThat(d.code()).isEqualTo(1);
        assertThat(d.out()).contains("audit: " + allow + ": 1 instructions, 1 finding");

        Path odd = dir.resolve("odd.bpf");
        Files.write(odd, new byte[12]);
        Cli.Result o = Cli.run("audit", odd.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).isEqualTo("jbox: " + odd + ": 12 bytes is not a whole number of instructions (8 bytes each,"
                + " struct sock_filter); is it a raw BPF program?\n");
        Path empty = dir.resolve("empty.bpf");
        Files.write(empty, new byte[0]);
        assertThat(Cli.run("audit", empty.toString()).err())
                .isEqualTo("jbox: " + empty + ": the file is empty; expected a raw BPF program (8 bytes per instruction)\n");
        assertThat(Cli.run("audit", dir.resolve("nope.bpf").toString()).code()).isEqualTo(2);

        Path rejected = dir.resolve("rejected.bpf");
        Files.write(rejected, bytes(0x20L, 0x06L | ((long) Ret.ALLOW << 32), 0x15L | (5L << 16) | (1L << 32)));
        Cli.Result x = Cli.run("audit", rejected.toString());
        assertThat(x.code()).isEqualTo(1);
        assertThat(x.out()).contains("error at 2 [rejected]: the kernel would refuse this program: instruction 2");
    }
}
