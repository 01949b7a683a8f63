package dev.jbox.cli;

import dev.jbox.launch.BwrapVersion;
import dev.jbox.launch.Caller;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.PassThrough;
import dev.jbox.launch.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbox bwrap [--jbox-profile NAME] [BWRAP ARGS...]}: a drop-in for bwrap
 * ({@code alias bwrap='jbox bwrap'}) that adds jbox's filter and changes nothing else.
 *
 * <p>picocli sees no options here: the command declares only a positional list, stops at
 * the first positional and takes unmatched options as positionals, and {@link #call()}
 * reads the arguments from the original command line anyway, so that {@code --help},
 * {@code --version}, {@code --}, {@code @file} and every bwrap option reach bwrap verbatim.
 * The one jbox option, {@code --jbox-profile NAME} (or {@code =NAME}), is recognised only
 * first.
 */
final class BwrapCommand implements Subcommand {

    static final String NAME = "bwrap";
    static final String PROFILE_OPTION = "--jbox-profile";

    /** {@code JBOX_VERBOSE=1}: jbox may speak on bwrap's stderr. */
    static boolean verbose(Map<String, String> env) {
        return "1".equals(env.get("JBOX_VERBOSE"));
    }

    /** The last step: exec bwrap with the caller's environment; for the AOT cache's training, everything but the exec. */
    @FunctionalInterface
    interface Finish {
        void launch(PassThrough.Request req, List<String> env, long nofileSoft, PassThrough.VersionSource version)
                throws LaunchException;
    }

    private final Finish finish;

    BwrapCommand() {
        this(PassThrough::exec);
    }

    BwrapCommand(Finish finish) {
        this.finish = finish;
    }

    /** picocli's model, built only for {@code jbox help bwrap} and the like: Main runs bwrap mode without it. */
    private PositionalParamSpec args;
    private CommandSpec spec;

    @Override
    public CommandSpec spec() {
        args = CommandModel.positional("BWRAP_ARGS", List.class, "0..*", "0..*",
                "bwrap's arguments, passed on verbatim (first, optionally: --jbox-profile NAME).");
        spec = CommandModel.command(NAME, this,
                "Run bwrap with this exact command line, under jbox's seccomp filter (a drop-in: alias bwrap='jbox bwrap').",
                "The profile: --jbox-profile NAME (as the first argument only), else JBOX_PROFILE, else your own "
                        + "config.toml's [sandbox] seccomp (never ./jbox.toml: the caller's directory does not choose "
                        + "it), else minimal; 'none' runs bwrap unfiltered.",
                "A command line with its own --seccomp or --add-seccomp-fd keeps its filter too: both are stacked with "
                        + "--add-seccomp-fd, jbox's first (bwrap >= 0.6.0). --help and --version are bwrap's.");
        spec.addPositional(args);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public boolean standardHelp() {
        return false;
    }

    /** The positional list picocli parsed (the tests compare it with the original line). */
    List<String> args() {
        return CommandModel.list(args);
    }

    /**
     * The jbox profile option and bwrap's arguments, split from what followed {@code bwrap}
     * on jbox's command line.
     *
     * @param profile the --jbox-profile value, if given first
     * @param bwrapArgs everything else, verbatim
     */
    record Split(Optional<String> profile, List<String> bwrapArgs) {
    }

    static Split split(List<String> afterSubcommand) throws Errors.UsageException {
        if (!afterSubcommand.isEmpty()) {
            String first = afterSubcommand.getFirst();
            if (first.equals(PROFILE_OPTION)) {
                if (afterSubcommand.size() < 2) {
                    throw new Errors.UsageException(PROFILE_OPTION + " needs a profile name");
                }
                return new Split(Optional.of(afterSubcommand.get(1)),
                        List.copyOf(afterSubcommand.subList(2, afterSubcommand.size())));
            }
            if (first.startsWith(PROFILE_OPTION + "=")) {
                return new Split(Optional.of(first.substring(PROFILE_OPTION.length() + 1)),
                        List.copyOf(afterSubcommand.subList(1, afterSubcommand.size())));
            }
        }
        return new Split(Optional.empty(), List.copyOf(afterSubcommand));
    }

    /** The arguments after the subcommand's name, as the user typed them. */
    private List<String> original() {
        List<String> all = spec.commandLine().getParseResult() == null ? List.of()
                : spec.root().commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return at < 0 ? args() : all.subList(at + 1, all.size());
    }

    @Override
    public Integer call() throws Exception {
        return launch(original());
    }

    /**
     * Everything {@code jbox bwrap} does, from the caller's line to bwrap's exec: {@link Main}
     * calls it for {@code jbox bwrap ...} without building picocli's model (bwrap's line is not
     * jbox's to parse), {@link #call()} when picocli runs the command.
     *
     * @param afterSubcommand the JVM's arguments after {@code bwrap}
     */
    int launch(List<String> afterSubcommand) throws Exception {
        Split s = split(afterSubcommand);
        // the line and the environment byte for byte, for bwrap (the JVM's decoding is lossy)
        Caller caller = Caller.read(afterSubcommand);
        List<String> bwrapArgs = caller.args().subList(caller.args().size() - s.bwrapArgs().size(), caller.args().size());
        Session.Host host = Session.Host.current();
        Session.Passed passed = Session.bwrap(host, new Session.Bwrap(s.profile(), bwrapArgs), caller);
        // bwrap's stderr is bwrap's: clients quote its first line. An explicit opt-out is
        // said only when asked (JBOX_VERBOSE=1).
        if (verbose(host.env())) {
            passed.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
        }
        finish.launch(passed.request(), passed.env(), passed.nofileSoft(), b -> BwrapVersion.of(b, host.env()));
        return Errors.LAUNCH_ERROR; // not reached but in the AOT training: exec either replaces us or throws
    }
}
