package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.HostFile;
import dev.jbox.config.OciExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ExportCommand implements Subcommand {

    static final String NAME = "export";

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec formatOpt = OptionSpec.builder("--format").type(String.class).paramLabel("FORMAT")
            .defaultValue("oci").description("Output format: oci (the only one; default).").build();
    private final OptionSpec outputOpt = CommandModel.value("FILE", String.class, "Where to write (default: standard output).",
            "-o", "--output");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Write a jbox profile as an OCI/Docker seccomp profile (JSON) with the same decisions.",
                "The file is for docker run --security-opt seccomp=FILE, podman, runc or crun. What OCI cannot express "
                        + "(x32 refusal, future_syscalls, rule order) is said in its \"comment\"; see docs/OCI.md. "
                        + "For example:",
                "  jbox export --profile strict --format oci -o strict.json");
        profile.addTo(spec);
        return spec.addOption(formatOpt).addOption(outputOpt);
    }

    @Override
    public Integer call() throws Exception {
        String format = CommandModel.get(formatOpt);
        String output = CommandModel.get(outputOpt);
        if (!format.equals("oci")) {
            throw new ConfigException("unknown --format '" + format + "': the only format is oci");
        }
        String json = OciExport.export(profile.policy(true), profile.arch());
        if (output == null || output.equals("-")) {
            System.out.print(json);
        } else {
            HostFile.write(Path.of(output), json.getBytes(StandardCharsets.UTF_8));
            System.err.println("jbox: wrote " + profile.describe() + " as an OCI seccomp profile to " + output);
        }
        return 0;
    }
}
