package dev.jbox.cli;

import dev.jbox.seccomp.Disassembler;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble a raw BPF file or a compiled profile, seccomp-tools style.")
final class DisasmCommand implements Callable<Integer> {

    static final class Source {
        @Parameters(paramLabel = "FILE", description = "A raw BPF program (struct sock_filter[]).")
        Path file;

        @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Compile this profile instead.")
        String profile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture to compile the profile for.")
    String arch;

    @Option(names = "--json", description = "Instructions as JSON.")
    boolean json;

    @Option(names = "--audit", description = "Also audit the program (see 'jbox audit'); exit 1 on a finding of severity warning or higher.")
    boolean audit;

    @Override
    public Integer call() throws Exception {
        Program p;
        if (source.file != null) {
            p = FilterOptions.readBpf(source.file);
        } else {
            ProfileOptions o = new ProfileOptions();
            o.profile = source.profile;
            o.arch = arch;
            p = o.compile();
        }
        System.out.print(json ? CompileCommand.json(p) + "\n" : Disassembler.disassemble(p));
        if (audit) {
            var findings = dev.jbox.seccomp.Auditor.audit(p);
            String what = source.file != null ? source.file.toString() : "profile " + source.profile;
            System.out.print(json ? AuditCommand.json(what, p, findings) + "\n" : "\naudit: " + AuditCommand.text(what, p, findings));
            return dev.jbox.seccomp.Auditor.unsafe(findings) ? AuditCommand.FINDINGS : 0;
        }
        return 0;
    }
}
