package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** --profile and --arch, shared by the commands that compile a profile. */
final class ProfileOptions {

    private final OptionSpec profileOpt = OptionSpec.builder("-p", "--profile").type(String.class).paramLabel("NAME")
            .defaultValue(Profiles.DEFAULT_PROFILE)
            .description("Profile to use: minimal, strict, dev, nested or one of your own (default: ${DEFAULT-VALUE}).").build();
    private final OptionSpec archOpt = Opts.value("ARCH", String.class,
            "Native architecture to compile for: x86_64, aarch64, riscv64 (default: this machine's).", "--arch");
    private final ConfigOption config = new ConfigOption();

    void addTo(CommandSpec spec) {
        spec.addOption(profileOpt).addOption(archOpt);
        config.addTo(spec);
    }

    String profile() {
        return Opts.get(profileOpt);
    }

    Arch arch() throws ConfigException {
        return parseArch(Opts.get(archOpt));
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

    Policy policy() throws ConfigException {
        return profiles().resolve(profile());
    }

    Program compile() throws ConfigException, CompileException {
        return Compiler.compile(policy(), arch());
    }

    /** Compiles {@code profile} for {@code arch} (null: this machine's) without options (disasm's -p). */
    static Program compile(String profile, String arch) throws ConfigException, CompileException {
        return Compiler.compile(new ConfigOption().load().allProfiles().resolve(profile), parseArch(arch));
    }
}
