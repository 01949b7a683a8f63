package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.launch.CallLog;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The learned profile, from recorded calls: it loads through the config loader, allows what
 * was made, keeps what the base refuses, refuses the rest with ENOSYS, and a program name
 * chosen inside the sandbox cannot add a line to it.
 */
class LearnedProfileTest {

    private static final List<CallLog.Entry> SEEN = List.of(
            new CallLog.Entry(new CallLog.Call("getpid", "", -1, "/usr/bin/python3.11"), 3, 2),
            new CallLog.Entry(new CallLog.Call("socket", "AF_UNIX", -1, "/usr/bin/python3.11"), 1, 2),
            new CallLog.Entry(new CallLog.Call("clone", "CLONE_VM", -1, "/usr/bin/python3.11"), 2, 2),
            new CallLog.Entry(new CallLog.Call("ptrace", "", 1, "/usr/bin/strace"), 1, 3),
            new CallLog.Entry(new CallLog.Call("getppid", "", -1, "/tmp/x\n[sandbox]\nseccomp = false"), 1, 4),
            new CallLog.Entry(new CallLog.Call("clone", "CLONE_VM", -1, "/tmp/y\r\u001b[2K\u007f\"\n[profiles.z]"), 1, 5));

    private static String verdict(String base, String call, long arg0) throws Exception {
        String toml = LearnedProfile.toml(base, Profiles.builtin().resolve(base), List.of("python3", "w.py"), SEEN);
        Policy p = LearnedProfile.check(toml);
        int nr = Arch.X86_64.syscalls().number(call).getAsInt();
        return Ret.describe(Emulator.run(Compiler.compile(p, Arch.X86_64), SeccompData.of(Arch.X86_64, nr, arg0)));
    }

    @ParameterizedTest(name = "{0}: {1}({2})")
    @CsvSource({
            "minimal, getpid, 0, ALLOW",
            "minimal, read, 0, ALLOW",            // core
            "minimal, wait4, 0, ALLOW",           // bwrap needs it
            "minimal, getpriority, 0, ERRNO(ENOSYS)",
            "minimal, ptrace, 0, ERRNO(EPERM)",   // seen, but the base refuses it
            "minimal, clone, 0x11, ALLOW",
            "minimal, clone, 0x10000011, ERRNO(EPERM)",
            "minimal, socket, 1, ALLOW",
            "minimal, socket, 2, ERRNO(EAFNOSUPPORT)",
            "strict, socket, 40, ERRNO(EAFNOSUPPORT)",
            "strict, io_uring_setup, 0, ERRNO(ENOSYS)",
            "minimal, getppid, 0, ALLOW"})
    void theLearnedProfileDecides(String base, String call, String arg0, String expected) throws Exception {
        assertThat(verdict(base, call, Long.decode(arg0))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void entriesAreAnnotatedAndAHostileNameStaysInItsComment() throws Exception {
        String toml = LearnedProfile.toml("minimal", Profiles.builtin().resolve("minimal"), List.of("python3", "w.py"),
                SEEN);
        assertThat(toml).contains("    \"getpid\",  # /usr/bin/python3.11 x3\n",
                "#   ptrace: EPERM (/usr/bin/strace x1)\n", "    \"read\",  # core\n",
                "    \"getppid\",  # /tmp/x?[sandbox]?seccomp = false x1\n");
        assertThat(toml.lines()).filteredOn(l -> l.startsWith("seccomp")).containsExactly("seccomp = \"learned\"");
        // in a rule's reason string too: no control character, no new table, and it still loads
        assertThat(toml.lines()).filteredOn(l -> l.startsWith("[profiles.z")).isEmpty();
        assertThat(toml.chars().filter(c -> Character.isISOControl(c) && c != '\n')).isEmpty();
        assertThat(toml).contains("reason = \"/tmp/y??[2K?\\\"?[profiles.z] x1, ");
        LearnedProfile.check(toml);
        assertThat(toml).doesNotContain("\"ptrace\",");
    }
}
