package dev.jbox.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which filter applies, with one precedence for every command that shows or uses one: the
 * command line, then {@code JBOX_PROFILE}, then the config file's {@code [sandbox] seccomp},
 * then the default preset. Decided by the launch session ({@code launch.Session}), never by a
 * command itself.
 *
 * @param source     the filter (with {@code --complain} on the sources that can complain)
 * @param from       where the choice came from, for messages ("--profile", "JBOX_PROFILE", "FILE [sandbox] seccomp", "default")
 * @param fromConfig the config file chose it (a file it names is pinned by the config's trust record)
 */
public record FilterChoice(FilterSource source, String from, boolean fromConfig) {

    /**
     * What the command line asked for (null / false: not given).
     *
     * @param profile        -p/--profile (or bwrap's --jbox-profile)
     * @param noSeccomp      --no-seccomp
     * @param bpf            --bpf
     * @param seccompProfile --seccomp-profile
     * @param complain       --complain
     */
    public record Request(String profile, boolean noSeccomp, Path bpf, Path seccompProfile, boolean complain) {
        /** Only a profile name (or none). */
        public static Request profile(String profile) {
            return new Request(profile, false, null, null, false);
        }
    }

    public static FilterChoice decide(Request r, Map<String, String> env, ConfigFile config) throws ConfigException {
        Optional<FilterChoice> given = given(r, env);
        return given.isPresent() ? given.get() : fromConfig(r, config);
    }

    /**
     * The choice the command line or {@code JBOX_PROFILE} makes, if they make one: then no
     * config file is needed to know the filter (unless it names a profile of the file).
     */
    public static Optional<FilterChoice> given(Request r, Map<String, String> env) throws ConfigException {
        conflicts(r);
        if (r.noSeccomp()) {
            return Optional.of(new FilterChoice(new FilterSource.None(), "--no-seccomp", false));
        }
        if (r.profile() != null) {
            return Optional.of(choice(named(r.profile()), "--profile", false, r.complain()));
        }
        if (r.bpf() != null) {
            return Optional.of(new FilterChoice(new FilterSource.BpfFile(r.bpf()), "--bpf", false));
        }
        if (r.seccompProfile() != null) {
            return Optional.of(choice(new FilterSource.OciFile(r.seccompProfile(), false), "--seccomp-profile", false,
                    r.complain()));
        }
        String fromEnv = env.getOrDefault("JBOX_PROFILE", "");
        if (!fromEnv.isEmpty()) {
            return Optional.of(choice(named(fromEnv), "JBOX_PROFILE", false, r.complain()));
        }
        return Optional.empty();
    }

    /** The config file's {@code [sandbox] seccomp}, else the default preset. */
    public static FilterChoice fromConfig(Request r, ConfigFile config) throws ConfigException {
        String where = config.path().map(p -> p + " [sandbox] seccomp").orElse("");
        if (config.sandbox().seccomp().isEmpty()) {
            return choice(new FilterSource.Named(Profiles.DEFAULT_PROFILE), "default", false, r.complain());
        }
        return switch (config.sandbox().seccomp().get()) {
            case SeccompSetting.Default d -> choice(new FilterSource.Named(Profiles.DEFAULT_PROFILE), where, true,
                    r.complain());
            case SeccompSetting.Off o -> choice(new FilterSource.None(), where + " = false", true, r.complain());
            case SeccompSetting.Named n -> choice(new FilterSource.Named(n.profile()), where, true, r.complain());
            case SeccompSetting.BpfFile b -> choice(new FilterSource.BpfFile(b.file().toAbsolutePath()), where, true,
                    r.complain());
        };
    }

    /** The choice, complaining when asked: only a profile or an OCI profile can. */
    private static FilterChoice choice(FilterSource s, String from, boolean fromConfig, boolean complain)
            throws ConfigException {
        if (!complain) {
            return new FilterChoice(s, from, fromConfig);
        }
        return new FilterChoice(switch (s) {
            case FilterSource.Named n -> new FilterSource.Named(n.profile(), true);
            case FilterSource.OciFile o -> new FilterSource.OciFile(o.file(), true);
            case FilterSource.BpfFile b -> throw new ConfigException("--complain needs a profile, not the raw BPF program "
                    + b.file() + " (from " + from + ")");
            case FilterSource.None n -> throw new ConfigException("--complain needs a profile, not no filter (from "
                    + from + ")");
        }, from, fromConfig);
    }

    /** "none" is no filter, an absolute path a raw program; anything else a profile name. */
    private static FilterSource named(String value) {
        if (value.equals("none")) {
            return new FilterSource.None();
        }
        if (value.startsWith("/")) {
            return new FilterSource.BpfFile(Path.of(value));
        }
        return new FilterSource.Named(value);
    }

    private static void conflicts(Request r) throws ConfigException {
        if (r.noSeccomp() && (r.profile() != null || r.bpf() != null)) {
            throw new ConfigException("--no-seccomp conflicts with " + (r.profile() != null ? "--profile" : "--bpf")
                    + ": choose one");
        }
        if (r.profile() != null && r.bpf() != null) {
            throw new ConfigException("--profile conflicts with --bpf: choose one");
        }
        if (r.complain() && (r.bpf() != null || r.noSeccomp())) {
            throw new ConfigException("--complain needs a profile, not " + (r.bpf() != null ? "--bpf" : "--no-seccomp"));
        }
        if (r.seccompProfile() != null) {
            String other = r.noSeccomp() ? "--no-seccomp" : r.profile() != null ? "--profile" : r.bpf() != null ? "--bpf" : null;
            if (other != null) {
                throw new ConfigException("--seccomp-profile conflicts with " + other + ": choose one");
            }
        }
    }

    /** Refusals become {@code SECCOMP_RET_LOG} ({@code --complain}). */
    public boolean complain() {
        // not a pattern switch: this is on every launch's path, and a switch site spins a class at run time
        return source instanceof FilterSource.Named n ? n.complain()
                : source instanceof FilterSource.OciFile o && o.complain();
    }

    /** The same choice without {@code --complain} (a report answers complain mode itself). */
    public FilterChoice refusing() {
        return new FilterChoice(switch (source) {
            case FilterSource.Named n -> new FilterSource.Named(n.profile());
            case FilterSource.OciFile o -> new FilterSource.OciFile(o.file(), false);
            case FilterSource.BpfFile b -> b;
            case FilterSource.None n -> n;
        }, from, fromConfig);
    }

    /** Whether {@code config} decides this filter: it chose it, or it defines the profile chosen. */
    public boolean dependsOn(ConfigFile config) {
        return fromConfig || source instanceof FilterSource.Named n
                && config.profiles().stream().anyMatch(p -> p.name().equals(n.profile()));
    }

    /** The filter's name as messages show it: a profile name, a file, or none. */
    public String name() {
        return switch (source) {
            case FilterSource.None n -> "none";
            case FilterSource.Named n -> n.profile();
            case FilterSource.BpfFile b -> b.file().toString();
            case FilterSource.OciFile o -> o.file().toString();
        };
    }

    /** "'strict' (from /p/jbox.toml [sandbox] seccomp)", as the reviewer commands say it. */
    public String describe() {
        return "'" + name() + "' (from " + (from.isEmpty() ? "default" : from) + ")";
    }
}
