package dev.jbox.cli;

import dev.jbox.launch.Terminal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a command's help and its man page lay out what the command says about itself.
 *
 * <p>A command's description ({@link CommandModel#command}) is its summary, one whole sentence (the
 * line of {@code jbox --help}'s command list and of the man page's NAME), then blocks: a
 * paragraph, filled to the width; an item, {@code "- text"}, filled with a hanging indent; or
 * a line that starts with two spaces (an example), kept as it is. No text is broken by hand,
 * so help can fill the terminal's width and roff the page's.
 */
final class HelpText {
    private HelpText() {
    }

    /** What a block of a description is. */
    enum Kind { PARAGRAPH, ITEM, VERBATIM }

    /** One block: its kind and its text (an item without its "- ", a verbatim line as written). */
    record Block(Kind kind, String text) {
    }

    /** Help is never wider than this, however wide the terminal: longer lines are hard to read. */
    static final int MAX_WIDTH = 120;
    /** picocli's own minimum. */
    static final int MIN_WIDTH = 55;
    static final int DEFAULT_WIDTH = 80;

    /** The blocks of a description, the summary first (a paragraph). */
    static List<Block> blocks(String[] description) {
        List<Block> out = new ArrayList<>();
        for (String d : description) {
            if (d.startsWith("  ")) {
                out.add(new Block(Kind.VERBATIM, d));
            } else if (d.startsWith("- ")) {
                out.add(new Block(Kind.ITEM, d.substring(2)));
            } else {
                out.add(new Block(Kind.PARAGRAPH, d));
            }
        }
        return out;
    }

    /** The command's summary: the first block of its description. */
    static String summary(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0];
    }

    /**
     * The words of {@code text} in lines of at most {@code width} columns (a longer word has a
     * line of its own). When the last line would hold one word, the line before gives it a
     * companion: a single word alone under a paragraph reads as a mistake.
     */
    static List<String> fill(String text, int width) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        int len = 0;
        for (String w : text.trim().split("\\s+")) {
            if (!line.isEmpty() && len + 1 + w.length() > width) {
                lines.add(line);
                line = new ArrayList<>();
                len = 0;
            }
            len += (line.isEmpty() ? 0 : 1) + w.length();
            line.add(w);
        }
        lines.add(line);
        int n = lines.size();
        if (n > 1 && lines.get(n - 1).size() == 1 && lines.get(n - 2).size() > 1) {
            List<String> before = lines.get(n - 2);
            String moved = before.removeLast();
            if (moved.length() + 1 + lines.get(n - 1).getFirst().length() <= width) {
                lines.get(n - 1).addFirst(moved);
            } else {
                before.add(moved); // the two would not fit on one line: leave them
            }
        }
        return lines.stream().map(l -> String.join(" ", l)).toList();
    }

    /**
     * The width help is laid out for: the terminal's (stdout's), else {@code COLUMNS}, else 80;
     * at most {@link #MAX_WIDTH}.
     */
    static int width(OptionalInt terminal, Map<String, String> env) {
        int w = DEFAULT_WIDTH;
        if (terminal.isPresent()) {
            w = terminal.getAsInt();
        } else {
            try {
                w = Integer.parseInt(env.getOrDefault("COLUMNS", "").trim());
            } catch (NumberFormatException e) {
                // not set, or not a number: the default
            }
        }
        return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, w));
    }

    /** Whether this parse ends in help being printed: -h/--help anywhere, or {@code jbox} alone. */
    static boolean shown(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested()) {
                return true;
            }
            if (p.subcommand() == null) {
                return p.commandSpec().userObject() instanceof Jbox;
            }
        }
        return false;
    }

    /**
     * Lays out the help of {@code top} and its subcommands for this terminal. Only done when
     * help is shown: asking the terminal costs a native call that a launch should not pay.
     */
    static void install(CommandLine top) {
        install(top, width(Terminal.columns(1), System.getenv()));
    }

    /** Lays out the help of {@code top} and its subcommands for {@code width} columns. */
    static void install(CommandLine top, int width) {
        top.setUsageHelpWidth(width);
        installRenderers(top);
    }

    /** The description and exit-status sections of every command of {@code cl}, laid out here. */
    private static void installRenderers(CommandLine cl) {
        Map<String, CommandLine.IHelpSectionRenderer> map = cl.getHelpSectionMap();
        map.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> description(help.commandSpec()));
        map.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> exitStatus(help.commandSpec()));
        cl.setHelpSectionMap(map);
        cl.getCommandSpec().usageMessage().commandListHeading("%nCommands:%n");
        for (CommandLine sub : cl.getSubcommands().values()) {
            installRenderers(sub);
        }
    }

    static String description(CommandSpec spec) {
        int width = spec.usageMessage().width();
        StringBuilder sb = new StringBuilder();
        Kind last = null;
        for (Block b : blocks(spec.usageMessage().description())) {
            // a blank line between blocks, except inside a run of items or of example lines
            if (last != null && !(b.kind() == last && b.kind() != Kind.PARAGRAPH)) {
                sb.append('\n');
            }
            switch (b.kind()) {
                case PARAGRAPH -> fill(b.text(), width).forEach(l -> sb.append(l).append('\n'));
                case ITEM -> hanging(sb, "  - ", b.text(), width);
                case VERBATIM -> sb.append(b.text()).append('\n');
            }
            last = b.kind();
        }
        return sb.append('\n').toString();
    }

    /** The exit-status section of {@code spec}'s help: the statuses of that command (of every one, for jbox). */
    static String exitStatus(CommandSpec spec) {
        int width = spec.usageMessage().width();
        StringBuilder sb = new StringBuilder("\nExit status:\n");
        for (Jbox.ExitStatus e : Jbox.exitStatuses(spec.name())) {
            String label = "  " + e.label();
            String pad = " ".repeat(14);
            if (label.length() + 1 > pad.length()) {
                sb.append(label).append('\n');
                hanging(sb, pad, e.meaning(), width);
            } else {
                hanging(sb, label + " ".repeat(pad.length() - label.length()), e.meaning(), width);
            }
        }
        sb.append('\n');
        fill(Jbox.USAGE_ERRORS, width).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** {@code text} filled after {@code first}, its other lines indented as far. */
    private static void hanging(StringBuilder sb, String first, String text, int width) {
        String indent = " ".repeat(first.length());
        List<String> lines = fill(text, Math.max(20, width - first.length()));
        for (int i = 0; i < lines.size(); i++) {
            sb.append(i == 0 ? first : indent).append(lines.get(i)).append('\n');
        }
    }
}
