package dev.jbox.review;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.JsonWriter;
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

/**
 * What {@code jbox audit} (and {@code disasm --audit}) finds in a program, as text and JSON.
 *
 * @param what     what was audited, for the first line ("FILE", "profile 'strict' (from ...)")
 * @param length   its number of instructions
 * @param findings the auditor's findings
 */
public record Audit(String what, int length, List<Auditor.Finding> findings) {

    public Audit {
        findings = List.copyOf(findings);
    }

    static Audit of(String what, Program p) {
        return new Audit(what, p.length(), Auditor.audit(p));
    }

    /**
     * A third-party raw program, read without the verifier: what the kernel would refuse is
     * one of the findings, not an error.
     */
    public static Audit ofFile(Path file) throws ConfigException {
        List<Insn> insns = read(file);
        List<Auditor.Finding> findings;
        try {
            findings = Auditor.audit(Program.of(insns));
        } catch (InvalidProgramException e) {
            findings = List.of(Auditor.rejected(e));
        }
        return new Audit(file.toString(), insns.size(), findings);
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

    /** A finding of severity warning or higher: the program is not safe to rely on. */
    public boolean unsafe() {
        return Auditor.unsafe(findings);
    }

    public String text() {
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

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", what);
        m.put("instructions", length);
        m.put("unsafe", unsafe());
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
        return JsonWriter.of(m);
    }
}
