package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell integration: completion, man pages, --version, the bwrap alias and a jbox linked in as bwrap. */
class ShellIT {

    @TempDir
    Path cwd;

    @Test
    void bashCompletionIsAValidScriptThatCompletesSubcommands() throws IOException {
        Jbox.Result r = Jbox.raw(List.of("completion", "bash"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        Path script = cwd.resolve("jbox.bash");
        Files.writeString(script, r.stdout());
        // load it and ask for the completions of "jbox do" and "jbox run --time"
        Jbox.Result c = Shell.bash("source " + script + "; COMP_WORDS=(jbox do); COMP_CWORD=1; COMP_LINE='jbox do';"
                + " COMP_POINT=7; _complete_jbox; echo \"${COMPREPLY[@]}\"; COMP_WORDS=(jbox run --time); COMP_CWORD=2;"
                + " COMP_LINE='jbox run --time'; COMP_POINT=15; _complete_jbox; echo \"${COMPREPLY[@]}\"", cwd, Map.of());
        assertThat(c.exit()).as("%s", c).isZero();
        assertThat(c.stdoutLines()).as("%s", c).containsExactly("doctor", "--timeout");
    }

    @Test
    void zshGetsTheSameScriptWhichLoadsBashcompinit() {
        Jbox.Result r = Jbox.raw(List.of("completion", "zsh"), Jbox.Options.in(cwd));
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("bashcompinit").contains("complete -F _complete_jbox");
        Jbox.Result bad = Jbox.raw(List.of("completion", "fish"), Jbox.Options.in(cwd));
        assertThat(bad.exit()).isEqualTo(2);
    }

    @Test
    void manPagesAreBuilt() throws IOException {
        Path man = Probe.repo().resolve("target/man");
        for (String page : new String[] {"jbox", "jbox-run", "jbox-bwrap", "jbox-doctor", "jbox-completion"}) {
            assertThat(man.resolve(page + ".1")).exists();
        }
        assertThat(Files.readString(man.resolve("jbox-run.1"))).startsWith(".TH JBOX-RUN 1").contains("\\-\\-timeout");
    }

    @Test
    void versionNamesJboxTheJdkAndBwrap() {
        Jbox.Result r = Jbox.raw(List.of("--version"), Jbox.Options.in(cwd));
        assertThat(r.exit()).isZero();
        assertThat(r.stdoutLines()).hasSize(3);
        assertThat(r.stdoutLines().get(0)).startsWith("jbox ");
        assertThat(r.stdoutLines().get(1)).startsWith("JDK " + Runtime.version().feature());
        assertThat(r.stdoutLines().get(2)).matches("bwrap \\d+\\.\\d+\\.\\d+ \\(/.*bwrap\\)");
    }

    @Test
    void theAliasWorksInAnInteractiveBash() {
        String snippet = "alias bwrap=" + Shell.q(Shell.q(Shell.script().toString()) + " bwrap") + "\n"
                + "type bwrap\n"
                + "bwrap --ro-bind / / --unshare-pid sh -c 'grep ^Seccomp: /proc/self/status; exit 4'\n"
                + "echo status $?\n";
        Jbox.Result r = Shell.bash(snippet, cwd, Map.of("HOME", cwd.toString()), "--norc", "-i");
        assertThat(r.stdout()).as("%s", r).contains("bwrap is aliased to").contains("Seccomp:\t2\nstatus 4\n");
    }

    @Test
    void jboxLinkedInAsBwrapBehavesAsJboxBwrapAndFindsTheRealOne() throws IOException {
        Path bin = Files.createDirectories(cwd.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("bwrap"), Shell.script());
        Jbox.Result r = Shell.bash("export PATH=" + bin + ":$PATH; command -v bwrap; "
                + "bwrap --ro-bind / / sh -c 'grep ^Seccomp: /proc/self/status'", cwd, Map.of());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly(bin.resolve("bwrap").toString(), "Seccomp:\t2");
        // with only the link on PATH there is no real bwrap: jbox's error, not a loop
        Path tools = Shell.tools(cwd.resolve("tools"), Shell.SCRIPT_TOOLS);
        Jbox.Result alone = Shell.bash("export PATH=" + bin + ":" + tools + "; bwrap true", cwd,
                Map.of("JBOX_NO_INSTALL", "1"));
        assertThat(alone.exit()).as("%s", alone).isEqualTo(125);
        assertThat(alone.stderr()).as("%s", alone).isEqualTo("jbox: bwrap not found in PATH: install bubblewrap"
                + " (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), then run jbox again;"
                + " nothing was run\n");
    }
}
