package dev.jbox.cli;

import dev.jbox.config.ConfigFile;
import dev.jbox.launch.Bwrap;
import dev.jbox.launch.BwrapVersion;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.PassThrough;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
@Command(name = "bwrap",
        description = {
                "Run bwrap with this exact command line, under jbox's seccomp filter (a drop-in: alias bwrap='jbox bwrap').",
                "The profile: --jbox-profile NAME (first argument only), else JBOX_PROFILE, else the config, else minimal;",
                "'none' runs bwrap unfiltered. A line with its own --seccomp/--add-seccomp-fd keeps its filter too:",
                "both are stacked with --add-seccomp-fd, jbox's first (bwrap >= 0.6.0). --help and --version are bwrap's."},
        sortOptions = false)
final class BwrapCommand implements Callable<Integer> {

    static final String PROFILE_OPTION = "--jbox-profile";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "BWRAP_ARGS", arity = "0..*",
            description = "bwrap's arguments, passed on verbatim (first, optionally: --jbox-profile NAME).")
    List<String> args = new ArrayList<>();

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
        return at < 0 ? args : all.subList(at + 1, all.size());
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Split s = split(original());
        FilterOptions filterOptions = new FilterOptions();
        filterOptions.profile = s.profile().orElse(null);
        ConfigFile cfg = new ConfigOption().load();
        Optional<Program> filter = filterOptions.resolve(env, cfg);
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        if (filter.isPresent()) {
            dev.jbox.launch.BwrapFeatures.requireSeccomp(bwrap, env); // fail closed: after exec it is too late
        }
        PassThrough.Request req = new PassThrough.Request(bwrap, s.bwrapArgs(), filter,
                PassThrough.callerFds(env.get("JBOX_CALLER_FDS")));
        PassThrough.exec(req, Launcher.environment(env), RunCommand.nofileSoft(env), b -> BwrapVersion.of(b, env));
        return Errors.LAUNCH_ERROR; // not reached: exec either replaces us or throws
    }
}
