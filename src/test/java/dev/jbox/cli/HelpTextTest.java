package dev.jbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What help and the man pages say about each command: whole sentences from one source (the
 * description), laid out for the terminal's width, no word alone on a paragraph's last line.
 */
class HelpTextTest {

    /** jbox and every subcommand, as the full model builds them. */
    static Stream<Named<CommandSpec>> commands() {
        CommandLine top = Main.commandLine("");
        return Stream.concat(Stream.of(top.getCommandSpec()),
                top.getSubcommands().values().stream().map(CommandLine::getCommandSpec))
                .map(spec -> Named.of(spec.qualifiedName(), spec));
    }

    /** The line of the command list and of the man page's NAME: one whole sentence. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everySummaryIsAWholeSentence(CommandSpec spec) {
        String summary = HelpText.summary(spec);
        assertThat(summary).as(spec.qualifiedName()).endsWith(".").doesNotContain("\n")
                .matches("[A-Z].*");
    }

    /** No text broken by hand: every paragraph and item ends a sentence (or introduces what follows). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void noDescriptionIsBrokenByHand(CommandSpec spec) {
        for (HelpText.Block b : HelpText.blocks(spec.usageMessage().description())) {
            if (b.kind() != HelpText.Kind.VERBATIM) {
                assertThat(b.text()).as("%s: %s", spec.qualifiedName(), b.kind()).matches("(?s).*[.:]");
            }
        }
    }

    static Stream<Arguments> commandsAndWidths() {
        return commands().flatMap(c -> Stream.of(Arguments.of(c.getPayload().name(), 80),
                Arguments.of(c.getPayload().name(), 160)));
    }

    /** A command's help at 80 and 160 columns: summaries whole in the command list, a description that fits. */
    @ParameterizedTest(name = "{0} at {1} columns")
    @MethodSource("commandsAndWidths")
    void helpIsLaidOutForTheWidth(String name, int columns) {
        CommandLine top = Main.commandLine("");
        int width = HelpText.width(OptionalInt.of(columns), Map.of());
        HelpText.install(top, width);
        CommandLine cl = name.equals("jbox") ? top : top.getSubcommands().get(name);
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        CommandSpec spec = cl.getCommandSpec();
        String description = HelpText.description(spec);
        assertThat(help).contains(description);
        for (String line : description.split("\n")) {
            assertThat(line.length()).as("%s", line).isLessThanOrEqualTo(width);
        }
        assertThat(orphans(description)).as("a word alone on a paragraph's last line:%n%s", description).isEmpty();
        assertThat(help).contains("Exit status:");
        if (name.equals("jbox")) {
            // each command's summary, in the list, joined again, is the whole summary
            for (var e : top.getSubcommands().entrySet()) {
                String summary = HelpText.summary(e.getValue().getCommandSpec());
                assertThat(help.replaceAll("\\s+", " ")).as(e.getKey())
                        .contains(" " + e.getKey() + " " + summary.replaceAll("\\s+", " ") + " ");
            }
        }
    }

    /** The last lines of paragraphs that hold one word. */
    static List<String> orphans(String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            boolean last = i + 1 == lines.length || lines[i + 1].isBlank();
            if (last && !lines[i - 1].isBlank() && !lines[i].isBlank() && lines[i].strip().split(" ").length == 1) {
                out.add(lines[i]);
            }
        }
        return out;
    }

    /** Filled text: every word kept in order, no line over the width (but a longer word), no orphan. */
    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {20, 33, 55, 80, 97, 120})
    void fillKeepsTheWordsWithinTheWidthAndLeavesNoOrphan(int width) {
        long seed = 0x6a626f78L ^ width;
        System.out.println("HelpTextTest seed " + Long.toHexString(seed));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n = 0; n < 500; n++) {
            List<String> words = new ArrayList<>();
            for (int w = 1 + rnd.nextInt(40); w > 0; w--) {
                words.add("x".repeat(1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 30 : 9)));
            }
            String text = String.join(" ", words);
            List<String> lines = HelpText.fill(text, width);
            assertThat(String.join(" ", lines)).isEqualTo(text);
            for (String l : lines) {
                assertThat(l.length() <= width || !l.contains(" ")).as("%s (width %d)", l, width).isTrue();
            }
            if (lines.size() > 1) {
                String last = lines.getLast();
                String before = lines.get(lines.size() - 2);
                // one word last only when it cannot share a line with the word before it
                assertThat(last.contains(" ") || !before.contains(" ")
                        || before.substring(before.lastIndexOf(' ') + 1).length() + 1 + last.length() > width)
                        .as("%s", lines).isTrue();
            }
        }
    }

    static final String README_BEGIN = "<!-- exit statuses: generated from cli/Jbox.java by scripts/gen-docs;"
            + " HelpTextTest fails when stale -->";
    static final String README_END = "<!-- end of exit statuses -->";

    /** The README's exit statuses are the ones help and the man pages give (scripts/gen-docs writes them). */
    @Test
    void theReadmesExitStatusesAreJboxsOwn() throws Exception {
        StringBuilder table = new StringBuilder("\n| command | exit status |\n| --- | --- |\n");
        for (Jbox.ExitStatus e : Jbox.EXIT_STATUSES) {
            table.append("| ").append(e.label()).append(" | ").append(e.meaning()).append(" |\n");
        }
        table.append('\n').append(Jbox.USAGE_ERRORS).append('\n');
        java.nio.file.Path readme = java.nio.file.Path.of("README.md");
        String text = java.nio.file.Files.readString(readme);
        int b = text.indexOf(README_BEGIN);
        int e = text.indexOf(README_END);
        assertThat(b).as("README.md has the exit-status markers").isNotNegative();
        assertThat(e).isGreaterThan(b);
        if (Boolean.getBoolean("jbox.docs.update")) {
            java.nio.file.Files.writeString(readme, text.substring(0, b + README_BEGIN.length()) + table + text.substring(e));
            return;
        }
        assertThat(text.substring(b + README_BEGIN.length(), e)).as("README.md is stale: run scripts/gen-docs")
                .isEqualTo(table.toString());
    }

    @Test
    void theWidthIsTheTerminalsThenColumnsThenEighty() {
        assertThat(HelpText.width(OptionalInt.of(100), Map.of("COLUMNS", "70"))).isEqualTo(100);
        assertThat(HelpText.width(OptionalInt.empty(), Map.of("COLUMNS", "70"))).isEqualTo(70);
        assertThat(HelpText.width(OptionalInt.empty(), Map.of())).isEqualTo(80);
        assertThat(HelpText.width(OptionalInt.empty(), Map.of("COLUMNS", "wide"))).isEqualTo(80);
        assertThat(HelpText.width(OptionalInt.of(300), Map.of())).as("capped").isEqualTo(120);
        assertThat(HelpText.width(OptionalInt.of(20), Map.of())).as("picocli's minimum").isEqualTo(55);
    }
}
