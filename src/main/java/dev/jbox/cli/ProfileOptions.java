package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.Profiles;
import dev.jbox.launch.Session;
import dev.jbox.policy.Policy;
import dev.jbox.review.Subject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * -p/--profile, --arch and --config for the reviewer commands (check, explain, compile,
 * disasm, export). They answer for the filter {@code jbox run} would apply here, as the launch
 * session resolves it ({@link Session#review}): -p, else JBOX_PROFILE, else the config file,
 * else the default preset; read through the same trust rule as {@code run}.
 */
final class ProfileOptions {

    private final OptionSpec profileOpt = CommandModel.value("NAME", String.class,
            "Profile: minimal, strict, dev, nested or one of your own (default: what 'jbox run' would apply here:"
                    + " JBOX_PROFILE, the config file, or minimal).", "-p", "--profile");
    private final OptionSpec archOpt = CommandModel.value("ARCH", String.class,
            "Native architecture to compile for: x86_64, aarch64, riscv64 (default: this machine's).", "--arch");
    private final ConfigOption config = new ConfigOption();
    private Session.Resolved resolved;

    void addTo(CommandSpec spec) {
        spec.addOption(profileOpt).addOption(archOpt);
        config.addTo(spec);
    }

    /** -p as given (null: not given). */
    String given() {
        return CommandModel.get(profileOpt);
    }

    Arch arch() throws ConfigException {
        return parseArch(CommandModel.get(archOpt));
    }

    /** Whether --arch was given. */
    boolean archGiven() {
        return CommandModel.get(archOpt) != null;
    }

    static Arch parseArch(String id) throws ConfigException {
        if (id == null) {
            return Arch.host();
        }
        return Arch.byId(id).orElseThrow(() -> new ConfigException("unknown architecture '" + id + "'"
                + dev.jbox.config.Suggest.hint(id, Arrays.stream(Arch.values()).map(Arch::id).toList())
                + "; known: " + Arrays.stream(Arch.values()).map(Arch::id).collect(Collectors.joining(", "))));
    }

    /**
     * What {@code run} would apply here (or what -p, {@code bpf} or {@code oci} names instead),
     * for --arch.
     *
     * @param bpf    a raw program to use instead (check --bpf), or null
     * @param oci    an OCI profile to use instead (check --seccomp-profile), or null
     * @param acting the command produces something to use (compile, export): a file {@code run}
     *               would refuse for lack of trust is then an error (exit 2); the others show
     *               what it would do and say that {@code run} refuses it
     */
    Session.Resolved resolve(Path bpf, Path oci, boolean acting) throws Exception {
        if (resolved == null) {
            resolved = Session.review(Session.Host.current(), request(bpf, oci), arch());
            if (resolved.untrusted().isPresent() && resolved.untrusted().get().decidesFilter()) {
                String why = resolved.untrusted().get().message();
                if (acting) {
                    throw new ConfigException(why + " (jbox run refuses it, and so does this command)");
                }
                System.err.println("jbox: note: " + why + "; 'jbox run' refuses it until then: shown here as it would apply");
            }
            resolved.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
        }
        return resolved;
    }

    /** What these options ask the session: {@code run} here, with -p, {@code bpf} or {@code oci} if given. */
    Session.Run request(Path bpf, Path oci) {
        return Session.Run.here(config.given(), new FilterChoice.Request(given(), false, bpf, oci, false));
    }

    /** {@link #resolve(Path, Path, boolean)} for what run applies here, or -p. */
    Session.Resolved resolve(boolean acting) throws Exception {
        return resolve(null, null, acting);
    }

    /** The profiles of the config that applies, for commands that show a profile's parents. */
    Profiles profiles() throws Exception {
        return resolve(false).config().allProfiles();
    }

    /** The policy, for commands that explain rules; a raw program or no filter has none. */
    Policy policy(boolean acting) throws Exception {
        return Subject.policy(resolve(acting));
    }

    /** The program, for --arch (or this machine). */
    Subject program(Path bpf, Path oci, boolean acting) throws Exception {
        return Subject.of(resolve(bpf, oci, acting));
    }

    /** "'strict' (from ./jbox.toml [sandbox] seccomp)". */
    String describe() throws Exception {
        return resolve(false).filter().choice().describe();
    }
}
