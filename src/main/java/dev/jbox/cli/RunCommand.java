package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.Profiles;
import dev.jbox.launch.Bwrap;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.Mount;
import dev.jbox.launch.Sandbox;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.io.IOException;
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

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME",
            description = "Seccomp profile: minimal, strict, dev (or JBOX_PROFILE; 'none' for no filter).")
    String profile;

    @Option(names = "--no-seccomp", description = "Run without a seccomp filter (said once on stderr).")
    boolean noSeccomp;

    @Option(names = "--bpf", paramLabel = "FILE",
            description = "Use this raw BPF program (struct sock_filter[]) instead of a profile; it is verified first.")
    Path bpf;

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
        Optional<Program> filter = filter(env);
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        List<Mount.Bind> extra = new ArrayList<>();
        for (int i = 0; i + 1 < binds.size(); i += 2) {
            extra.add(bind(binds.get(i), binds.get(i + 1), false));
        }
        for (int i = 0; i + 1 < roBinds.size(); i += 2) {
            extra.add(bind(roBinds.get(i), roBinds.get(i + 1), true));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Sandbox sandbox = Sandbox.standard(Path.of("").toAbsolutePath(), extra, shareNet, root);
        sandbox.resolveCommand(command.getFirst(), env.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), command, filter);
        if (dryRun) {
            DryRun.print(plan);
            return 0;
        }
        Launcher.exec(plan, Launcher.environment(env), nofileSoft(env));
        return Errors.LAUNCH_ERROR; // not reached: exec either replaces us or throws
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

    /** The filter the options, JBOX_PROFILE and the defaults ask for; empty for none. */
    private Optional<Program> filter(Map<String, String> env) throws Exception {
        if (noSeccomp && (profile != null || bpf != null)) {
            throw new Errors.UsageException("--no-seccomp conflicts with " + (profile != null ? "--profile" : "--bpf")
                    + ": choose one");
        }
        if (profile != null && bpf != null) {
            throw new Errors.UsageException("--profile conflicts with --bpf: choose one");
        }
        if (bpf != null) {
            return Optional.of(readBpf(bpf));
        }
        String name = noSeccomp ? "none"
                : profile != null ? profile
                : env.getOrDefault("JBOX_PROFILE", "").isEmpty() ? Profiles.DEFAULT_PROFILE
                : env.get("JBOX_PROFILE");
        if (name.equals("none")) {
            System.err.println("jbox: warning: no seccomp filter: the command runs with bwrap's namespaces only");
            return Optional.empty();
        }
        return Optional.of(Compiler.compile(Profiles.builtin().resolve(name), Arch.host()));
    }

    static Program readBpf(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        try {
            return Program.fromBytes(bytes);
        } catch (InvalidProgramException e) {
            throw new ConfigException(file + ": not a valid seccomp program: " + e.getMessage());
        }
    }

    private static long nofileSoft(Map<String, String> env) {
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
