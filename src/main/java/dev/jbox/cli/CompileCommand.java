package dev.jbox.cli;

import dev.jbox.config.HostFile;
import dev.jbox.config.Json;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.Program;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class CompileCommand implements Subcommand {

    static final String NAME = "compile";

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec output = OptionSpec.builder("-o", "--output").type(String.class).paramLabel("FILE")
            .required(true).description("Where to write the program ('-' for standard output).").build();
    private final OptionSpec json = Opts.flag("Write the instructions as JSON instead of raw bytes.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Compile a profile to a raw BPF program (struct sock_filter[], host byte order),",
                "usable as is with plain bwrap: bwrap --seccomp 3 3<FILE ...");
        profile.addTo(spec);
        return spec.addOption(output).addOption(json);
    }

    @Override
    public Integer call() throws Exception {
        Program p = profile.compile(null, true);
        String output = Opts.get(this.output);
        byte[] bytes = Opts.on(json) ? (json(p) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8) : p.toBytes();
        if (output.equals("-")) {
            OutputStream out = System.out;
            out.write(bytes);
            out.flush();
        } else {
            HostFile.write(Path.of(output), bytes);
            System.err.println("jbox: wrote " + p.length() + " instructions (" + p.toBytes().length + " bytes) for "
                    + p.arches().getFirst().id() + " under " + profile.describe() + " to " + output);
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
