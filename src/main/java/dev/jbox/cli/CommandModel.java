package dev.jbox.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * jbox's command line, declared with picocli's programmatic model instead of annotations.
 *
 * <p>Why not annotations: reading an annotation makes the JDK generate a dynamic proxy class
 * per annotation type, the JDK 25 AOT cache cannot hold those, and on {@code jbox run} the
 * eight of them cost about 60 ms of every launch (docs/STARTUP.md). The model built here is
 * the same picocli model, so parsing, help, errors, completion and man pages are unchanged.
 *
 * <p>A command keeps its {@link OptionSpec}s as fields and reads their values after the parse
 * with the accessors below.
 */
final class CommandModel {
    private CommandModel() {
    }

    /** A command's model around {@code command}, which picocli calls. */
    static CommandSpec command(String name, Object command, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /**
     * -h/--help and -V/--version, as picocli's mixinStandardHelpOptions adds them (without the
     * annotated mixin it would read for that). Added last, so they are listed last.
     */
    static CommandSpec addStandardHelp(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec.versionProvider(new VersionProvider());
    }

    /** An option without a value. */
    static OptionSpec flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").initialValue(false)
                .description(description).build();
    }

    /** An option with one value of {@code type}. */
    static OptionSpec value(String label, Class<?> type, String description, String... names) {
        return OptionSpec.builder(names).type(type).arity("1").paramLabel(label).description(description).build();
    }

    /** An option taking two values each time (--bind SRC DEST), repeatable. */
    static OptionSpec pair(String label, String description, String name) {
        return OptionSpec.builder(name).type(List.class).auxiliaryTypes(String.class).arity("2").paramLabel(label)
                .description(description).build();
    }

    /** A positional parameter at {@code index} ("0", "1..*"). */
    static PositionalParamSpec positional(String label, Class<?> type, String index, String arity, String description) {
        // required follows the arity, as it does for an annotated parameter
        PositionalParamSpec.Builder b = PositionalParamSpec.builder().index(index).arity(arity).paramLabel(label)
                .required(!arity.startsWith("0")).description(description);
        if (type == List.class) {
            b.type(List.class).auxiliaryTypes(String.class);
        } else {
            b.type(type);
        }
        return b.build();
    }

    static boolean on(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /** The option's or parameter's value, or null when it was not given (and has no default). */
    static <T> T get(picocli.CommandLine.Model.ArgSpec arg) {
        return arg.getValue();
    }

    /** A list-valued option or parameter: empty when not given. */
    static List<String> list(picocli.CommandLine.Model.ArgSpec arg) {
        List<String> v = arg.getValue();
        return v == null ? List.of() : v;
    }
}
