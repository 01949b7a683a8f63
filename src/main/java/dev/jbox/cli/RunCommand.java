package dev.jbox.cli;

import dev.jbox.config.Bind;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.SandboxSettings;
import dev.jbox.launch.Bwrap;
import dev.jbox.launch.BwrapFeatures;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.Mount;
import dev.jbox.launch.Sandbox;
import dev.jbox.seccomp.Program;
import java.nio.file.Files;
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
        spec.addOption(shareNet).addOption(binds).addOption(roBinds).addOption(dryRun).addOption(debug)
                .addPositional(command);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Errors.Debug.enabled = Opts.on(debug);
        Map<String, String> env = System.getenv();
        List<String> command = Opts.list(this.command);
        boolean dryRun = Opts.on(this.dryRun);
        launchMode.validate(dryRun);
        report.validate(dryRun, launchMode.noNamespaces(), filterOptions.request());
        ConfigFile cfg = config.load();
        SandboxSettings settings = cfg.sandbox();
        Optional<Program> filter = FilterOptions.resolve(filterOptions.request(), env, cfg);
        if (launchMode.noNamespaces()) {
            Map<String, String> direct = commandEnvironment(env, settings);
            return LaunchModeOptions.direct(command, filter, direct, Launcher.environment(direct), nofileSoft(env));
        }
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        List<Mount.Bind> extra = new ArrayList<>();
        // the file's binds first, the command line's after (later binds win in bwrap)
        for (Bind b : settings.binds()) {
            extra.add(bind(b.src(), b.dest(), b.readOnly()));
        }
        List<String> rw = Opts.list(binds);
        for (int i = 0; i + 1 < rw.size(); i += 2) {
            extra.add(bind(rw.get(i), rw.get(i + 1), false));
        }
        List<String> ro = Opts.list(roBinds);
        for (int i = 0; i + 1 < ro.size(); i += 2) {
            extra.add(bind(ro.get(i), ro.get(i + 1), true));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Sandbox sandbox = Sandbox.standard(Path.of("").toAbsolutePath(), extra,
                Opts.on(shareNet) || settings.shareNet().orElse(false), root, settings.hostname(), settings.chdir());
        Map<String, String> commandEnv = commandEnvironment(env, settings);
        sandbox.resolveCommand(command.getFirst(), commandEnv.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), command, filter);
        if (report.on()) { // the report's own filter replaces --seccomp (ReportOptions)
            return report.launch(plan, ReportOptions.policy(filterOptions.request(), env, cfg),
                    filterOptions.request().complain(), Launcher.environment(commandEnv), nofileSoft(env),
                    launchMode.limits(), System.err);
        }
        if (filter.isPresent()) {
            BwrapFeatures.requireSeccomp(bwrap, env); // fail closed: after exec it is too late
        }
        if (dryRun) {
            DryRun.print(plan, nofileSoft(env));
            return 0;
        }
        return launchMode.launch(plan, Launcher.environment(commandEnv), nofileSoft(env));
    }

    private static Mount.Bind bind(String src, String dest, boolean ro) throws LaunchException {
        Path s = Path.of(src).toAbsolutePath().normalize();
        if (!Files.exists(s)) {
            throw new LaunchException(LaunchException.Kind.FAILED, "bind source does not exist: " + src);
        }
        if (!dest.startsWith("/")) {
            throw new LaunchException(LaunchException.Kind.FAILED, "bind destination must be an absolute path: " + dest);
        }
        return new Mount.Bind(s.toString(), dest, ro);
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
