package dev.jbox.cli;

import dev.jbox.config.Json;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.Program;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compile a profile to a raw BPF program (struct sock_filter[], host byte order),",
                "usable as is with plain bwrap: bwrap --seccomp 3 3<FILE ..."})
final class CompileCommand implements Callable<Integer> {

    @Mixin
    ProfileOptions profile;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Where to write the program ('-' for standard output).")
    String output;

    @Option(names = "--json", description = "Write the instructions as JSON instead of raw bytes.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Program p = profile.compile();
        byte[] bytes = json ? (json(p) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8) : p.toBytes();
        if (output.equals("-")) {
            OutputStream out = System.out;
            out.write(bytes);
            out.flush();
        } else {
            Files.write(Path.of(output), bytes);
            System.err.println("jbox: wrote " + p.length() + " instructions (" + p.toBytes().length + " bytes) for "
                    + p.arches().getFirst().id() + " to " + output);
        }
        return 0;
    }

    static String json(Program p) {
        List<Object> insns = new ArrayList<>();
        for (Insn i : p.insns()) {
            insns.add(List.of(i.code(), i.jt(), i.jf(), i.k() & 0xFFFFFFFFL));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arches", p.arches().stream().map(a -> a.id()).toList());
        m.put("length", p.length());
        m.put("instructions", insns);
        return Json.of(m);
    }
}
