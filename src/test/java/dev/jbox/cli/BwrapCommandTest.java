package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BwrapCommandTest {

    /** What BwrapCommand would hand to bwrap for {@code jbox ARGS} (parsed as Main parses it). */
    private static BwrapCommand.Split parse(String... args) throws Exception {
        CommandLine cl = Main.commandLine(args.length == 0 ? "" : args[0]);
        CommandLine.ParseResult pr = cl.parseArgs(args);
        List<String> original = pr.originalArgs();
        List<String> after = new ArrayList<>(original.subList(original.indexOf("bwrap") + 1, original.size()));
        // picocli must have taken the whole line as the positional list, unchanged
        BwrapCommand cmd = pr.subcommand().commandSpec().commandLine().getCommand();
        assertThat(cmd.args()).isEqualTo(after);
        return BwrapCommand.split(after);
    }

    @Test
    void everyArgumentReachesBwrapVerbatim() throws Exception {
        String[] line = {"--ro-bind", "/", "/", "--", "@file", "--help", "-h", "--version", "-V", "--x=y", "",
                "'q'", "--jbox-profile", "strict", "--"};
        List<String> args = new ArrayList<>(List.of("bwrap"));
        args.addAll(List.of(line));
        BwrapCommand.Split s = parse(args.toArray(String[]::new));
        assertThat(s.profile()).isEmpty();
        assertThat(s.bwrapArgs()).containsExactly(line);
    }

    @Test
    void helpAndVersionFirstAreBwraps() throws Exception {
        assertThat(parse("bwrap", "--help").bwrapArgs()).containsExactly("--help");
        assertThat(parse("bwrap", "--version").bwrapArgs()).containsExactly("--version");
        assertThat(parse("bwrap", "--", "true").bwrapArgs()).containsExactly("--", "true");
        assertThat(parse("bwrap").bwrapArgs()).isEmpty();
    }

    @Test
    void jboxSpeaksOnBwrapsStderrOnlyWhenVerbose() {
        assertThat(BwrapCommand.verbose(java.util.Map.of())).isFalse();
        assertThat(BwrapCommand.verbose(java.util.Map.of("JBOX_VERBOSE", "0"))).isFalse();
        assertThat(BwrapCommand.verbose(java.util.Map.of("JBOX_VERBOSE", "1"))).isTrue();
    }

    @Test
    void theProfileOptionCountsOnlyFirst() throws Exception {
        BwrapCommand.Split s = parse("bwrap", "--jbox-profile", "strict", "--ro-bind", "/", "/", "true");
        assertThat(s.profile()).contains("strict");
        assertThat(s.bwrapArgs()).containsExactly("--ro-bind", "/", "/", "true");
        assertThat(parse("bwrap", "--jbox-profile=dev", "true").profile()).contains("dev");
        assertThatThrownBy(() -> BwrapCommand.split(List.of("--jbox-profile")))
                .hasMessageContaining("needs a profile name");
    }
}
