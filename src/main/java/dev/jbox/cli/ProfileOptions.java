package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.Profiles;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustRecord;
import dev.jbox.config.TrustStore;
import dev.jbox.config.UserDirs;
import dev.jbox.launch.Filters;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * -p/--profile, --arch and --config for the reviewer commands (check, explain, compile,
 * disasm, export). Without -p they answer for the filter {@code jbox run} would apply here:
 * JBOX_PROFILE, then the config file, then the default preset ({@link FilterChoice}).
 */
final class ProfileOptions {

    private final OptionSpec profileOpt = Opts.value("NAME", String.class,
            "Profile: minimal, strict, dev, nested or one of your own (default: what 'jbox run' would apply here:"
                    + " JBOX_PROFILE, the config file, or minimal).", "-p", "--profile");
    private final OptionSpec archOpt = Opts.value("ARCH", String.class,
            "Native architecture to compile for: x86_64, aarch64, riscv64 (default: this machine's).", "--arch");
    private final ConfigOption config = new ConfigOption();
    private Filters.Resolved resolved;
    /** The gate {@link #resolve} read with: the program is read through the same one. */
    private Trust.Gate gateForProgram;

    void addTo(CommandSpec spec) {
        spec.addOption(profileOpt).addOption(archOpt);
        config.addTo(spec);
    }

    /** -p as given (null: not given). */
    String given() {
        return Opts.get(profileOpt);
    }

    Arch arch() throws ConfigException {
        return parseArch(Opts.get(archOpt));
    }

    /** Whether --arch was given. */
    boolean archGiven() {
        return Opts.get(archOpt) != null;
    }

    static Arch parseArch(String id) throws ConfigException {
        if (id == null) {
            return Arch.host();
        }
        return Arch.byId(id).orElseThrow(() -> new ConfigException("unknown architecture '" + id + "'"
                + dev.jbox.config.Suggest.hint(id, Arrays.stream(Arch.values()).map(Arch::id).toList())
                + "; known: " + Arrays.stream(Arch.values()).map(Arch::id).collect(Collectors.joining(", "))));
    }

    Profiles profiles() throws ConfigException {
        return config.load().allProfiles();
    }

    /**
     * The filter {@code run} would apply (or the one -p / {@code bpf} names).
     *
     * @param bpf    a raw program to use instead (check --bpf), or null
     * @param acting the command produces something to use (compile, export): an untrusted
     *               config is then an error (exit 2); the others show what it would do and say
     *               that {@code run} refuses it
     */
    Filters.Resolved resolve(Path bpf, boolean acting) throws ConfigException {
        return resolve(bpf, null, acting);
    }

    /** As {@link #resolve(Path, boolean)}, or an OCI profile ({@code check --seccomp-profile}). */
    Filters.Resolved resolve(Path bpf, Path oci, boolean acting) throws ConfigException {
        if (resolved == null) {
            Map<String, String> env = System.getenv();
            ConfigFile cfg = config.load();
            TrustStore store = TrustStore.of(UserDirs.of(env));
            Optional<TrustRecord> record = Optional.empty();
            FilterChoice choice = FilterChoice.decide(new FilterChoice.Request(given(), false, bpf, oci, false), env, cfg);
            if (cfg.origin() == ConfigFile.Origin.PROJECT && (choice.fromConfig() || usesConfigProfile(choice, cfg))) {
                try {
                    record = Optional.of(Trust.verify(cfg, store));
                } catch (ConfigException e) {
                    if (acting) {
                        throw new ConfigException(e.getMessage() + " (jbox run refuses it, and so does this command)");
                    }
                    System.err.println("jbox: note: " + e.getMessage() + "; 'jbox run' refuses it until then:"
                            + " shown here as it would apply");
                }
            }
            Trust.Gate gate = new Trust.Gate(store, record, java.util.List.of());
            resolved = Filters.policy(choice, cfg, gate);
            resolved.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
            gateForProgram = gate;
        }
        return resolved;
    }

    /** A profile of the file is used even when -p names it. */
    private static boolean usesConfigProfile(FilterChoice choice, ConfigFile cfg) {
        return choice.source() instanceof dev.jbox.config.FilterSource.Named n
                && cfg.profiles().stream().anyMatch(p -> p.name().equals(n.profile()));
    }

    /** The policy, for commands that explain rules; a raw program or no filter has none. */
    Policy policy(boolean acting) throws ConfigException {
        Filters.Resolved r = resolve(null, acting);
        return r.policy().orElseThrow(() -> new ConfigException("the filter here is " + r.choice().describe()
                + ", which has no rules to show" + (r.choice().source() instanceof dev.jbox.config.FilterSource.None
                ? "" : ": use jbox disasm, jbox audit or jbox check")));
    }

    /** The program for --arch (or this machine). */
    Program compile(Path bpf, boolean acting) throws Exception {
        return compile(bpf, null, acting);
    }

    Program compile(Path bpf, Path oci, boolean acting) throws Exception {
        Filters.Resolved r = resolve(bpf, oci, acting);
        return Filters.program(r, arch(), gateForProgram).orElseThrow(() -> new ConfigException(
                "no seccomp filter here: " + r.choice().describe() + " is none; name one with -p"));
    }

    /** "'strict' (from ./jbox.toml [sandbox] seccomp)". */
    String describe() throws ConfigException {
        return resolve(null, false).choice().describe();
    }
}
