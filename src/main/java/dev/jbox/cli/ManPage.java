package dev.jbox.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes roff man pages ({@code jbox.1}, {@code jbox-run.1}, ...) from the picocli model, at
 * build time ({@code exec-maven-plugin}, phase {@code package}, into {@code target/man/}).
 * picocli-codegen's ManPageGenerator only writes AsciiDoc, which needs Asciidoctor (JRuby)
 * to become roff; the model is small enough to render directly.
 */
public final class ManPage {
    private ManPage() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/man");
        Files.createDirectories(dir);
        CommandLine root = Main.commandLine(""); // the full model: every subcommand
        write(dir, root.getCommandSpec(), "jbox");
        for (var e : root.getSubcommands().entrySet()) {
            write(dir, e.getValue().getCommandSpec(), "jbox-" + e.getKey());
        }
    }

    private static void write(Path dir, CommandSpec spec, String page) throws IOException {
        Files.writeString(dir.resolve(page + ".1"), render(spec, page), StandardCharsets.UTF_8);
    }

    static String render(CommandSpec spec, String page) {
        StringBuilder r = new StringBuilder();
        String version = Jbox.class.getPackage().getImplementationVersion();
        r.append(".TH ").append(page.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"jbox ")
                .append(version == null ? "" : version).append("\" \"jbox manual\"\n");
        // no hyphenation (an option or a path split at a hyphen of roff's reads as another one),
        // left-aligned (no stretched spaces beside long paths and option lists)
        r.append(".nh\n.ad l\n");
        r.append(".SH NAME\n").append(esc(page)).append(" \\- ").append(esc(HelpText.summary(spec))).append('\n');
        r.append(".SH SYNOPSIS\n.B ").append(esc(spec.qualifiedName())).append('\n');
        if (!spec.options().isEmpty()) {
            r.append("[\\fIOPTIONS\\fR]\n");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            r.append("\\fI").append(esc(p.paramLabel())).append("\\fR").append(p.arity().max() > 1 ? "..." : "")
                    .append('\n');
        }
        if (!spec.subcommands().isEmpty()) {
            r.append("\\fICOMMAND\\fR [\\fIARGS\\fR...]\n");
        }
        r.append(".SH DESCRIPTION\n");
        description(r, HelpText.blocks(spec.usageMessage().description()));
        if (!spec.options().isEmpty()) {
            r.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                r.append(".TP\n\\fB").append(esc(String.join(", ", o.names()))).append("\\fR");
                if (o.arity().max() > 0) {
                    r.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                r.append('\n').append(tied(esc(String.join(" ", o.description())))).append('\n');
            }
        }
        if (!spec.positionalParameters().isEmpty()) {
            r.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                r.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n")
                        .append(tied(esc(String.join(" ", p.description())))).append('\n');
            }
        }
        if (!spec.subcommands().isEmpty()) {
            r.append(".SH COMMANDS\n");
            for (var e : spec.subcommands().entrySet()) {
                r.append(".TP\n\\fB").append(esc(e.getKey())).append("\\fR\n")
                        .append(esc(HelpText.summary(e.getValue().getCommandSpec())))
                        .append(" See \\fBjbox-").append(esc(e.getKey())).append("\\fR(1).\n");
            }
        }
        List<Jbox.ExitStatus> statuses = Jbox.exitStatuses(spec.name());
        if (!statuses.isEmpty()) {
            r.append(".SH EXIT STATUS\n");
            for (Jbox.ExitStatus e : statuses) {
                r.append(".TP\n\\fB").append(esc(e.label())).append("\\fR\n").append(tied(esc(e.meaning()))).append('\n');
            }
            r.append(".PP\n").append(tied(esc(Jbox.USAGE_ERRORS))).append('\n');
        }
        r.append(".SH SEE ALSO\n\\fBbwrap\\fR(1)").append(page.equals("jbox") ? "" : ", \\fBjbox\\fR(1)").append('\n');
        return r.toString();
    }

    /**
     * The description's blocks: paragraphs and items filled by roff (no line breaks of ours,
     * so the page fits any width), example lines kept as written.
     */
    private static void description(StringBuilder r, List<HelpText.Block> blocks) {
        boolean example = false;
        for (HelpText.Block b : blocks) {
            boolean verbatim = b.kind() == HelpText.Kind.VERBATIM;
            if (example && !verbatim) {
                r.append(".fi\n.RE\n");
            } else if (!example && verbatim) {
                r.append(".PP\n.RS 4\n.nf\n");
            }
            example = verbatim;
            switch (b.kind()) {
                case PARAGRAPH -> r.append(".PP\n").append(tied(esc(b.text()))).append('\n');
                case ITEM -> r.append(".IP \\(bu 2\n").append(tied(esc(b.text()))).append('\n');
                case VERBATIM -> r.append(esc(b.text().strip())).append('\n');
            }
        }
        if (example) {
            r.append(".fi\n.RE\n");
        }
    }

    /**
     * The last two words of a filled text joined by an unbreakable space ({@code \\~}), so that
     * roff never leaves one word alone on a paragraph's last line.
     */
    static String tied(String text) {
        int i = text.lastIndexOf(' ');
        return i <= 0 ? text : text.substring(0, i) + "\\~" + text.substring(i + 1);
    }

    /** roff escaping: backslashes, leading dots and quotes, and picocli's %n. */
    static String esc(String s) {
        String t = s.replace("%n", " ").replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }
}
