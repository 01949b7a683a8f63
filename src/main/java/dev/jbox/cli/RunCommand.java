package dev.jbox.cli;

import dev.jbox.config.Bind;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.SandboxSettings;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustRecord;
import dev.jbox.config.TrustStore;
import dev.jbox.config.UserDirs;
import dev.jbox.launch.Bwrap;
import dev.jbox.launch.BwrapFeatures;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class RunCommand implements Subcommand {

    static final String NAME = "run";

    private final FilterOptions filterOptions = new FilterOptions();
    private final ConfigOption config = new ConfigOption();
    private final LaunchModeOptions launchMode = new LaunchModeOptions();
    private final ReportOptions report = new ReportOptions();
    private final OptionSpec shareNet = Opts.flag("Keep the host's network.", "--share-net");
    private final OptionSpec binds = Opts.pair("PATH", "Bind host path SRC read-write at DEST (--bind SRC DEST).", "--bind");
    private final OptionSpec roBinds = Opts.pair("PATH", "Bind host path SRC read-only at DEST (--ro-bind SRC DEST).",
            "--ro-bind");
    private final OptionSpec unmask = OptionSpec.builder("--unmask").type(List.class).auxiliaryTypes(String.class)
            .arity("1").paramLabel("NAME").description("Show a credential place that every sandbox masks (ssh, aws,"
                    + " docker, history, ...; jbox run --dry-run lists them), repeatable.").build();
    private final OptionSpec dryRun = Opts.flag(
            "Do everything up to the exec (compile, write and seal the filter) and print bwrap's command line instead.",
            "--dry-run");
    private final OptionSpec debug = Opts.flag("Print stack traces for errors.", "--debug");
    private final PositionalParamSpec command = Opts.positional("COMMAND", List.class, "0..*", "1..*",
            "The command and its arguments.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Run a command in a bwrap sandbox under a seccomp filter.",
                "Layout: read-only host root, private /tmp, /dev and /proc, every namespace unshared",
                "(network only with --share-net), the current directory bound read-write and used as",
                "the working directory. Without --profile, JBOX_PROFILE or the default 'minimal' applies.");
        filterOptions.addTo(spec);
        config.addTo(spec);
        launchMode.addTo(spec);
        report.addTo(spec);
        spec.addOption(shareNet).addOption(binds).addOption(roBinds).addOption(unmask).addOption(dryRun).addOption(debug)
                .addPositional(command);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Errors.Debug.enabled = Opts.on(debug);
        Map<String, String> env = Launcher.callerEnvironment(System.getenv()); // JAVA_*OPTIONS handed back
        List<String> command = Opts.list(this.command);
        boolean dryRun = Opts.on(this.dryRun);
        launchMode.validate(dryRun);
        report.validate(dryRun, launchMode.noNamespaces(), filterOptions.request());
        ConfigFile cfg = config.load();
        SandboxSettings settings = cfg.sandbox();
        UserDirs dirs = UserDirs.of(env);
        TrustStore store = TrustStore.of(dirs);
        if (launchMode.noNamespaces()) {
            // no sandbox, nothing bound: only a project file needs trust here
            Optional<TrustRecord> record = cfg.origin() == ConfigFile.Origin.PROJECT
                    ? Optional.of(Trust.verify(cfg, store)) : Optional.empty();
            FilterOptions.Resolved filter = FilterOptions.resolve(filterOptions.request(), env, cfg,
                    new Trust.Gate(store, record, List.of()));
            Map<String, String> direct = commandEnvironment(env, settings);
            return LaunchModeOptions.direct(command, filter.program(), direct, Launcher.environment(direct),
                    nofileSoft(env));
        }
        Sandbox.Layout layout = new Sandbox.Layout(Path.of("").toAbsolutePath(), dirs.home(), binds(settings),
                Guards.of(env, dirs), Opts.on(shareNet) || settings.shareNet().orElse(false), Launcher.runningAsRoot(),
                settings.hostname(), settings.chdir(), unmask(settings), Sandbox.socketsNamedBy(env),
                Sandbox.emptyFile(dirs.stateDir()));
        // Trust first: nothing of an untrusted file is used, not even to create a directory.
        List<Path> writable = Sandbox.writableSources(layout);
        Optional<TrustRecord> record = needsTrust(cfg, writable) ? Optional.of(Trust.verify(cfg, store))
                : Optional.empty();
        Trust.Gate gate = new Trust.Gate(store, record, writable);
        FilterOptions.Resolved filter = FilterOptions.resolve(filterOptions.request(), env, cfg, gate);
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        Sandbox sandbox = Sandbox.standard(layout);
        Map<String, String> commandEnv = commandEnvironment(env, settings);
        sandbox.resolveCommand(command.getFirst(), commandEnv.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), command, filter.program());
        if (report.on()) { // the report's own filter replaces --seccomp (ReportOptions)
            return report.launch(plan, ReportOptions.policy(filterOptions.request(), env, cfg, gate),
                    filterOptions.request().complain(), Launcher.environment(commandEnv), nofileSoft(env),
                    launchMode.limits(), System.err);
        }
        if (filter.program().isPresent()) {
            BwrapFeatures.requireSeccomp(bwrap, env); // fail closed: after exec it is too late
        }
        filter.warning().ifPresent(w -> System.err.println("jbox: warning: " + w));
        sandbox.notices().forEach(n -> System.err.println("jbox: " + n));
        if (dryRun) {
            DryRun.print(plan, nofileSoft(env));
            DryRun.walls(sandbox, plan);
            return 0;
        }
        return launchMode.launch(plan, Launcher.environment(commandEnv), nofileSoft(env));
    }

    /**
     * A project's {@code ./jbox.toml} always needs the user's trust; a {@code --config} file
     * only when the sandbox could have written it (it lies under a read-write bind).
     */
    static boolean needsTrust(ConfigFile cfg, List<Path> writable) {
        return switch (cfg.origin()) {
            case PROJECT -> true;
            case EXPLICIT -> cfg.path().isPresent()
                    && Trust.writableBindOver(cfg.path().get(), writable).isPresent();
            case USER, NONE -> false;
        };
    }

    /** The masks the config file and the command line lift (each name checked against masks.tsv). */
    private List<String> unmask(SandboxSettings settings) throws dev.jbox.config.ConfigException {
        List<String> out = new ArrayList<>(settings.unmask());
        List<String> given = Opts.list(unmask);
        if (!given.isEmpty()) {
            dev.jbox.config.Masks.builtin().check(given, "--unmask");
        }
        out.addAll(given);
        return out;
    }

    /** The config file's binds first, the command line's after (later binds win in bwrap). */
    private List<Bind> binds(SandboxSettings settings) {
        List<Bind> out = new ArrayList<>(settings.binds());
        addPairs(out, Opts.list(binds), false, "--bind");
        addPairs(out, Opts.list(roBinds), true, "--ro-bind");
        return out;
    }

    private static void addPairs(List<Bind> out, List<String> pairs, boolean ro, String option) {
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String src = Path.of(pairs.get(i)).toAbsolutePath().normalize().toString();
            out.add(new Bind(src, pairs.get(i + 1), ro, option + " " + pairs.get(i) + " " + pairs.get(i + 1),
                    false));
        }
    }

    /** The command's environment: jbox's own, as the config's env settings change it. */
    static Map<String, String> commandEnvironment(Map<String, String> env, SandboxSettings s) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (s.clearEnv()) {
            // PATH stays: without it the command could not be found as jbox found it
            if (env.containsKey("PATH")) {
                out.put("PATH", env.get("PATH"));
            }
        } else {
            out.putAll(env);
        }
        s.unsetEnv().forEach(out::remove);
        out.putAll(s.setEnv());
        return out;
    }

    static long nofileSoft(Map<String, String> env) {
        String v = env.get("JBOX_NOFILE_SOFT");
        if (v == null || v.isEmpty()) {
            return -1;
        }
        if (v.equals("unlimited")) {
            return dev.jbox.nativ.Posix.RLIM_INFINITY;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
