package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.config.Bind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout's protections: what jbox keeps read-only, whatever the user binds. */
class SandboxLayoutTest {

    @TempDir
    Path dir;

    Sandbox layout(Path cwd, Path home, List<Bind> binds, List<Sandbox.Guarded> guarded) throws Exception {
        return Sandbox.standard(new Sandbox.Layout(cwd, Optional.of(home), binds, guarded, false, false,
                Optional.empty(), Optional.empty()));
    }

    String args(Sandbox s) {
        return String.join(" ", s.bwrapArgs());
    }

    @Test
    void theWorkingDirectoryIsBoundAfterTheSandboxsOwnMounts() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        Sandbox s = layout(cwd, home, List.of(), List.of());
        assertThat(args(s)).contains("--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind " + cwd + " " + cwd);
        assertThat(s.notices()).isEmpty();
    }

    @Test
    void rootHomeAndAncestorsOfHomeStayReadOnly() throws Exception {
        Path home = Files.createDirectories(dir.resolve("users/me"));
        for (Path cwd : List.of(Path.of("/"), home, dir.resolve("users"), Path.of("/proc/self"))) {
            Sandbox s = layout(cwd, home, List.of(), List.of());
            assertThat(s.bwrapArgs()).as("%s", cwd).doesNotContain("--bind");
            // a read-only working directory is still there (under /tmp the private tmpfs would hide it)
            boolean visible = cwd.getParent() != null && !cwd.startsWith("/proc");
            assertThat(args(s).contains("--tmpfs /tmp --ro-bind " + cwd + " " + cwd)).as("%s", cwd).isEqualTo(visible);
            assertThat(s.notices()).singleElement().asString().startsWith("the working directory " + cwd.normalize())
                    .contains("it stays read-only inside");
        }
    }

    @Test
    void aWritableBindOverHomeKeepsTheTopmostDirectoriesOfGuardedPlacesReadOnly() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        List<Sandbox.Guarded> guarded = List.of(
                new Sandbox.Guarded(home.resolve(".config/jbox"), "jbox's configuration directory", true),
                new Sandbox.Guarded(home.resolve(".local/state/jbox"), "jbox's trust store", true));
        Sandbox s = layout(cwd, home, List.of(new Bind(home.toString(), "/h", false, "--bind", false)), guarded);
        assertThat(args(s)).contains("--bind " + home + " /h --ro-bind " + home.resolve(".config") + " /h/.config --ro-bind "
                + home.resolve(".local") + " /h/.local ");
        assertThat(home.resolve(".config/jbox")).as("created on the host first").isDirectory();
    }

    @Test
    void aWritableBindInsideAGuardedPlaceIsRefused() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tree = Files.createDirectories(dir.resolve("jbox/target"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        List<Sandbox.Guarded> guarded = List.of(new Sandbox.Guarded(dir.resolve("jbox"), "jbox itself", false));
        assertThatThrownBy(() -> layout(cwd, home, List.of(new Bind(tree.toString(), "/t", false,
                "--bind " + tree + " /t", false)), guarded))
                .isInstanceOf(LaunchException.class)
                .hasMessage("--bind " + tree + " /t: it would let the sandbox write jbox itself (" + dir.resolve("jbox")
                        + "); bind it read-only (--ro-bind) instead");
        // read-only is fine
        layout(cwd, home, List.of(new Bind(tree.toString(), "/t", true, "--ro-bind", false)), guarded);
        // and the working directory inside it stays read-only instead of failing
        Sandbox inside = layout(tree, home, List.of(), guarded);
        assertThat(inside.notices()).singleElement().asString().contains("holds jbox itself");
    }

    @Test
    void aConfigFileMayNotBindHomeOrRootReadWrite() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        Path link = Files.createSymbolicLink(cwd.resolve("h"), home);
        for (String src : List.of("/", home.toString(), link.toString())) {
            assertThatThrownBy(() -> layout(cwd, home, List.of(new Bind(src, "/x", false, "F: bind", true)),
                    List.of())).hasMessageStartingWith("F: bind: a config file may not bind " + src + " read-write");
        }
    }

    @Test
    void aBindOverTheRootGetsTheSandboxsOwnMountsBack() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        Sandbox s = layout(cwd, home, List.of(new Bind("/", "/", true, "--ro-bind / /", false)), List.of());
        assertThat(args(s)).contains("--bind " + cwd + " " + cwd + " --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp ");
    }

    @Test
    void writableSourcesAreTheWorkingDirectoryAndReadWriteBinds() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cwd = Files.createDirectories(dir.resolve("proj"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Sandbox.Layout l = new Sandbox.Layout(cwd, Optional.of(home), List.of(
                new Bind(data.toString(), "/d", false, "", false),
                new Bind("/etc", "/etc", true, "", false)), List.of(), false, false, Optional.empty(),
                Optional.empty());
        assertThat(Sandbox.writableSources(l)).containsExactly(cwd.toRealPath(), data.toRealPath());
        Sandbox.Layout fromHome = new Sandbox.Layout(home, Optional.of(home), List.of(), List.of(), false, false,
                Optional.empty(), Optional.empty());
        assertThat(Sandbox.writableSources(fromHome)).isEmpty();
    }

    // ------------------------------------------------------------------ the walls

    /**
     * A directory outside /tmp (the sandbox's private /tmp would hide what lies under the host's):
     * under target/, unless the checkout itself lies under /tmp (CI clones there), then /var/tmp.
     */
    Path outside;

    @org.junit.jupiter.api.BeforeEach
    void outside() throws Exception {
        Path target = Path.of("target").toAbsolutePath().toRealPath();
        Path parent = target.startsWith("/tmp") ? Path.of("/var/tmp") : target;
        outside = Files.createTempDirectory(parent, "jbox-layout-").toRealPath();
    }

    @org.junit.jupiter.api.AfterEach
    void removeOutside() throws Exception {
        try (var w = Files.walk(outside)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    Sandbox walls(Path cwd, Path home, List<Bind> binds, boolean root, List<String> unmask, List<Path> envSockets,
                  Optional<Path> emptyFile) throws Exception {
        return Sandbox.standard(new Sandbox.Layout(cwd, Optional.of(home), binds, List.of(), false, root,
                Optional.empty(), Optional.empty(), unmask, envSockets, emptyFile));
    }

    @Test
    void asRootTheKernelsHostWideKnobsAreReadOnlyRightAfterProc() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        String asRoot = args(walls(cwd, home, List.of(), true, List.of(), List.of(), Optional.empty()));
        assertThat(asRoot).contains("--proc /proc --tmpfs /tmp --ro-bind /proc/bus /proc/bus --ro-bind /proc/fs /proc/fs"
                + " --ro-bind /proc/irq /proc/irq --ro-bind /proc/sys /proc/sys ");
        String asUser = args(walls(cwd, home, List.of(), false, List.of(), List.of(), Optional.empty()));
        // a user's sandbox keeps /proc free of mounts: a nested sandbox's new /proc needs it "fully visible"
        assertThat(asUser).doesNotContain("/proc/sys").doesNotContain("/proc/acpi").doesNotContain("/sys/firmware");
    }

    @Test
    void aBindToAPlaceTheHostLacksRebuildsItsDeepestReadOnlyParent() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        Path a = Files.createDirectories(outside.resolve("a"));
        Files.writeString(a.resolve("x"), "x");
        Files.createSymbolicLink(a.resolve("l"), Path.of("x"));
        Path src = Files.createDirectories(outside.resolve("src"));
        Sandbox s = walls(cwd, home, List.of(new Bind(a.toString(), a.toString(), true, "--ro-bind", false),
                new Bind(src.toString(), a + "/new/deep", false, "--bind", false)), false, List.of(), List.of(),
                Optional.empty());
        assertThat(args(s)).contains("--ro-bind " + a + " " + a + " --tmpfs " + a + " --symlink x " + a + "/l --ro-bind "
                + a + "/x " + a + "/x --bind " + src + " " + a + "/new/deep ").contains("--remount-ro " + a + " ");
        assertThat(a.resolve("new")).as("nothing made on the host").doesNotExist();
        // under a read-write bind bwrap makes the mount point itself
        Sandbox rw = walls(cwd, home, List.of(new Bind(a.toString(), a.toString(), false, "--bind", false),
                new Bind(src.toString(), a + "/new", false, "--bind", false)), false, List.of(), List.of(),
                Optional.empty());
        assertThat(args(rw)).doesNotContain("--tmpfs " + a);
    }

    @Test
    void aBindUnderTheRootRebuildsTheRootEntryByEntryAndSealsIt() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        Sandbox s = walls(cwd, home, List.of(new Bind(cwd.toString(), "/jbox-unit-new", false, "--bind", false)),
                false, List.of(), List.of(), Optional.empty());
        assertThat(args(s)).doesNotContain("--ro-bind / / ").contains("--ro-bind /usr /usr ", "--ro-bind /etc /etc ",
                "--bind " + cwd + " /jbox-unit-new ").endsWith("--remount-ro / --chdir " + cwd);
        if (Files.isSymbolicLink(Path.of("/bin"))) {
            assertThat(args(s)).contains("--symlink " + Files.readSymbolicLink(Path.of("/bin")) + " /bin ");
        }
        // what a command finds is found as before
        assertThat(s.hostPath("/usr/bin/env")).contains(Path.of("/usr/bin/env"));
    }

    @Test
    void aBindIntoTheSandboxsOwnProcIsRefused() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        assertThatThrownBy(() -> walls(cwd, home, List.of(new Bind(cwd.toString(), "/proc/jbox/x", false, "--bind",
                false)), false, List.of(), List.of(), Optional.empty())).isInstanceOf(LaunchException.class)
                .hasMessage("cannot make the mount point /proc/jbox/x in the sandbox: /proc is the sandbox's own /proc");
    }

    @Test
    void aBindDestinationFollowsLinksAsTheSandboxDoes() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        Path real = Files.createDirectories(outside.resolve("real"));
        Files.createSymbolicLink(outside.resolve("link"), real); // absolute, as /var/run -> /run
        Sandbox s = walls(cwd, home, List.of(new Bind(cwd.toString(), outside + "/link/sub", false, "--bind", false)),
                false, List.of(), List.of(), Optional.empty());
        assertThat(args(s)).contains("--bind " + cwd + " " + real + "/sub ");
    }

    void credentials(Path home) throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(Files.createDirectories(home.resolve(".docker")).resolve("config.json"), "{}");
    }

    @Test
    void credentialsAreMaskedWhereverTheyShowUnlessUnmaskedOrNamedExactly() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home")).toRealPath();
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        Path empty = Files.writeString(outside.resolve("empty"), "");
        credentials(home);
        Sandbox s = walls(cwd, home, List.of(new Bind(home.toString(), "/h", true, "--ro-bind", false)), false,
                List.of("aws"), List.of(), Optional.of(empty));
        assertThat(args(s)).contains("--tmpfs " + home + "/.ssh ", "--tmpfs /h/.ssh ",
                "--ro-bind " + empty + " " + home + "/.docker/config.json ",
                "--ro-bind " + empty + " /h/.docker/config.json ", "--remount-ro /h/.ssh ")
                .doesNotContain(".aws");
        assertThat(s.secrets()).filteredOn(x -> x.host().startsWith(home)).extracting(Sandbox.Secret::name,
                Sandbox.Secret::maskedAt, x -> x.shown().orElse("")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ssh", List.of(home + "/.ssh", "/h/.ssh"), ""),
                org.assertj.core.groups.Tuple.tuple("aws", List.of(), "unmasked by name"),
                org.assertj.core.groups.Tuple.tuple("docker", List.of(home + "/.docker/config.json",
                        "/h/.docker/config.json"), "")); // in masks.tsv's order
        // the working directory inside one shows it; the others stay masked
        Sandbox inSsh = walls(home.resolve(".ssh"), home, List.of(), false, List.of(), List.of(), Optional.of(empty));
        assertThat(args(inSsh)).doesNotContain("--tmpfs " + home + "/.ssh ").contains("--tmpfs " + home + "/.aws ");
        assertThat(inSsh.secrets()).filteredOn(x -> x.name().equals("ssh")).singleElement()
                .extracting(x -> x.shown().orElse("")).isEqualTo("the working directory shows " + home + "/.ssh");
    }

    @Test
    void aBindInsideAHiddenServiceDirectoryIsMadeAgainOnTopOfIt() throws Exception {
        Path home = Files.createDirectories(outside.resolve("home"));
        Path cwd = Files.createDirectories(outside.resolve("proj"));
        Path runtime = Files.createDirectories(outside.resolve("rt")).toRealPath();
        Files.writeString(runtime.resolve("bus"), "");
        Files.writeString(runtime.resolve("wayland-0"), "");
        Sandbox s = walls(cwd, home, List.of(new Bind(runtime + "/bus", runtime + "/bus", false, "--bind", false)),
                false, List.of(), List.of(runtime), Optional.empty());
        String a = args(s);
        int hide = a.indexOf("--tmpfs " + runtime + " ");
        assertThat(hide).isPositive();
        assertThat(a.indexOf("--bind " + runtime + "/bus " + runtime + "/bus ", hide)).as(a).isGreaterThan(hide);
        assertThat(a).contains("--remount-ro " + runtime + " ");
        assertThat(s.hostPath(runtime + "/wayland-0")).isEmpty();
        assertThat(s.hostPath(runtime + "/bus")).contains(Path.of(runtime + "/bus"));
    }

    /** DNS keeps working: a resolv.conf that links into a hidden service directory is bound again inside it. */
    @Test
    void aFileThatLinksIntoAHiddenDirectoryIsKept() throws Exception {
        Path runtime = Files.createDirectories(outside.resolve("run")).toRealPath();
        Path stub = Files.writeString(Files.createDirectories(runtime.resolve("resolve")).resolve("stub.conf"), "ns");
        Files.createSymbolicLink(runtime.resolve("shm"), Path.of("/dev/shm"));
        Path etc = Files.createDirectories(outside.resolve("etc"));
        Path resolv = Files.createSymbolicLink(etc.resolve("resolv.conf"), stub);
        Concealed.Probe probe = Concealed.probe(Optional.empty(), List.of(runtime), List.of(resolv.toString()));
        assertThat(probe.found()).filteredOn(f -> f.host().equals(runtime)).singleElement().satisfies(f -> {
            assertThat(f.keeps()).containsExactly(stub);
            assertThat(f.links()).containsExactly(new Concealed.Link("shm", "/dev/shm"));
        });
        List<Mount> m = new java.util.ArrayList<>(List.of(new Mount.Bind("/", "/", true)));
        Sandbox.Layout l = new Sandbox.Layout(outside, Optional.empty(), List.of(), List.of(), true, false,
                Optional.empty(), Optional.empty());
        Concealed.conceal(m, l, probe, List.of());
        assertThat(m).containsSubsequence(new Mount.Empty(runtime.toString()),
                new Mount.Symlink("/dev/shm", runtime + "/shm"), new Mount.Bind(stub.toString(), stub.toString(), true));
    }
}
