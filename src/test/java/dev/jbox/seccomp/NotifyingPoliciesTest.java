package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Action;
import dev.jbox.policy.NotifyingPolicies;
import dev.jbox.policy.Policy;
import java.util.LinkedHashSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The report and learn filters, compiled by the one compiler and run in the interpreter:
 * what the profile refuses with an errno is notified, so are execs; everything else is the
 * profile's own answer, decided by the kernel.
 */
class NotifyingPoliciesTest {

    private static String verdict(Policy p, Arch abi, String call, long... args) throws Exception {
        Program prog = Compiler.compile(p, Arch.X86_64);
        int nr = call.startsWith("0x") ? (int) Long.parseLong(call.substring(2), 16) : abi.syscalls().number(call).getAsInt();
        return Ret.describe(Emulator.run(prog, SeccompData.of(abi, nr, args)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "strict, socket, 40, USER_NOTIF",
            "strict, socket, 2, ALLOW",
            "strict, io_uring_setup, 0, USER_NOTIF",
            "strict, ptrace, 0, USER_NOTIF",
            "strict, execve, 0, USER_NOTIF",
            "strict, execveat, 0, USER_NOTIF",
            "strict, read, 0, ALLOW",
            "minimal, clone, 0x10000000, USER_NOTIF",
            "minimal, clone, 0x11, ALLOW",
            "minimal, getpid, 0, ALLOW"})
    void reportingNotifiesWhatTheProfileRefuses(String profile, String call, String arg0, String expected)
            throws Exception {
        Policy p = NotifyingPolicies.reporting(Profiles.builtin().resolve(profile));
        assertThat(verdict(p, Arch.X86_64, call, Long.decode(arg0))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"strict, KILL_PROCESS", "minimal, USER_NOTIF"})
    void reportingKeepsTheArchitectureCheck(String profile, String i386Execve) throws Exception {
        Policy p = NotifyingPolicies.reporting(Profiles.builtin().resolve(profile));
        // strict refuses the compat ABI outright (the kernel decides); minimal lets it run
        // with the same rules, so an i386 execve is notified like a native one
        assertThat(verdict(p, Arch.I386, "execve")).isEqualTo(i386Execve);
        assertThat(verdict(p, Arch.X86_64, "0x40000027")).as("x32 getpid").isEqualTo("ERRNO(ENOSYS)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"read, ALLOW", "futex, ALLOW", "getpid, USER_NOTIF", "ptrace, USER_NOTIF", "execve, USER_NOTIF",
            "ioctl, USER_NOTIF", "clone, USER_NOTIF"})
    void learningAllowsTheCoreAndNotifiesTheRest(String call, String expected) throws Exception {
        Policy base = Profiles.builtin().resolve("minimal");
        Policy p = NotifyingPolicies.learning(base, new LinkedHashSet<>(NotifyingPolicies.LEARN_CORE));
        assertThat(verdict(p, Arch.X86_64, call)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0x7fc00000", "0x7fc0ffff"})
    void notifyIsEncodedAndDecoded(String ret) {
        int r = (int) Long.parseLong(ret.substring(2), 16);
        assertThat(Ret.decode(r)).isEqualTo(Action.NOTIFY);
        assertThat(Ret.encode(Action.NOTIFY)).isEqualTo(Ret.USER_NOTIF);
        assertThat(Action.NOTIFY.denies()).as("the listener decides").isFalse();
    }
}
