package dev.jbox.cli;

import dev.jbox.review.Audit;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class AuditCommand implements Subcommand {

    static final String NAME = "audit";
    static final int FINDINGS = 1;

    private final PositionalParamSpec fileArg = CommandModel.positional("FILE", Path.class, "0", "1",
            "A raw BPF program (struct sock_filter[], host byte order).");
    private final OptionSpec jsonOpt = CommandModel.flag("Machine-readable output.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Check a third-party raw BPF seccomp program for what makes it unsafe to rely on.",
                "It looks for: no arch check, x32 numbers allowed, 64-bit compares of int arguments, other "
                        + "architectures allowed, a filter that denies nothing, unreachable code, and anything the "
                        + "kernel would refuse. Each finding names its instruction (see docs/AUDIT.md).");
        return spec.addPositional(fileArg).addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        Path file = CommandModel.get(fileArg);
        Audit audit = Audit.ofFile(file);
        System.out.print(CommandModel.on(jsonOpt) ? audit.json() + "\n" : audit.text());
        return audit.unsafe() ? FINDINGS : 0;
    }
}
