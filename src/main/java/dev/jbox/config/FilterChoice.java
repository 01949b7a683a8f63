package dev.jbox.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Which filter applies, decided once for every command that shows or uses one ({@code run},
 * {@code bwrap}, {@code config}, {@code check}, {@code explain}, {@code compile},
 * {@code disasm}, {@code export}), with one precedence: the command line, then
 * {@code JBOX_PROFILE}, then the config file's {@code [sandbox] seccomp}, then the default
 * preset.
 *
 * @param source     the filter
 * @param from       where the choice came from, for messages ("--profile", "JBOX_PROFILE", "FILE [sandbox] seccomp", "default")
 * @param fromConfig the config file chose it (a file it names is pinned by the config's trust record)
 * @param complain   refusals become {@code SECCOMP_RET_LOG} ({@code --complain})
 */
public record FilterChoice(FilterSource source, String from, boolean fromConfig, boolean complain) {

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
        conflicts(r);
        if (r.noSeccomp()) {
            return new FilterChoice(new FilterSource.None(), "--no-seccomp", false, false);
        }
        if (r.profile() != null) {
            return new FilterChoice(named(r.profile()), "--profile", false, r.complain());
        }
        if (r.bpf() != null) {
            return new FilterChoice(new FilterSource.BpfFile(r.bpf()), "--bpf", false, false);
        }
        if (r.seccompProfile() != null) {
            return new FilterChoice(new FilterSource.OciFile(r.seccompProfile()), "--seccomp-profile", false, r.complain());
        }
        String fromEnv = env.getOrDefault("JBOX_PROFILE", "");
        if (!fromEnv.isEmpty()) {
            return new FilterChoice(named(fromEnv), "JBOX_PROFILE", false, r.complain());
        }
        String where = config.path().map(p -> p + " [sandbox] seccomp").orElse("");
        return config.sandbox().seccomp().map(s -> switch (s) {
            case SeccompSetting.Default d -> new FilterChoice(new FilterSource.Named(Profiles.DEFAULT_PROFILE), where, true,
                    r.complain());
            case SeccompSetting.Off o -> new FilterChoice(new FilterSource.None(), where + " = false", true, false);
            case SeccompSetting.Named n -> new FilterChoice(new FilterSource.Named(n.profile()), where, true, r.complain());
            case SeccompSetting.BpfFile b -> new FilterChoice(new FilterSource.BpfFile(b.file().toAbsolutePath()), where,
                    true, false);
        }).orElse(new FilterChoice(new FilterSource.Named(Profiles.DEFAULT_PROFILE), "default", false, r.complain()));
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
