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
import picocli.CommandLine.Option;

/** --profile and --arch, shared by the commands that compile a profile. */
final class ProfileOptions {

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME",
            description = "Profile to use: minimal, strict, dev or one of your own (default: ${DEFAULT-VALUE}).",
            defaultValue = Profiles.DEFAULT_PROFILE)
    String profile;

    @Option(names = "--arch", paramLabel = "ARCH",
            description = "Native architecture to compile for: x86_64, aarch64, riscv64 (default: this machine's).")
    String arch;

    @picocli.CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    Arch arch() throws ConfigException {
        return parseArch(arch);
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
        return profiles().resolve(profile);
    }

    Program compile() throws ConfigException, CompileException {
        return Compiler.compile(policy(), arch());
    }
}
