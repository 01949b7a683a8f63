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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run",
        description = {
                "Run a command in a bwrap sandbox under a seccomp filter.",
                "Layout: read-only host root, private /tmp, /dev and /proc, every namespace unshared",
                "(network only with --share-net), the current directory bound read-write and used as",
                "the working directory. Without --profile, JBOX_PROFILE or the default 'minimal' applies."},
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class RunCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    FilterOptions filterOptions;

    @picocli.CommandLine.Mixin
    ConfigOption config;

    @picocli.CommandLine.Mixin
    LaunchModeOptions launchMode;

    @Option(names = "--share-net", description = "Keep the host's network.")
    boolean shareNet;

    @Option(names = "--bind", arity = "2", paramLabel = "PATH",
            description = "Bind host path SRC read-write at DEST (--bind SRC DEST).")
    List<String> binds = new ArrayList<>();

    @Option(names = "--ro-bind", arity = "2", paramLabel = "PATH",
            description = "Bind host path SRC read-only at DEST (--ro-bind SRC DEST).")
    List<String> roBinds = new ArrayList<>();

    @Option(names = "--dry-run",
            description = "Do everything up to the exec (compile, write and seal the filter) and print bwrap's command line instead.")
    boolean dryRun;

    @Option(names = "--debug", description = "Print stack traces for errors.")
    void debug(boolean on) {
        Errors.Debug.enabled = on;
    }

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        launchMode.validate(dryRun);
        ConfigFile cfg = config.load();
        SandboxSettings settings = cfg.sandbox();
        Optional<Program> filter = filterOptions.resolve(env, cfg);
        if (launchMode.noNamespaces) {
            Map<String, String> direct = commandEnvironment(env, settings);
            return LaunchModeOptions.direct(command, filter, direct, Launcher.environment(direct), nofileSoft(env));
        }
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        List<Mount.Bind> extra = new ArrayList<>();
        // the file's binds first, the command line's after (later binds win in bwrap)
        for (Bind b : settings.binds()) {
            extra.add(bind(b.src(), b.dest(), b.readOnly()));
        }
        for (int i = 0; i + 1 < binds.size(); i += 2) {
            extra.add(bind(binds.get(i), binds.get(i + 1), false));
        }
        for (int i = 0; i + 1 < roBinds.size(); i += 2) {
            extra.add(bind(roBinds.get(i), roBinds.get(i + 1), true));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Sandbox sandbox = Sandbox.standard(Path.of("").toAbsolutePath(), extra,
                shareNet || settings.shareNet().orElse(false), root, settings.hostname(), settings.chdir());
        Map<String, String> commandEnv = commandEnvironment(env, settings);
        sandbox.resolveCommand(command.getFirst(), commandEnv.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), command, filter);
        if (dryRun) {
            DryRun.print(plan);
            return 0;
        }
        if (filter.isPresent()) {
            BwrapFeatures.requireSeccomp(bwrap, env); // fail closed: after exec it is too late
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
