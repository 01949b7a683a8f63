package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.config.Bind;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.FileBytes;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.OciProfile;
import dev.jbox.config.Profiles;
import dev.jbox.config.SandboxSettings;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustRecord;
import dev.jbox.config.TrustStore;
import dev.jbox.config.Masks;
import dev.jbox.config.UserDirs;
import dev.jbox.policy.NotifyingPolicies;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one launch session: every command gets here, once and in this order, everything it
 * shows or launches, and then only prints or launches it (docs/DESIGN.md, "One session").
 *
 * <ol>
 * <li>the config file and its origin ({@code --config}, else {@code ./jbox.toml}, else the
 *     user's own; {@code jbox bwrap}: the user's own only, and only when the filter needs it);
 * <li>the sandbox layout ({@link Sandbox.Layout}, built here alone) and what the sandbox can
 *     write ({@link Trust.Writable}; {@code jbox bwrap}: the caller's read-write binds);
 * <li>the trust each file needs (one rule, {@link Trust}) and the gate that reads them;
 * <li>the filter choice ({@link FilterChoice}), its policy and its program(s), compiled here
 *     alone;
 * <li>the bwrap to use, the command's environment and the command itself, for a launch;
 * <li>the warnings and notices to print.
 * </ol>
 *
 * A launch ({@link #run}, {@link #direct}, {@link #bwrap}, {@link #learn}) fails on the first
 * refusal; a review ({@link #review}: what {@code run}, or {@code bwrap}, would apply here)
 * records the first trust refusal, with {@code run}'s very message, and shows the filter as it
 * would apply once trusted. The results are values: the same question asked by two commands
 * gets equal answers.
 */
public final class Session {
    private Session() {
    }

    // ------------------------------------------------------------------ what a command asks

    /**
     * Where and as whom jbox was started.
     *
     * @param cwd  the working directory
     * @param env  the caller's environment ({@link Launcher#callerEnvironment})
     * @param root jbox runs with effective uid 0
     */
    public record Host(Path cwd, Map<String, String> env, boolean root) {

        /** This process. */
        public static Host current() {
            return new Host(Path.of("").toAbsolutePath(), Launcher.callerEnvironment(System.getenv()),
                    Launcher.runningAsRoot());
        }
    }

    /** What a command asks the session for. */
    public sealed interface Request permits Run, Bwrap, Learn {
    }

    /** How {@code jbox run} starts the command. */
    public enum Mode {
        /** In jbox's sandbox, under {@code bwrap --seccomp} (exec, supervised, dry run). */
        SANDBOX,
        /** In jbox's sandbox, under a notifying filter jbox installs itself ({@code --report}). */
        REPORT,
        /** No sandbox: jbox applies the filter and becomes the command ({@code --no-namespaces}). */
        NO_NAMESPACES
    }

    /**
     * {@code jbox run}, and what the reviewer commands answer for ({@link #here}).
     *
     * @param config   {@code --config FILE}
     * @param filter   the filter options
     * @param binds    {@code --bind} / {@code --ro-bind}, after the config's
     * @param shareNet {@code --share-net}
     * @param mode     how the command starts
     * @param command  the command and its arguments (empty for a review)
     * @param unmask   {@code --unmask}: credential masks lifted (after the config's {@code unmask})
     */
    public record Run(Optional<Path> config, FilterChoice.Request filter, List<Bind> binds, boolean shareNet,
                      Mode mode, List<String> command, List<String> unmask) implements Request {
        public Run {
            binds = List.copyOf(binds);
            command = List.copyOf(command);
            unmask = List.copyOf(unmask);
        }

        /** A run that lifts no mask on the command line. */
        public Run(Optional<Path> config, FilterChoice.Request filter, List<Bind> binds, boolean shareNet, Mode mode,
                   List<String> command) {
            this(config, filter, binds, shareNet, mode, command, List.of());
        }

        /** {@code jbox run} here with these filter options and nothing else: what reviewer commands answer for. */
        public static Run here(Optional<Path> config, FilterChoice.Request filter) {
            return new Run(config, filter, List.of(), false, Mode.SANDBOX, List.of());
        }
    }

    /**
     * {@code jbox bwrap}: the caller's line is the sandbox. Its filter comes from
     * {@code --jbox-profile}, {@code JBOX_PROFILE}, the user's own config, else the default;
     * never from the caller's working directory.
     *
     * @param profile {@code --jbox-profile}
     * @param args    bwrap's arguments, verbatim
     */
    public record Bwrap(Optional<String> profile, List<String> args) implements Request {
        public Bwrap {
            args = List.copyOf(args);
        }
    }

    /**
     * {@code jbox learn}: the standard sandbox without a config, every call notified.
     *
     * @param base     the preset the learned profile extends
     * @param shareNet {@code --share-net}
     * @param command  the command and its arguments
     */
    public record Learn(String base, boolean shareNet, List<String> command) implements Request {
        public Learn {
            command = List.copyOf(command);
        }
    }

    // ------------------------------------------------------------------ what it gets

    /**
     * The filter.
     *
     * @param choice  what was chosen, and from where
     * @param policy  its rules as written (a profile or an OCI profile; none for a raw program or no
     *                filter); {@code --complain} turns its refusals into logs in the program only
     * @param program what the kernel runs, for the architecture asked (empty: no filter)
     */
    public record Filter(FilterChoice choice, Optional<Policy> policy, Optional<Program> program) {
    }

    /**
     * Why {@code run} (or {@code bwrap}) would refuse to start here for lack of trust.
     *
     * @param message       the message it exits 125 with (without "; nothing was run")
     * @param decidesFilter the refused file is the filter, or the config that chose it
     */
    public record Untrusted(String message, boolean decidesFilter) {
    }

    /**
     * Everything resolved, in order.
     *
     * @param request     what was asked
     * @param config      the config file that applies, and its origin ({@link ConfigFile#NONE}: none)
     * @param layout      jbox's sandbox layout (empty: {@code bwrap}, {@code --no-namespaces})
     * @param writable    what the sandbox can write (empty: {@code bwrap} had no file to check against it)
     * @param configTrust the user's record of the config, when it needed trust
     * @param untrusted   a review's trust refusal (a launch throws it instead)
     * @param filter      the filter
     * @param warnings    what translating an OCI profile found worth saying
     */
    public record Resolved(Request request, ConfigFile config, Optional<Sandbox.Layout> layout,
                           Optional<Trust.Writable> writable, Optional<TrustRecord> configTrust,
                           Optional<Untrusted> untrusted, Filter filter, List<String> warnings) {
        public Resolved {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * {@code jbox run} (or {@code learn}), ready to start.
     *
     * @param resolved  what the session resolved
     * @param sandbox   the sandbox's layout, built
     * @param plan      bwrap, its arguments, the command and the filter for {@code --seccomp}
     * @param env       the command's environment
     * @param nofileSoft the caller's soft RLIMIT_NOFILE to restore, or -1
     * @param notified  the notifying programs ({@code --report}, {@code learn})
     * @param warnings  "jbox: warning: ..." lines
     * @param notices   "jbox: ..." lines (what jbox decided for the user's safety)
     */
    public record Sandboxed(Resolved resolved, Sandbox sandbox, Launcher.Plan plan, List<String> env, long nofileSoft,
                            Optional<NotifyLaunch.Programs> notified, List<String> warnings, List<String> notices) {

        /** Becomes bwrap; returns only by throwing. */
        public void exec() throws LaunchException {
            Launcher.exec(plan, env, nofileSoft);
        }

        /** Supervises bwrap ({@code --timeout}, {@code --forward-signals}); the exit status. */
        public int supervise(Supervisor.Limits limits, PrintStream err) throws LaunchException {
            return Supervisor.run(plan, env, nofileSoft, limits, err);
        }

        /**
         * Everything up to {@code execve}, and bwrap's command line in its place; then what the
         * walls add, a comment line each: Landlock's scope (decided as the exec will decide it,
         * which also puts that step in the AOT cache's training), and what became of each
         * credential place (masks.tsv) that exists here: where it is masked, or why it shows.
         */
        public String dryRun() throws LaunchException {
            StringBuilder sb = new StringBuilder(Launcher.dryRun(plan, nofileSoft)).append('\n');
            sb.append("# landlock: ").append(LandlockScope.of(plan.bwrap()).describe());
            for (Sandbox.Secret s : sandbox.secrets()) {
                sb.append('\n');
                if (!s.maskedAt().isEmpty()) {
                    sb.append("# masked ").append(s.name()).append(": ").append(String.join(", ", s.maskedAt()));
                } else {
                    sb.append("# not masked ").append(s.name()).append(": ").append(s.host()).append(" (")
                            .append(s.shown().orElse("not visible in the sandbox")).append(')');
                }
            }
            return sb.toString();
        }

        /** {@code --report}: the command under the profile, every refusal recorded. */
        public NotifyLaunch.Result report(Supervisor.Limits limits, PrintStream err) throws LaunchException {
            return NotifyLaunch.report(plan, notified.orElseThrow(), resolved.filter().choice().complain(), env,
                    nofileSoft, limits, err);
        }

        /** {@code learn}: every call outside the core recorded. */
        public NotifyLaunch.Result learn(Supervisor.Limits limits, PrintStream err) throws LaunchException {
            return NotifyLaunch.learn(plan, notified.orElseThrow(), env, nofileSoft, limits, err);
        }

        /** The profile a notified run answers by (the report's, or learn's base). */
        public Policy notifiedPolicy() {
            return notified.orElseThrow().policy();
        }
    }

    /**
     * {@code jbox run --no-namespaces}, ready: no bwrap, jbox becomes the command.
     *
     * @param resolved   what the session resolved
     * @param path       the command's resolved path on the host
     * @param command    argv (argv[0] as the user typed it)
     * @param env        the command's environment
     * @param nofileSoft the caller's soft RLIMIT_NOFILE to restore, or -1
     * @param warnings   "jbox: warning: ..." lines
     * @param notices    "jbox: ..." lines
     */
    public record Unsandboxed(Resolved resolved, Path path, List<String> command, List<String> env, long nofileSoft,
                              List<String> warnings, List<String> notices) {

        /** Applies the filter and becomes the command; returns only by throwing. */
        public void exec() throws LaunchException {
            NoNamespaces.exec(path, command, resolved.filter().program().orElseThrow(), env, nofileSoft);
        }
    }

    /**
     * {@code jbox bwrap}, ready.
     *
     * @param resolved   what the session resolved
     * @param request    what {@link PassThrough} execs
     * @param env        the environment bwrap gets: the caller's, as byte strings ({@link Caller})
     * @param nofileSoft the caller's soft RLIMIT_NOFILE to restore, or -1
     * @param warnings   what jbox would say, only when asked ({@code JBOX_VERBOSE=1}): bwrap's stderr is bwrap's
     */
    public record Passed(Resolved resolved, PassThrough.Request request, List<String> env, long nofileSoft,
                         List<String> warnings) {
    }

    // ------------------------------------------------------------------ entry points

    /**
     * The notices a launch says now ({@link Notices#toSay}): none when quiet ({@code -q} or
     * {@code JBOX_QUIET}), else each the first time only, remembered in the user's state directory.
     */
    public static List<String> noticesToSay(Host h, List<String> notices, boolean quietOption) {
        return Notices.toSay(notices, Notices.quiet(quietOption, h.env()), UserDirs.of(h.env()).stateDir());
    }


    /** The config file that applies here (step 1 alone: {@code jbox profiles}). */
    public static ConfigFile config(Host h, Optional<Path> explicit) throws ConfigException {
        return ConfigFile.discover(explicit, h.cwd(), h.env());
    }

    /**
     * What {@code r} would apply here, compiled for {@code arch}, without launching anything:
     * the reviewer commands' answer. A trust refusal is recorded ({@link Resolved#untrusted}),
     * not thrown.
     */
    public static Resolved review(Host h, Request r, Arch arch) throws ConfigException, CompileException,
            LaunchException {
        // a review reads no fd: an --args in the line is refused as not open
        PassThrough.Line line = r instanceof Bwrap b ? new PassThrough.Line(b.args(), Optional.of(java.util.Set.of()))
                : null;
        return resolve(new Context(h, false, arch, line), r);
    }

    /** {@code jbox run} in jbox's sandbox ({@link Mode#SANDBOX}, {@link Mode#REPORT}). */
    public static Sandboxed run(Host h, Run r) throws ConfigException, CompileException, LaunchException {
        if (r.mode() == Mode.NO_NAMESPACES) {
            throw new IllegalArgumentException("--no-namespaces builds no sandbox: Session.direct");
        }
        Resolved res = resolve(new Context(h, true, Arch.host(), null), r);
        Optional<NotifyLaunch.Programs> notified = r.mode() == Mode.REPORT ? Optional.of(reporting(res))
                : Optional.empty();
        Path bwrap = locate(h);
        Sandbox sandbox = Sandbox.standard(res.layout().orElseThrow());
        Map<String, String> commandEnv = commandEnvironment(h.env(), res.config().sandbox());
        sandbox.resolveCommand(r.command().getFirst(), commandEnv.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), r.command(), res.filter().program());
        if (notified.isEmpty() && res.filter().program().isPresent()) {
            BwrapFeatures.requireSeccomp(bwrap, h.env()); // fail closed: after exec it is too late
        }
        return new Sandboxed(res, sandbox, plan, Launcher.environment(commandEnv), Launcher.nofileSoft(h.env()), notified,
                warnings(res), sandbox.notices());
    }

    /** {@code jbox run --no-namespaces}: no sandbox, so nothing is writable and only a project file needs trust. */
    public static Unsandboxed direct(Host h, Run r) throws ConfigException, CompileException, LaunchException {
        if (r.mode() != Mode.NO_NAMESPACES) {
            throw new IllegalArgumentException("a sandboxed run: Session.run");
        }
        Resolved res = resolve(new Context(h, true, Arch.host(), null), r);
        Map<String, String> commandEnv = commandEnvironment(h.env(), res.config().sandbox());
        if (res.filter().program().isEmpty()) {
            throw new LaunchException(LaunchException.Kind.FAILED, "--no-namespaces without a seccomp filter would"
                    + " run the command unconfined (no namespaces and no filter): choose a profile");
        }
        String cmd = r.command().getFirst();
        Path path = NoNamespaces.resolve(cmd, commandEnv.get("PATH"), h.cwd());
        return new Unsandboxed(res, path, r.command(), Launcher.environment(commandEnv), Launcher.nofileSoft(h.env()),
                res.warnings(), List.of("--no-namespaces: no bwrap, no namespaces: " + cmd + " sees the host's files,"
                + " processes and network; only the seccomp filter applies"));
    }

    /**
     * {@code jbox bwrap}: the caller's line, jbox's filter. {@code caller} is what the caller
     * handed jbox byte for byte ({@link Caller}): bwrap gets its environment and the name jbox was
     * run by, and {@code b}'s arguments are its byte strings.
     */
    public static Passed bwrap(Host h, Bwrap b, Caller caller) throws ConfigException, CompileException,
            LaunchException {
        PassThrough.Line line = new PassThrough.Line(b.args(), PassThrough.callerFds(h.env().get("JBOX_CALLER_FDS")));
        Resolved res = resolve(new Context(h, true, Arch.host(), line), b);
        Path bwrap = locate(h);
        if (res.filter().program().isPresent()) {
            BwrapFeatures.requireSeccomp(bwrap, h.env()); // fail closed: after exec it is too late
        }
        PassThrough.Request req = new PassThrough.Request(PassThrough.argv0(caller.argv0().orElse(null)), bwrap, line,
                res.filter().program());
        return new Passed(res, req, caller.env(), Launcher.nofileSoft(h.env()), warnings(res));
    }

    /** {@code jbox learn}: run's layout without a config, the base's learning filter. */
    public static Sandboxed learn(Host h, Learn l) throws ConfigException, CompileException, LaunchException {
        Resolved res = resolve(new Context(h, true, Arch.host(), null), l);
        Policy base = res.filter().policy().orElseThrow();
        NotifyLaunch.Programs programs = new NotifyLaunch.Programs(base,
                Compiler.compile(NotifyingPolicies.learning(base, new LinkedHashSet<>(NotifyingPolicies.LEARN_CORE)), Arch.host()),
                res.filter().program().orElseThrow());
        Path bwrap = locate(h);
        NotifyLaunch.requireUsable(bwrap, "jbox learn");
        Sandbox sandbox = Sandbox.standard(res.layout().orElseThrow());
        sandbox.resolveCommand(l.command().getFirst(), h.env().get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), l.command(), Optional.empty());
        return new Sandboxed(res, sandbox, plan, Launcher.environment(h.env()), Launcher.nofileSoft(h.env()),
                Optional.of(programs), List.of(), sandbox.notices());
    }

    /**
     * What {@code jbox doctor} tries and reports: a trial of run's layout under the default
     * preset, the nested preset for a sandbox inside it, and which filter {@code run} and
     * {@code bwrap} apply here and why.
     */
    public static Doctor.Inputs doctor(Host h) throws ConfigException, CompileException, LaunchException {
        Sandbox sandbox = Sandbox.standard(layout(new Context(h, true, Arch.host(), null), SandboxSettings.NONE,
                List.of(), false, List.of()));
        Program minimal = preset(Profiles.DEFAULT_PROFILE);
        Program nested = preset("nested");
        Doctor.Effective run = effective(h, Run.here(Optional.empty(), FilterChoice.Request.profile(null)), minimal);
        Doctor.Effective bwrap = effective(h, new Bwrap(Optional.empty(), List.of()), minimal);
        return new Doctor.Inputs(Path.of("/proc"), h.env(), h.root(), sandbox.bwrapArgs(), Optional.of(minimal.toBytes()),
                run, bwrap, Optional.of(nested.toBytes()), sandbox);
    }

    /** A preset's program for this machine. */
    private static Program preset(String name) throws ConfigException, CompileException {
        return Compiler.compile(Profiles.builtin().resolve(name), Arch.host());
    }

    /**
     * What a launch without filter options applies here, and why; when it could not start
     * (a config that cannot be read, a filter that cannot be built), that, and the default.
     */
    private static Doctor.Effective effective(Host h, Request r, Program fallback) {
        try {
            Resolved res = review(h, r, Arch.host());
            return new Doctor.Effective(res.filter().choice().describe() + res.untrusted()
                    .map(u -> "; refused here until trusted: " + u.message()).orElse(""), res.filter().program());
        } catch (ConfigException | CompileException | LaunchException e) {
            return new Doctor.Effective("'" + Profiles.DEFAULT_PROFILE + "' (what applies here cannot be used: "
                    + e.getMessage() + ")", Optional.of(fallback));
        }
    }

    /**
     * A file the user may trust ({@code jbox trust}), and what it would do.
     *
     * @param file     the file (absolute)
     * @param record   the record trusting it would write
     * @param config   the config, when the file is one
     * @param choice   the filter the file chooses (a config), or is (a filter file)
     * @param program  that filter's program for this machine (empty: no filter)
     * @param baseline the default preset's program, to say what the file allows beyond it
     * @param store    where the record goes
     * @param warnings what translating an OCI profile found worth saying
     */
    public record TrustView(Path file, TrustRecord record, Optional<ConfigFile> config, FilterChoice choice,
                            Optional<Program> program, Program baseline, TrustStore store, List<String> warnings) {
    }

    /** {@code jbox trust [FILE]}: the file (default: {@code ./jbox.toml}) and what it would do. */
    public static TrustView trust(Host h, Optional<Path> given) throws ConfigException, CompileException {
        Path target;
        if (given.isEmpty()) {
            target = h.cwd().resolve("jbox.toml");
            if (!Files.isRegularFile(target)) {
                throw new ConfigException("no ./jbox.toml here: name the file to trust (jbox trust FILE)");
            }
        } else {
            target = h.cwd().resolve(given.get()).normalize();
            if (!Files.isRegularFile(target)) {
                throw new ConfigException(given.get() + ": no such file");
            }
        }
        TrustStore store = TrustStore.of(UserDirs.of(h.env()));
        Program baseline = preset(Profiles.DEFAULT_PROFILE);
        if (target.toString().endsWith(".toml")) {
            ConfigFile cfg = ConfigFile.load(target);
            TrustRecord record = Trust.recordFor(cfg);
            FilterChoice choice = FilterChoice.fromConfig(FilterChoice.Request.profile(null), cfg);
            Optional<Program> program = switch (choice.source()) {
                case FilterSource.None n -> Optional.empty();
                case FilterSource.BpfFile b -> Optional.of(fromBytes(b.file(), FileBytes.read(b.file())));
                case FilterSource.Named n -> Optional.of(Compiler.compile(cfg.allProfiles().resolve(n.profile()),
                        Arch.host()));
                case FilterSource.OciFile o -> throw new ConfigException("a config file cannot name an OCI profile");
            };
            return new TrustView(target, record, Optional.of(cfg), choice, program, baseline, store, List.of());
        }
        byte[] bytes = FileBytes.read(target);
        TrustRecord record = Trust.recordFor(target, bytes);
        if (target.toString().endsWith(".json")) {
            OciProfile.Loaded l = OciProfile.fromBytes(target, bytes, OciProfile.Host.current());
            return new TrustView(target, record, Optional.empty(),
                    new FilterChoice(new FilterSource.OciFile(target, false), "jbox trust", false),
                    Optional.of(Compiler.compile(l.policy(), Arch.host())), baseline, store, l.warnings());
        }
        return new TrustView(target, record, Optional.empty(),
                new FilterChoice(new FilterSource.BpfFile(target), "jbox trust", false),
                Optional.of(fromBytes(target, bytes)), baseline, store, List.of());
    }

    /** A raw program, verified as the kernel would ({@code --bpf}, {@code seccomp = "x.bpf"}, {@code disasm FILE}). */
    public static Program fromBytes(Path file, byte[] bytes) throws ConfigException {
        try {
            return Program.fromBytes(bytes);
        } catch (InvalidProgramException e) {
            throw new ConfigException(file + ": not a valid seccomp program: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the resolution, in order

    /**
     * One resolution.
     *
     * @param host      where and as whom
     * @param launching fail on the first trust refusal (else record it and go on)
     * @param arch      the architecture to compile for
     * @param line      {@code jbox bwrap}'s line (its binds are what the sandbox can write)
     */
    private record Context(Host host, boolean launching, Arch arch, PassThrough.Line line) {
    }

    /** What the sandbox can write, computed once and only when a file has to be checked against it. */
    private static final class WritableSet {
        private final PassThrough.Line line;
        private Trust.Writable value;

        WritableSet(Trust.Writable value) {
            this.line = null;
            this.value = value;
        }

        WritableSet(PassThrough.Line line) {
            this.line = line;
        }

        Trust.Writable get() throws LaunchException {
            if (value == null) {
                value = new Trust.Writable(line.writableSources(), List.of());
            }
            return value;
        }

        Optional<Trust.Writable> known() {
            return Optional.ofNullable(value);
        }
    }

    private static Resolved resolve(Context c, Request r) throws ConfigException, CompileException, LaunchException {
        Host h = c.host();
        TrustStore store = TrustStore.of(UserDirs.of(h.env()));
        // 1-2. the config file and its origin, the layout, what the sandbox can write
        ConfigFile config;
        Optional<Sandbox.Layout> layout = Optional.empty();
        WritableSet writable;
        Optional<FilterChoice> given;
        FilterChoice.Request asked;
        switch (r) { // exhaustive: a new kind of request must say where its config and layout come from
            case Run run -> {
                config = ConfigFile.discover(run.config(), h.cwd(), h.env());
                asked = run.filter();
                given = Optional.empty();
                if (run.mode() == Mode.NO_NAMESPACES) {
                    writable = new WritableSet(Trust.Writable.NONE); // no sandbox, nothing bound
                } else {
                    layout = Optional.of(layout(c, config.sandbox(), run.binds(),
                            run.shareNet() || config.sandbox().shareNet().orElse(false), unmask(config, run)));
                    writable = new WritableSet(writable(layout.get()));
                }
            }
            case Bwrap b -> {
                // a bwrap client's working directory is not the user's project: no ./jbox.toml, and
                // the user's config only when the command line and JBOX_PROFILE leave the filter open
                asked = FilterChoice.Request.profile(b.profile().orElse(null));
                given = FilterChoice.given(asked, h.env());
                config = given.isPresent() && !namesUserProfile(given.get()) ? ConfigFile.NONE
                        : ConfigFile.user(h.env());
                writable = new WritableSet(c.line());
            }
            case Learn l -> {
                config = ConfigFile.NONE;
                asked = FilterChoice.Request.profile(l.base());
                given = Optional.of(new FilterChoice(new FilterSource.Named(l.base()), "--base", false));
                layout = Optional.of(layout(c, SandboxSettings.NONE, List.of(), l.shareNet(), List.of()));
                writable = new WritableSet(writable(layout.get()));
            }
        }
        // 3. the config's trust: a project file always; any other when the sandbox can write it
        Optional<TrustRecord> record = Optional.empty();
        Optional<String> refused = Optional.empty();
        if (config.path().isPresent() && (config.origin() == ConfigFile.Origin.PROJECT
                || writable.get().over(config.path().get()).isPresent())) {
            try {
                Trust.requireStoreOutside(store, writable.get(), config.path().get().toString());
                record = Optional.of(Trust.verify(config, store));
            } catch (Trust.Refused e) {
                if (c.launching()) {
                    throw e;
                }
                refused = Optional.of(e.getMessage());
            }
        }
        // 4. the filter choice
        FilterChoice choice = given.isPresent() ? given.get() : FilterChoice.decide(asked, h.env(), config);
        Optional<Untrusted> untrusted = refused.map(m -> new Untrusted(m, choice.dependsOn(config)));
        // 5. the filter's files, through the gate; its policy; its program
        List<String> warnings = new ArrayList<>();
        Optional<Policy> policy = Optional.empty();
        Optional<Program> program = Optional.empty();
        // an if-chain, not a pattern switch: each switch site spins a class at run time that the AOT
        // cache does not hold (docs/STARTUP.md), and the request's switch above is the one kept
        if (choice.source() instanceof FilterSource.Named n) {
            policy = Optional.of(config.allProfiles().resolve(n.profile()));
        } else if (choice.source() instanceof FilterSource.OciFile o) {
            Read read = read(c, store, record, writable, o.file(), false, choice.from());
            untrusted = untrusted.or(read::refused);
            OciProfile.Loaded l = OciProfile.fromBytes(o.file(), read.bytes(), OciProfile.Host.current());
            warnings.addAll(l.warnings());
            policy = Optional.of(l.policy());
        } else if (choice.source() instanceof FilterSource.BpfFile b) {
            Read read = read(c, store, record, writable, b.file(), choice.fromConfig(), choice.from());
            untrusted = untrusted.or(read::refused);
            program = Optional.of(fromBytes(b.file(), read.bytes()));
        } // FilterSource.None: no filter
        if (policy.isPresent()) {
            program = Optional.of(Compiler.compile(choice.complain() ? policy.get().complain() : policy.get(), c.arch()));
        }
        return new Resolved(r, config, layout, writable.known(), record, untrusted,
                new Filter(choice, policy, program), warnings);
    }

    /** A filter file's bytes, and a review's trust refusal of it. */
    private record Read(byte[] bytes, Optional<Untrusted> refused) {
    }

    /**
     * Reads a filter file through the trust gate: named by the config, pinned by its record
     * (else checked as given); given by the user, checked when the sandbox can write it.
     */
    private static Read read(Context c, TrustStore store, Optional<TrustRecord> record, WritableSet writable, Path file,
                             boolean named, String how) throws ConfigException, LaunchException {
        Trust.Gate gate = new Trust.Gate(store, record, writable.get());
        try {
            return new Read(named ? gate.readNamed(file, how) : gate.readGiven(file, how), Optional.empty());
        } catch (Trust.Refused e) {
            if (c.launching()) {
                throw e;
            }
            // shown as it would apply once trusted
            return new Read(FileBytes.read(file), Optional.of(new Untrusted(e.getMessage(), true)));
        }
    }

    /** A profile name that is not a preset: only the user's config can define it. */
    private static boolean namesUserProfile(FilterChoice choice) {
        return choice.source() instanceof FilterSource.Named n && !Profiles.PRESETS.contains(n.profile());
    }

    /**
     * The standard layout's inputs, here: the one place a {@link Sandbox.Layout} is made. The
     * empty file that masks credential files is made (in the state directory) only for a launch:
     * a review only reads what the sandbox would be.
     */
    private static Sandbox.Layout layout(Context c, SandboxSettings s, List<Bind> given, boolean shareNet,
                                         List<String> unmask) {
        Host h = c.host();
        UserDirs dirs = UserDirs.of(h.env());
        List<Bind> binds = new ArrayList<>(s.binds()); // the config's first, the command line's after (later win in bwrap)
        binds.addAll(given);
        return new Sandbox.Layout(h.cwd(), dirs.home(), binds, ProtectedPlaces.of(h.env(), dirs), shareNet, h.root(),
                s.hostname(), s.chdir(), unmask, Sandbox.socketsNamedBy(h.env()),
                c.launching() ? Sandbox.emptyFile(dirs.stateDir()) : Optional.empty());
    }

    /** The masks the config file and then the command line lift (each name checked against masks.tsv). */
    private static List<String> unmask(ConfigFile config, Run run) throws ConfigException {
        if (!run.unmask().isEmpty()) {
            Masks.builtin().check(run.unmask(), "--unmask");
        }
        List<String> out = new ArrayList<>(config.sandbox().unmask());
        out.addAll(run.unmask());
        return out;
    }

    /** What the sandbox of {@code l} can write: its read-write sources, less the places it keeps read-only. */
    private static Trust.Writable writable(Sandbox.Layout l) {
        List<Path> guarded = new ArrayList<>();
        for (Sandbox.Guarded g : l.guarded()) {
            guarded.add(Sandbox.realPath(g.path()));
        }
        return new Trust.Writable(Sandbox.writableSources(l), guarded);
    }

    private static Path locate(Host h) throws LaunchException {
        return dev.jbox.launch.Bwrap.locate(h.env().get("PATH"), h.env().get("JBOX_BWRAP"), h.env().get("JBOX_SELF"));
    }

    /** The command's environment: the caller's, as the config's env settings change it. */
    private static Map<String, String> commandEnvironment(Map<String, String> env, SandboxSettings s) {
        Map<String, String> out = new TreeMap<>();
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

    /** The OCI translation's warnings, and the one line a launch without a filter says. */
    private static List<String> warnings(Resolved res) {
        List<String> out = new ArrayList<>(res.warnings());
        FilterChoice choice = res.filter().choice();
        if (choice.source() instanceof FilterSource.None) {
            out.add("no seccomp filter (" + choice.from() + "): the command runs with bwrap's namespaces only");
        }
        return out;
    }

    /**
     * {@code --report}'s programs: the profile as it refuses (the report answers complain mode
     * itself), its notifying filter, and its own program for the verdicts.
     */
    private static NotifyLaunch.Programs reporting(Resolved res) throws ConfigException, CompileException,
            LaunchException {
        FilterChoice c = res.filter().choice();
        switch (c.source()) {
            case FilterSource.None n -> throw new LaunchException(LaunchException.Kind.FAILED,
                    "--report needs a profile, and " + c.from() + " chose none");
            case FilterSource.BpfFile b -> throw new LaunchException(LaunchException.Kind.FAILED,
                    "--report needs a profile, and " + c.from() + " chose a raw BPF file (" + b.file() + ")");
            default -> {
            }
        }
        Policy policy = res.filter().policy().orElseThrow();
        Program verdicts = c.complain() ? Compiler.compile(policy, Arch.host()) : res.filter().program().orElseThrow();
        return new NotifyLaunch.Programs(policy, Compiler.compile(NotifyingPolicies.reporting(policy), Arch.host()), verdicts);
    }
}
