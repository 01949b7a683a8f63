package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.OciExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a jbox profile as an OCI/Docker seccomp profile (JSON) with the same decisions,",
                "for docker run --security-opt seccomp=FILE, podman, runc or crun. What OCI cannot express",
                "(x32 refusal, future_syscalls, rule order) is said in its \"comment\"; see docs/OCI.md.",
                "Example: jbox export --profile strict --format oci -o strict.json"})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ProfileOptions profile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "oci",
            description = "Output format: oci (the only one; default).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: standard output).")
    String output;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("oci")) {
            throw new ConfigException("unknown --format '" + format + "': the only format is oci");
        }
        String json = OciExport.export(profile.policy(), profile.arch());
        if (output == null || output.equals("-")) {
            System.out.print(json);
        } else {
            Files.writeString(Path.of(output), json, StandardCharsets.UTF_8);
            System.err.println("jbox: wrote profile '" + profile.policy().name() + "' as an OCI seccomp profile to " + output);
        }
        return 0;
    }
}
