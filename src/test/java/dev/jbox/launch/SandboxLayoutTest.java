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
        assertThat(args(s)).endsWith("--bind " + home + " /h --ro-bind " + home.resolve(".config") + " /h/.config --ro-bind "
                + home.resolve(".local") + " /h/.local --chdir " + cwd);
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
        assertThat(args(s)).contains("--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --chdir");
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
}
