package dev.jbox.cli;

import dev.jbox.config.Bind;
import dev.jbox.launch.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class RunCommand implements Subcommand {

    static final String NAME = "run";

    private final FilterOptions filterOptions = new FilterOptions();
    private final ConfigOption config = new ConfigOption();
    private final LaunchModeOptions launchMode = new LaunchModeOptions();
    private final ReportOptions report = new ReportOptions();
    private final OptionSpec shareNet = CommandModel.flag("Keep the host's network.", "--share-net");
    private final OptionSpec binds = CommandModel.pair("PATH", "Bind host path SRC read-write at DEST (--bind SRC DEST).", "--bind");
    private final OptionSpec roBinds = CommandModel.pair("PATH", "Bind host path SRC read-only at DEST (--ro-bind SRC DEST).",
            "--ro-bind");
    private final OptionSpec unmask = OptionSpec.builder("--unmask").type(List.class).auxiliaryTypes(String.class)
            .arity("1").paramLabel("NAME").description("Show a credential place that every sandbox masks (ssh, aws,"
                    + " docker, history, ...; jbox run --dry-run lists them), repeatable.").build();
    private final OptionSpec dryRun = CommandModel.flag(
            "Do everything up to the exec (compile, write and seal the filter) and print bwrap's command line instead.",
            "--dry-run");
    private final OptionSpec debug = CommandModel.flag("Print stack traces for errors.", "--debug");
    private final OptionSpec quiet = quietOption();
    private final PositionalParamSpec command = CommandModel.positional("COMMAND", List.class, "0..*", "1..*",
            "The command and its arguments.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Run a command in a bwrap sandbox under a seccomp filter.",
                "The sandbox: the host's root read-only; private /tmp, /dev and /proc; every namespace unshared (the "
                        + "network too, unless --share-net); the current directory bound read-write as the working "
                        + "directory, unless it is /, your home directory or above it, or inside jbox's own files (its "
                        + "config, its trust store, jbox itself): then it stays read-only, which jbox says once per "
                        + "directory.",
                "It hides the host's services (/run, /var/run and other socket places: a socket is reachable only "
                        + "when bound on purpose), credentials (~/.ssh, ~/.aws, shell histories, ...: shown empty; "
                        + "--unmask NAME shows one) and, as root, the kernel's host-wide knobs (/proc/sys read-only). "
                        + "A bind may land where the host has nothing (--bind ~/src /src); nothing is made on the host.",
                "The filter: --profile, else JBOX_PROFILE, else the config file's [sandbox] seccomp, else the "
                        + "default preset, minimal.");
        filterOptions.addTo(spec);
        config.addTo(spec);
        launchMode.addTo(spec);
        report.addTo(spec);
        spec.addOption(shareNet).addOption(binds).addOption(roBinds).addOption(unmask).addOption(dryRun).addOption(quiet)
                .addOption(debug)
                .addPositional(command);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Errors.Debug.enabled = CommandModel.on(debug);
        boolean dryRun = CommandModel.on(this.dryRun);
        launchMode.validate(dryRun);
        report.validate(dryRun, launchMode.noNamespaces(), filterOptions.request());
        Session.Mode mode = launchMode.noNamespaces() ? Session.Mode.NO_NAMESPACES
                : report.on() ? Session.Mode.REPORT : Session.Mode.SANDBOX;
        Session.Run request = new Session.Run(config.given(), filterOptions.request(), binds(), CommandModel.on(shareNet), mode,
                CommandModel.list(command), CommandModel.list(unmask));
        Session.Host host = Session.Host.current();
        if (mode == Session.Mode.NO_NAMESPACES) {
            Session.Unsandboxed direct = Session.direct(host, request);
            say(direct.warnings(), direct.notices()); // no sandbox: said on every run, -q or not
            direct.exec();
            return Errors.LAUNCH_ERROR; // not reached: exec either replaces us or throws
        }
        Session.Sandboxed run = Session.run(host, request);
        say(run.warnings(), Session.noticesToSay(host, run.notices(), CommandModel.on(quiet)));
        if (report.on()) { // the report's own filter replaces --seccomp (ReportOptions)
            return report.launch(run, launchMode.limits(), System.err);
        }
        if (dryRun) {
            System.out.println(run.dryRun());
            return 0;
        }
        return launchMode.launch(run);
    }

    /** -q/--quiet (run, learn): {@link Session#noticesToSay}. */
    static OptionSpec quietOption() {
        return CommandModel.flag("Say none of jbox's notices (such as the working directory kept read-only); errors and "
                + "warnings are still said. JBOX_QUIET=1 does the same.", "-q", "--quiet");
    }

    /** What the session says before the launch, on stderr. */
    static void say(List<String> warnings, List<String> notices) {
        warnings.forEach(w -> System.err.println("jbox: warning: " + w));
        notices.forEach(n -> System.err.println("jbox: " + n));
        System.err.flush();
    }

    /** The command line's binds (the session puts the config file's before them). */
    private List<Bind> binds() {
        List<Bind> out = new ArrayList<>();
        addPairs(out, CommandModel.list(binds), false, "--bind");
        addPairs(out, CommandModel.list(roBinds), true, "--ro-bind");
        return out;
    }

    private static void addPairs(List<Bind> out, List<String> pairs, boolean ro, String option) {
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String src = Path.of(pairs.get(i)).toAbsolutePath().normalize().toString();
            out.add(new Bind(src, pairs.get(i + 1), ro, option + " " + pairs.get(i) + " " + pairs.get(i + 1),
                    false));
        }
    }
}
