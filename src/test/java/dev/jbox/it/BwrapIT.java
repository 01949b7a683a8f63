package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jbox bwrap} as a drop-in: real bwrap command lines, run once through plain
 * {@code bwrap} and once through {@code scripts/jbox bwrap}, give the same stdout and exit
 * status; only the jbox run shows a seccomp filter. Each line's command ends by printing
 * its Seccomp lines, which are compared separately.
 */
class BwrapIT {

    @TempDir
    Path cwd;

    /** The line's Seccomp lines, printed last by every sandboxed command. */
    private static final String SECCOMP = "grep ^Seccomp /proc/self/status";

    private static final String FLATPAK = "--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 "
            + "--symlink usr/bin /bin --symlink usr/sbin /sbin --proc /proc --dev /dev --tmpfs /tmp "
            + "--unshare-pid --die-with-parent";

    /** (name, snippet with $BWRAP, expected exit). */
    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("flatpak-style", "$BWRAP " + FLATPAK + " --setenv FOO bar /bin/sh -c 'echo $FOO; ls / | sort; "
                        + SECCOMP + "'", 0),
                Arguments.of("chdir", "$BWRAP --ro-bind / / --chdir /usr/share sh -c 'pwd; " + SECCOMP + "'", 0),
                Arguments.of("file fd with data", "$BWRAP " + FLATPAK + " --file 3 /tmp/greeting sh -c "
                        + "'cat /tmp/greeting; " + SECCOMP + "' 3< <(printf 'hello from fd 3\\n')", 0),
                Arguments.of("args fd", "$BWRAP --args 4 sh -c 'echo \"$A $B\"; pwd; " + SECCOMP + "' "
                        + "4< <(printf -- '--ro-bind\\0/\\0/\\0--setenv\\0A\\0one two\\0--setenv\\0B\\0three\\0"
                        + "--chdir\\0/etc\\0')", 0),
                Arguments.of("info-fd", "$BWRAP --ro-bind / / --unshare-pid --info-fd 3 sh -c '" + SECCOMP
                        + "' 3>info.json; grep -c child-pid info.json", 0),
                Arguments.of("json-status-fd", "$BWRAP --ro-bind / / --unshare-pid --json-status-fd 3 sh -c 'exit 3; "
                        + SECCOMP + "' 3>status.json; echo \"status $?\"; grep -o '\"exit-code\": 3' status.json", 0),
                Arguments.of("new-session", "$BWRAP --ro-bind / / --new-session sh -c "
                        + "'[ \"$(ps -o sid= -p $$)\" != \"$(ps -o sid= -p $PPID)\" ] || true; echo new-session; "
                        + SECCOMP + "'", 0),
                Arguments.of("unshare-net", "$BWRAP --ro-bind / / --unshare-net --proc /proc sh -c "
                        + "'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \"; " + SECCOMP + "'", 0),
                Arguments.of("hostname", "$BWRAP --ro-bind / / --unshare-uts --hostname jbox-test sh -c "
                        + "'cat /proc/sys/kernel/hostname; " + SECCOMP + "'", 0),
                Arguments.of("uid/gid in a user namespace", "$BWRAP --ro-bind / / --unshare-user --uid 1234 --gid 5678 "
                        + "sh -c 'id -u; id -g; " + SECCOMP + "'", 0),
                Arguments.of("bwrap README example", "$BWRAP --ro-bind /usr /usr --symlink usr/lib64 /lib64 "
                        + "--symlink usr/lib /lib --symlink usr/bin /bin --proc /proc --dev /dev --unshare-pid "
                        + "--new-session bash -c 'echo $((6*7)); " + SECCOMP + "'", 0),
                Arguments.of("exit status", "$BWRAP --ro-bind / / sh -c '" + SECCOMP + "; exit 7'", 7),
                Arguments.of("signal death", "$BWRAP --ro-bind / / --unshare-pid sh -c '" + SECCOMP
                        + "; kill -TERM $$'", 143),
                Arguments.of("double dash", "$BWRAP --ro-bind / / --dev /dev -- sh -c 'ls /dev/null; " + SECCOMP + "'", 0),
                Arguments.of("ro-bind-data", "$BWRAP --ro-bind / / --tmpfs /tmp --ro-bind-data 5 /tmp/conf sh -c "
                        + "'cat /tmp/conf; echo x > /tmp/conf 2>/dev/null || echo read-only; " + SECCOMP + "' "
                        + "5< <(echo conf-data)", 0),
                Arguments.of("clearenv, setenv, unsetenv", "X=1 Y=2 $BWRAP --ro-bind / / --clearenv --setenv PATH "
                        + "/usr/bin:/bin --setenv Z 3 sh -c 'env | grep -v ^PWD= | sort; " + SECCOMP + "'", 0),
                Arguments.of("perms and dir", "$BWRAP --ro-bind / / --tmpfs /tmp --perms 0700 --dir /tmp/d sh -c "
                        + "'stat -c %a /tmp/d; " + SECCOMP + "'", 0),
                Arguments.of("unshare-all share-net", "$BWRAP --unshare-all --share-net --ro-bind / / --proc /proc "
                        + "--die-with-parent sh -c '" + SECCOMP + "'", 0),
                Arguments.of("command not found", "$BWRAP --ro-bind / / no-such-command-xyz 2>/dev/null", 1),
                Arguments.of("help", "$BWRAP --help | head -3", 0),
                Arguments.of("version", "$BWRAP --version", 0),
                Arguments.of("no arguments", "$BWRAP", 1),
                Arguments.of("unknown option", "$BWRAP --no-such-option true 2>&1", 1));
    }

    /**
     * scripts/jbox as $BWRAP sees it: a shell function, because the lines expand $BWRAP
     * unquoted (as bwrap's own test suite does) and the checkout's path may hold spaces.
     */
    private static final String JBOX = "jbox_script";

    private Jbox.Result via(String bwrap, String snippet, Map<String, String> env) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("BWRAP", bwrap);
        e.put("IT_JBOX_SCRIPT", Shell.script().toString());
        return Shell.bash(JBOX + "() { \"$IT_JBOX_SCRIPT\" \"$@\"; }\n" + snippet, cwd, e);
    }

    private static List<String> withoutSeccomp(String stdout) {
        return stdout.lines().filter(l -> !l.startsWith("Seccomp")).toList();
    }

    private static List<String> seccomp(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("Seccomp")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void sameOutputAndStatusAndAFilterOnlyUnderJbox(String name, String snippet, int exit) {
        Jbox.Result plain = via("bwrap", snippet, Map.of());
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of());
        assertThat(plain.exit()).as("plain bwrap: %s", plain).isEqualTo(exit);
        assertThat(jbox.exit()).as("jbox bwrap: %s", jbox).isEqualTo(exit);
        assertThat(withoutSeccomp(jbox.stdout())).as("jbox: %s\nplain: %s", jbox, plain)
                .isEqualTo(withoutSeccomp(plain.stdout()));
        if (!seccomp(plain.stdout()).isEmpty()) {
            assertThat(seccomp(plain.stdout())).as("%s", plain).containsExactly("Seccomp:\t0", "Seccomp_filters:\t0");
            assertThat(seccomp(jbox.stdout())).as("%s", jbox).containsExactly("Seccomp:\t2", "Seccomp_filters:\t1");
        }
        assertThat(jbox.stderr()).as("%s", jbox).isEqualTo(plain.stderr());
    }

    @Test
    void theTableRunsEnoughLines() {
        assertThat(lines().count()).isGreaterThanOrEqualTo(15);
        assertThat(lines().filter(a -> ((String) a.get()[1]).contains(SECCOMP)).count()).isGreaterThanOrEqualTo(15);
    }

    private Path compile(String profile) {
        Jbox.Result r = Shell.bash(Shell.q(Shell.script().toString()) + " compile --profile " + profile + " -o " + profile + ".bpf", cwd,
                Map.of());
        assertThat(r.exit()).as("%s", r).isZero();
        return cwd.resolve(profile + ".bpf");
    }

    @Test
    void aUserSeccompFilterIsStackedWithJboxs() {
        compile("strict");
        String snippet = "$BWRAP --ro-bind / / --seccomp 3 sh -c '" + SECCOMP + "' 3<strict.bpf";
        Jbox.Result plain = via("bwrap", snippet, Map.of());
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of());
        assertThat(plain.stdoutLines()).as("%s", plain).containsExactly("Seccomp:\t2", "Seccomp_filters:\t1");
        assertThat(jbox.exit()).as("%s", jbox).isZero();
        assertThat(jbox.stdoutLines()).as("%s", jbox).containsExactly("Seccomp:\t2", "Seccomp_filters:\t2");
    }

    @Test
    void aSeccompInsideArgsDataIsStackedToo() {
        compile("strict");
        // the user's strict filter refuses AF_PACKET sockets (EAFNOSUPPORT): it must still be there
        String snippet = "$BWRAP --ro-bind / / --args 4 " + Shell.q(Probe.path().toString()) + " status socket:41:17:3:0 "
                + "3<strict.bpf 4< <(printf -- '--seccomp\\0003\\0')";
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of());
        assertThat(jbox.exit()).as("%s", jbox).isZero();
        assertThat(jbox.stdoutLines()).as("%s", jbox).contains("Seccomp:\t2", "Seccomp_filters:\t2");
        assertThat(Probe.parse(jbox.stdout()).get("socket").errno()).as("%s", jbox).isEqualTo("EAFNOSUPPORT");
    }

    @Test
    void theProfileComesFromTheOptionOrTheEnvironment() {
        String probe = Shell.q(Probe.path().toString()) + " status socket:41:17:3:0";
        Jbox.Result strict = via(JBOX + " bwrap --jbox-profile strict", "$BWRAP --ro-bind / / " + probe,
                Map.of());
        assertThat(Probe.parse(strict.stdout()).get("socket").errno()).as("%s", strict).isEqualTo("EAFNOSUPPORT");
        Jbox.Result env = via(JBOX + " bwrap", "$BWRAP --ro-bind / / " + probe, Map.of("JBOX_PROFILE", "strict"));
        assertThat(Probe.parse(env.stdout()).get("socket").errno()).as("%s", env).isEqualTo("EAFNOSUPPORT");
        Jbox.Result none = via(JBOX + " bwrap", "$BWRAP --ro-bind / / sh -c '" + SECCOMP + "'",
                Map.of("JBOX_PROFILE", "none"));
        assertThat(none.stdoutLines()).as("%s", none).containsExactly("Seccomp:\t0", "Seccomp_filters:\t0");
        assertThat(none.stderr()).as("%s", none).isEmpty(); // bwrap's stderr is bwrap's alone
        Jbox.Result verbose = via(JBOX + " bwrap", "$BWRAP --ro-bind / / true",
                Map.of("JBOX_PROFILE", "none", "JBOX_VERBOSE", "1"));
        assertThat(verbose.stderr()).as("%s", verbose).isEqualTo("jbox: warning: no seccomp filter (JBOX_PROFILE):"
                + " the command runs with bwrap's namespaces only\n");
    }

    /** The acceptance line: {@code JBOX_PROFILE=none jbox bwrap --ro-bind / / true 2>&1 | wc -c} is 0. */
    @Test
    void anExplicitNoneIsSilent() {
        Jbox.Result r = via(JBOX + " bwrap", "JBOX_PROFILE=none $BWRAP --ro-bind / / true 2>&1 | wc -c",
                Map.of());
        assertThat(r.stdout().trim()).as("%s", r).isEqualTo("0");
    }

    /**
     * The issue-12 escape: args.bin holds "--seccomp" "8", fd 8 a filter that allows all. bwrap
     * reads fd 3 for each of these spellings; jbox must too, or the user's filter replaces jbox's.
     */
    @ParameterizedTest
    @ValueSource(strings = {" 3", "4294967299", "+3", "-4294967293", "\t03"})
    void argsFdSpellingsBwrapAcceptsKeepBothFilters(String spelling) throws Exception {
        java.nio.file.Files.write(cwd.resolve("args.bin"), "--seccomp\08\0".getBytes(StandardCharsets.US_ASCII));
        // BPF_RET|BPF_K SECCOMP_RET_ALLOW: one instruction, little-endian struct sock_filter
        java.nio.file.Files.write(cwd.resolve("allow.bpf"), new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f});
        String snippet = "$BWRAP --ro-bind / / --dev /dev --proc /proc --args \"$FD\" -- sh -c "
                + "'grep Seccomp_filters /proc/self/status; unshare -U true && echo ESCAPED' 3<args.bin 8<allow.bpf";
        Jbox.Result plain = via("bwrap", snippet, Map.of("FD", spelling));
        assertThat(plain.stdoutLines()).as("plain bwrap reads fd 3 too: %s", plain)
                .containsExactly("Seccomp_filters:\t1", "ESCAPED");
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of("FD", spelling));
        assertThat(jbox.stdoutLines()).as("%s", jbox).containsExactly("Seccomp_filters:\t2");
        assertThat(jbox.stderr()).as("%s", jbox).contains("Operation not permitted");
    }

    /** Lines with bwrap diagnostics: the same stdout, stderr and exit status through jbox. */
    static Stream<Arguments> diagnostics() {
        return Stream.of(
                Arguments.of("--seccomp 3 --seccomp 4 true"),
                Arguments.of("--seccomp 0a --seccomp 4 true"),
                Arguments.of("--seccomp 3 --seccomp 0a true"),
                Arguments.of("--seccomp 3 --add-seccomp-fd 4 true"),
                Arguments.of("--add-seccomp-fd 3 --seccomp 4 true"),
                Arguments.of("--add-seccomp-fd -1 true"),
                Arguments.of("--seccomp 3 --seccomp 4 --sync-fd 1 --sync-fd 1 true"),
                Arguments.of("--seccomp 3 --chdir / --seccomp 4 --uid 0 true"),
                Arguments.of("--seccomp 3 --seccomp 4"),
                Arguments.of("--seccomp 3 --seccomp 4 --help"),
                Arguments.of("--file ' 7' /x --seccomp 3 true"),
                Arguments.of("--file '7 ' /x --seccomp 3 true"),
                Arguments.of("--sync-fd 2147483648 true"),
                Arguments.of("--args 5 true"),
                Arguments.of("--seccomp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("diagnostics")
    void bwrapsDiagnosticsAreBwraps(String line) {
        String snippet = "$BWRAP --ro-bind / / " + line + " 3<allow.bpf 4<allow.bpf 5< <(printf -- '--seccomp\\0000a\\0')"
                + " 7</dev/null";
        Shell.bash("printf '\\006\\0\\0\\0\\0\\0\\377\\177' > allow.bpf", cwd, Map.of());
        Jbox.Result plain = via("bwrap", snippet, Map.of());
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of());
        assertThat(jbox.exit()).as("jbox %s\nplain %s", jbox, plain).isEqualTo(plain.exit());
        assertThat(jbox.stderr()).as("jbox %s\nplain %s", jbox, plain).isEqualTo(plain.stderr());
        assertThat(jbox.stdout()).as("jbox %s\nplain %s", jbox, plain).isEqualTo(plain.stdout());
    }

    @Test
    void aLineJboxCannotReproduceExactlyIsRefused() {
        Jbox.Result r = via(JBOX + " bwrap", "$BWRAP --ro-bind / / --seccomp 3 --uid 0 --seccomp 4 true"
                + " 3</dev/null 4</dev/null", Map.of());
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).as("%s", r).isEqualTo("jbox: this line has 2 --seccomp options (bwrap uses the last and"
                + " warns about the others) and --uid before the last, so jbox cannot reproduce bwrap's messages exactly"
                + " while adding its filter; give only one --seccomp; nothing was run\n");
    }

    /** bwrap's argv[0] is the name the caller ran: a link named bwrap, by any path. */
    @Test
    void usageNamesWhatTheCallerRan() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(cwd.resolve("links dir"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("bwrap"), Shell.script());
        String real = Shell.bash("command -v bwrap", cwd, Map.of()).stdout().trim();
        for (String invoked : List.of(dir.resolve("bwrap").toString(), "./bwrap")) {
            Jbox.Result link = Shell.bash("\"$B\" --help; echo \"exit $?\"", dir, Map.of("B", invoked));
            Jbox.Result plain = Shell.bash("(exec -a \"$B\" " + real + " --help); echo \"exit $?\"", dir,
                    Map.of("B", invoked));
            assertThat(link.stdoutLines().getFirst()).as("%s", link)
                    .isEqualTo("usage: " + invoked + " [OPTIONS...] [--] COMMAND [ARGS...]");
            assertThat(link.stdout()).isEqualTo(plain.stdout());
            assertThat(link.stderr()).as("%s", link).isEmpty();
            Jbox.Result none = Shell.bash("\"$B\" 2>&1 | head -1", dir, Map.of("B", invoked, "JBOX_PROFILE", "none"));
            assertThat(none.stdout()).as("%s", none).isEqualTo("usage: " + invoked + " [OPTIONS...] [--] COMMAND [ARGS...]\n");
        }
        // called as jbox (not as bwrap), bwrap is "bwrap", even when the environment says otherwise
        Jbox.Result jbox = Shell.bash(Shell.q(Shell.script().toString()) + " bwrap --help | head -1", cwd, Map.of("JBOX_ARGV0", "/x/bwrap"));
        assertThat(jbox.stdout()).isEqualTo("usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]\n");
    }

    @Test
    void theCallersFdsReachBwrapAsTheyWereAndNothingElseDoes() {
        // fds 7 and 9 are the caller's: the sandbox sees them as plain bwrap passes them on
        String snippet = "$BWRAP --ro-bind / / " + Shell.q(Probe.path().toString()) + " fds 7</dev/null 9<info.txt";
        Shell.bash("echo x > info.txt", cwd, Map.of());
        Jbox.Result plain = via("bwrap", snippet, Map.of());
        Jbox.Result jbox = via(JBOX + " bwrap", snippet, Map.of());
        assertThat(jbox.exit()).as("%s", jbox).isZero();
        // fds 1 and 2 are each run's own output files: compare the rest
        assertThat(jbox.stdoutLines().stream().filter(l -> !l.matches("fd [12] -> .*")).toList())
                .as("jbox %s\nplain %s", jbox, plain)
                .isEqualTo(plain.stdoutLines().stream().filter(l -> !l.matches("fd [12] -> .*")).toList());
        assertThat(jbox.stdout()).contains("fd 7 -> /dev/null").contains("info.txt").doesNotContain(".jar")
                .doesNotContain("memfd");
    }
}
