package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.review.Audit;
import dev.jbox.review.Subject;
import java.nio.file.Path;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class DisasmCommand implements Subcommand {

    static final String NAME = "disasm";

    private final PositionalParamSpec fileArg = CommandModel.positional("FILE", Path.class, "0", "1",
            "A raw BPF program (struct sock_filter[]).");
    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec jsonOpt = CommandModel.flag("Instructions as JSON.", "--json");
    private final OptionSpec auditOpt = CommandModel.flag(
            "Also audit the program (see 'jbox audit'); exit 1 on a finding of severity warning or higher.", "--audit");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Disassemble a raw BPF file or a compiled profile, seccomp-tools style.");
        // at most one source: a file or a profile; neither: what run would apply here
        spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("0..1").addArg(fileArg).build());
        profile.addTo(spec);
        return spec.addOption(jsonOpt).addOption(auditOpt);
    }

    @Override
    public Integer call() throws Exception {
        Path file = CommandModel.get(fileArg);
        boolean json = CommandModel.on(jsonOpt);
        if (file != null && profile.given() != null) {
            throw new ConfigException("give a FILE or -p PROFILE, not both");
        }
        Subject p = file != null ? Subject.rawFile(file) : profile.program(null, null, false);
        System.out.print(json ? p.json() + "\n" : p.disassembly());
        if (CommandModel.on(auditOpt)) {
            Audit audit = p.audit(file != null ? file.toString() : "profile " + profile.describe());
            System.out.print(json ? audit.json() + "\n" : "\naudit: " + audit.text());
            return audit.unsafe() ? AuditCommand.FINDINGS : 0;
        }
        return 0;
    }
}
