package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Every page as man renders it at 80 and 160 columns: NAME a whole sentence, no line of
     * one word in DESCRIPTION (roff fills the paragraphs; jbox breaks no line by hand), and the
     * command's exit statuses.
     */
    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {80, 160})
    void manPagesRenderWithWholeSentencesAndNoOrphanedWords(int columns) throws IOException {
        Assumptions.assumeTrue(Shell.bash("command -v man", cwd, Map.of()).exit() == 0, "man is not installed");
        List<Path> pages;
        try (var s = Files.list(Probe.repo().resolve("target/man"))) {
            pages = s.filter(p -> p.toString().endsWith(".1")).sorted().toList();
        }
        assertThat(pages).hasSizeGreaterThan(10);
        for (Path page : pages) {
            Jbox.Result r = Shell.bash("MANWIDTH=" + columns + " man -l " + Shell.q(page.toString()), cwd,
                    Map.of("MANPAGER", "cat", "PAGER", "cat", "LANG", "C.UTF-8"));
            assertThat(r.exit()).as("%s: %s", page, r).isZero();
            assertThat(r.stderr()).as("%s: %s", page, r).isEmpty();
            List<String> lines = r.stdoutLines();
            String name = String.join(" ", lines.stream().skip(lines.indexOf("NAME") + 1).takeWhile(l -> !l.isBlank())
                    .map(String::strip).toList());
            assertThat(name).as(page.toString()).matches("jbox(-[a-z]+)? - [A-Z].*\\.");
            List<String> description = lines.subList(lines.indexOf("DESCRIPTION") + 1,
                    lines.indexOf(lines.stream().skip(lines.indexOf("DESCRIPTION") + 1).filter(l -> l.matches("[A-Z].*"))
                            .findFirst().orElseThrow()));
            assertThat(description).as("%s at %d columns:%n%s", page, columns, String.join("\n", description))
                    .noneMatch(l -> l.strip().matches("\\S+"));
            assertThat(lines).as("%s", page).contains("EXIT STATUS");
            assertThat(lines.stream().mapToInt(String::length).max().orElseThrow()).as("%s", page)
                    .isLessThanOrEqualTo(columns);
        }
    }

    /** Help fills the terminal it is shown on (stdout's width), up to 120 columns. */
    @Test
    void helpFollowsTheTerminalsWidth() {
        Assumptions.assumeTrue(Shell.bash("command -v script", cwd, Map.of()).exit() == 0, "script is not installed");
        for (int columns : new int[] {100, 200}) {
            // script(1) gives the command a terminal; stty sets its width
            Jbox.Result r = Shell.bash("script -qec " + Shell.q("stty cols " + columns + "; "
                    + Shell.q(Shell.script().toString()) + " run --help") + " /dev/null", cwd, Map.of("TERM", "dumb"));
            assertThat(r.exit()).as("%s", r).isZero();
            String text = r.stdout().replaceAll("\u001B\\[[0-9;]*m", "").replace("\r", "");
            int widest = text.lines().mapToInt(String::length).max().orElseThrow();
            assertThat(widest).as("%s", text).isGreaterThan(80).isLessThanOrEqualTo(Math.min(columns, 120));
        }
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
