package dev.jbox.cli;

import dev.jbox.config.HostFile;
import dev.jbox.review.Subject;
import java.io.OutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class CompileCommand implements Subcommand {

    static final String NAME = "compile";

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec output = OptionSpec.builder("-o", "--output").type(String.class).paramLabel("FILE")
            .required(true).description("Where to write the program ('-' for standard output).").build();
    private final OptionSpec json = CommandModel.flag("Write the instructions as JSON instead of raw bytes.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Compile a profile to a raw BPF program (struct sock_filter[], host byte order).",
                "The file is usable as is with plain bwrap:",
                "  bwrap --seccomp 3 3<FILE ...");
        profile.addTo(spec);
        return spec.addOption(output).addOption(json);
    }

    @Override
    public Integer call() throws Exception {
        Subject p = profile.program(null, null, true);
        String output = CommandModel.get(this.output);
        byte[] bytes = CommandModel.on(json) ? (p.json() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8) : p.bytes();
        if (output.equals("-")) {
            OutputStream out = System.out;
            out.write(bytes);
            out.flush();
        } else {
            HostFile.write(Path.of(output), bytes);
            System.err.println("jbox: wrote " + p.length() + " instructions (" + p.bytes().length + " bytes) for "
                    + p.arch() + " under " + profile.describe() + " to " + output);
        }
        return 0;
    }
}
