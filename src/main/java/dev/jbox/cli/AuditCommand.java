package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.Json;
import dev.jbox.config.ConfigException;
import dev.jbox.seccomp.Auditor;
import dev.jbox.seccomp.Bpf;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class AuditCommand implements Subcommand {

    static final String NAME = "audit";
    static final int FINDINGS = 1;

    private final PositionalParamSpec fileArg = Opts.positional("FILE", Path.class, "0", "1",
            "A raw BPF program (struct sock_filter[], host byte order).");
    private final OptionSpec jsonOpt = Opts.flag("Machine-readable output.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Check a third-party raw BPF seccomp program for what makes it unsafe to rely on.",
                "It looks for: no arch check, x32 numbers allowed, 64-bit compares of int arguments, other "
                        + "architectures allowed, a filter that denies nothing, unreachable code, and anything the "
                        + "kernel would refuse. Each finding names its instruction (see docs/AUDIT.md).");
        return spec.addPositional(fileArg).addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        Path file = Opts.get(fileArg);
        boolean json = Opts.on(jsonOpt);
        List<Insn> insns = read(file);
        List<Auditor.Finding> findings = audit(insns);
        System.out.print(json ? json(file.toString(), insns.size(), findings) + "\n"
                : text(file.toString(), insns.size(), findings));
        return Auditor.unsafe(findings) ? FINDINGS : 0;
    }

    /** The auditor's findings, or the one finding that the kernel would refuse the instructions. */
    static List<Auditor.Finding> audit(List<Insn> insns) {
        try {
            return Auditor.audit(Program.of(insns));
        } catch (InvalidProgramException e) {
            return List.of(Auditor.rejected(e));
        }
    }

    /** The instructions of a file, not verified (the audit reports what the kernel would refuse). */
    static List<Insn> read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file + ": is a directory; give a raw BPF program file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e.getMessage()));
        }
        if (bytes.length == 0) {
            throw new ConfigException(file + ": the file is empty; expected a raw BPF program (8 bytes per instruction)");
        }
        if (bytes.length % 8 != 0) {
            throw new ConfigException(file + ": " + bytes.length + " bytes is not a whole number of instructions"
                    + " (8 bytes each, struct sock_filter); is it a raw BPF program?");
        }
        if (bytes.length / 8 > Bpf.MAXINSNS) {
            throw new ConfigException(file + ": " + bytes.length / 8 + " instructions; the kernel accepts at most "
                    + Bpf.MAXINSNS + " in one program");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(Arch.host().byteOrder()); // as bwrap will read it
        List<Insn> insns = new ArrayList<>();
        for (int i = 0; i < bytes.length / 8; i++) {
            insns.add(new Insn(b.getShort() & 0xFFFF, b.get() & 0xFF, b.get() & 0xFF, b.getInt()));
        }
        return insns;
    }

    static String text(String what, int length, List<Auditor.Finding> findings) {
        StringBuilder sb = new StringBuilder();
        long serious = findings.stream().filter(f -> f.severity() != Auditor.Severity.INFO).count();
        sb.append(what).append(": ").append(length).append(" instructions, ")
                .append(serious == 0 ? "no findings" : serious + (serious == 1 ? " finding" : " findings"))
                .append(" of severity warning or higher\n");
        for (Auditor.Finding f : findings) {
            sb.append("  ").append(f).append('\n');
        }
        return sb.toString();
    }

    static String json(String what, int length, List<Auditor.Finding> findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", what);
        m.put("instructions", length);
        m.put("unsafe", Auditor.unsafe(findings));
        List<Object> fs = new ArrayList<>();
        for (Auditor.Finding f : findings) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("severity", f.severity().id());
            x.put("instruction", f.pc() < 0 ? null : f.pc());
            x.put("code", f.code().id());
            x.put("message", f.message());
            fs.add(x);
        }
        m.put("findings", fs);
        return Json.of(m);
    }
}
