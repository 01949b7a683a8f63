package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbox doctor} on this machine, and with bwrap missing from PATH. */
class DoctorIT {

    @TempDir
    Path cwd;

    @Test
    void thisMachineIsReady() {
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("OK    bubblewrap (bwrap)").contains("OK    a real sandbox")
                .contains("ready: jbox can start sandboxes here").contains("seccomp").contains("JDK")
                .contains("legacy_tiocsti");
    }

    /** Under minimal a nested sandbox fails: doctor names the refused calls and the preset for them. */
    @Test
    void nestedSandboxesPointToTheNestedPreset() {
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("INFO  nested sandboxes")
                .contains("profile 'minimal' (from default) refuses unshare(CLONE_NEWUSER) -> ERRNO(EPERM), "
                        + "clone(CLONE_NEWUSER) -> ERRNO(EPERM), mount -> ERRNO(EPERM)")
                .contains("fix: for such commands use the nested preset")
                .contains("'jbox run --profile nested -- CMD'").contains("'JBOX_PROFILE=nested srt ...'")
                // the trial under nested is real: a bwrap inside a sandbox started
                .contains("started under the nested preset in ");
        Jbox.Result n = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd).withEnv(Map.of("JBOX_PROFILE", "nested")));
        assertThat(n.exit()).as("%s", n).isZero();
        assertThat(n.stdout()).as("%s", n).contains("OK    nested sandboxes")
                .contains("profile 'nested' (from JBOX_PROFILE) allows unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER) and mount")
                .doesNotContain("use the nested preset");
    }

    /** Every sysctl doctor names, by the name it prints it under. */
    static final Map<String, Path> SYSCTLS = Map.of(
            "max_user_namespaces", Path.of("/proc/sys/user/max_user_namespaces"),
            "unprivileged_userns_clone", Path.of("/proc/sys/kernel/unprivileged_userns_clone"),
            "apparmor_restrict_unprivileged_userns", Path.of("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
            "legacy_tiocsti", Path.of("/proc/sys/dev/tty/legacy_tiocsti"));

    /** What doctor prints of the kernel's settings is what the files hold, whole (it once printed 9 for 96367). */
    @Test
    void everySysctlItPrintsIsTheFilesValue() throws IOException {
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        Matcher m = Pattern.compile("(?<![\\w.])([a-z_]+)=(\\S+?)[,:]?(?=\\s|$)").matcher(r.stdout());
        // (?<!.): a fix's "sysctl -w dev.tty.legacy_tiocsti=0" is advice, not a value read
        Map<String, String> printed = new java.util.TreeMap<>();
        while (m.find()) {
            printed.put(m.group(1), m.group(2));
        }
        assertThat(printed).as("%s", r).containsKey("max_user_namespaces");
        assertThat(SYSCTLS).as("every name=value doctor prints is a sysctl this test knows").containsKeys(
                printed.keySet().toArray(String[]::new));
        for (var e : printed.entrySet()) {
            assertThat(e.getValue()).as("%s in:%n%s", e.getKey(), r.stdout())
                    .isEqualTo(Shell.bash("cat " + SYSCTLS.get(e.getKey()), cwd, Map.of()).stdout().strip());
        }
        String actions = Shell.bash("cat /proc/sys/kernel/seccomp/actions_avail", cwd, Map.of()).stdout().strip();
        assertThat(r.stdout()).as("%s", r).contains("actions: " + actions + "\n");
    }

    /**
     * In a chroot (a root that is not a mount point) the kernel refuses user namespaces and
     * bwrap cannot pivot_root: doctor names the chroot as the cause, and no check says OK
     * to namespaces while the trial fails.
     */
    @Test
    void inAChrootTheChrootIsNamedAsTheCause() throws IOException {
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "a chroot needs root");
        Path tree = Files.createDirectories(cwd.resolve("tree"));
        Path jar = Jbox.jar();
        String java = Jbox.java();
        // a tree like debootstrap's: /usr, /etc, /dev, /proc and the jar bound in, no mount at its root
        String script = String.join("\n",
                "set -e",
                "mount --make-rprivate /",
                "t=" + Shell.q(tree.toString()),
                "mkdir -p \"$t/usr\" \"$t/etc\" \"$t/dev\" \"$t/proc\" \"$t/tmp\" \"$t/jar\"",
                "for l in bin lib lib64 sbin; do ln -s usr/$l \"$t/$l\"; done",
                "for d in usr etc dev; do mount --rbind /$d \"$t/$d\"; done",
                "mount -t proc proc \"$t/proc\"",
                "mount --bind " + Shell.q(jar.getParent().toString()) + " \"$t/jar\"",
                "cd / && exec chroot \"$t\" env -i PATH=/usr/bin:/bin HOME=/ " + Shell.q(java)
                        + " -jar /jar/" + Shell.q(jar.getFileName().toString()) + " doctor");
        Jbox.Result r = Shell.bash("unshare -m bash -c " + Shell.q(script), cwd, Map.of());
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.stdout()).as("%s", r)
                .contains("FAIL  unprivileged user namespaces\n").contains("; but / is not a mount point: jbox runs in a chroot")
                .contains("fix: run jbox outside the chroot")
                .contains("jbox runs in a chroot, where no namespace sandbox can start")
                .doesNotContain("OK    unprivileged user namespaces")
                .doesNotContain("enable unprivileged user namespaces")
                .contains("not ready");
    }

    @Test
    void jsonIsForMachines() {
        Jbox.Result r = Jbox.raw(List.of("doctor", "--json"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).hasSize(1);
        assertThat(r.stdout()).startsWith("{\"ready\":true,").contains("\"id\":\"trial\",")
                .contains("\"id\":\"userns\",").contains("\"status\":\"ok\"");
    }

    @Test
    void withoutBwrapItNamesThePackageAndFails() throws IOException {
        Path bin = Shell.tools(cwd.resolve("bin"), Shell.SCRIPT_TOOLS);
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd).withEnv(Map.of("PATH", bin.toString())));
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.stdout()).as("%s", r).contains("FAIL  bubblewrap (bwrap)").contains("apt-get install bubblewrap")
                .contains("not ready");
        // and through the script, as a user runs it
        Jbox.Result s = Shell.bash(Shell.q(Shell.script().toString()) + " doctor --json", cwd, Map.of("PATH", bin.toString()));
        assertThat(s.exit()).as("%s", s).isEqualTo(1);
        assertThat(s.stdout()).as("%s", s).startsWith("{\"ready\":false,").contains("bubblewrap");
    }
}
