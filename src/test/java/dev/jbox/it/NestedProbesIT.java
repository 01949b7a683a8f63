package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code nested} preset in the real sandbox, with {@link MinimalProbesIT}'s probes: the
 * calls a nested sandbox needs answer exactly as without a filter (the kernel decides), every
 * other call minimal refuses still answers minimal's errno, x32 stays ENOSYS, and a command
 * can really create a user namespace. One jbox invocation per side, as in MinimalProbesIT.
 */
class NestedProbesIT {

    /** The probes (MinimalProbesIT's row names) of the calls nested allows. */
    static final Set<String> ALLOWED = Set.of("mount", "umount2", "umount2_badflags", "pivot_root", "chroot", "unshare",
            "setns", "clone_newuser", "clone_newuser_hi32", "clone3", "fsopen", "fsconfig", "fsmount", "fspick",
            "open_tree", "move_mount", "mount_setattr", "open_tree_attr");

    /** Last, since it moves the probe into a new user namespace: CLONE_NEWUSER. */
    static final String NEWUSER = "unshare_newuser:272:0x10000000";

    static Map<String, Probe.Answer> nested;
    static Map<String, Probe.Answer> unfiltered;
    static String nestedOut;
    static String unfilteredOut;

    static Stream<MinimalProbesIT.Row> rows() {
        return MinimalProbesIT.ROWS.stream();
    }

    @BeforeAll
    static void probeBothWays() throws Exception {
        List<String> specs = new ArrayList<>(List.of("status"));
        for (MinimalProbesIT.Row r : MinimalProbesIT.ROWS) {
            specs.add(r.spec());
            if (r.x32Nr() >= 0) {
                specs.add(r.x32Spec());
            }
        }
        specs.addAll(List.of("thread", "spawn", NEWUSER));
        Path cwd = Files.createTempDirectory("jbox-it-nested-");
        try {
            Jbox.Result n = Jbox.run(List.of("--profile", "nested"), Probe.command(cwd, specs), Jbox.Options.in(cwd));
            Jbox.Result u = Jbox.run(List.of("--no-seccomp"), Probe.command(cwd, specs), Jbox.Options.in(cwd));
            assertThat(n.exit()).as("probe under nested: %s", n).isZero();
            assertThat(u.exit()).as("probe under --no-seccomp: %s", u).isZero();
            assertThat(n.stdout()).as("probe under nested: %s", n).contains("Seccomp:\t2");
            assertThat(u.stdout()).as("probe under --no-seccomp: %s", u).contains("Seccomp:\t0");
            nestedOut = n.stdout();
            unfilteredOut = u.stdout();
            nested = Probe.parse(n.stdout());
            unfiltered = Probe.parse(u.stdout());
        } finally {
            Jbox.deleteTree(cwd);
        }
    }

    private static Probe.Answer answer(Map<String, Probe.Answer> m, String name, String out) {
        Probe.Answer a = m.get(name);
        assertThat(a).as("no answer for probe %s in:\n%s", name, out).isNotNull();
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void allowedCallsReachTheKernelAndTheRestIsMinimal(MinimalProbesIT.Row r) {
        Probe.Answer n = answer(nested, r.name(), nestedOut);
        if (ALLOWED.contains(r.name())) {
            Probe.Answer u = answer(unfiltered, r.name(), unfilteredOut);
            assertThat(n.answer()).as("%s under nested: the kernel's answer, as without a filter", r.spec())
                    .isEqualTo(u.answer());
        } else {
            assertThat(n.answer()).as("%s under nested: still minimal's answer", r.spec()).isEqualTo(r.errno());
        }
    }

    @ParameterizedTest(name = "x32 {0}")
    @MethodSource("rows")
    void x32StaysEnosys(MinimalProbesIT.Row r) {
        if (r.x32Nr() >= 0) {
            assertThat(answer(nested, "x32." + r.name(), nestedOut).answer()).as(r.x32Spec()).isEqualTo("ENOSYS");
        }
    }

    @Test
    void aCommandCreatesAUserNamespaceAndStillRunsThreads() {
        assertThat(answer(nested, "unshare_newuser", nestedOut).answer()).as(nestedOut).isEqualTo("ret=0");
        assertThat(answer(unfiltered, "unshare_newuser", unfilteredOut).answer()).isEqualTo("ret=0");
        assertThat(nestedOut).contains("thread ok", "spawn status=0");
    }

    @Test
    void minimalRefusesTheSameUserNamespace() throws Exception {
        Path cwd = Files.createTempDirectory("jbox-it-nested-");
        Jbox.Result r;
        try {
            r = Jbox.run(List.of("--profile", "minimal"), Probe.command(cwd, List.of(NEWUSER)), Jbox.Options.in(cwd));
        } finally {
            Jbox.deleteTree(cwd);
        }
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(answer(Probe.parse(r.stdout()), "unshare_newuser", r.stdout()).answer()).isEqualTo("EPERM");
    }
}
