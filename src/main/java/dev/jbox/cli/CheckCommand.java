package dev.jbox.cli;

import dev.jbox.config.JsonWriter;
import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.SymbolicValues;
import dev.jbox.config.Suggest;
import dev.jbox.launch.Session;
import dev.jbox.review.Subject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class CheckCommand implements Subcommand {

    static final String NAME = "check";

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec abiOpt = CommandModel.value("ABI", String.class,
            "ABI the call is made through: the native one (default), its compat ABI (i386, arm) or x32.", "--abi");
    private final OptionSpec jsonOpt = CommandModel.flag("Machine-readable output.", "--json");
    private final OptionSpec bpfOpt = CommandModel.value("FILE", java.nio.file.Path.class,
            "Check a raw BPF program instead of a profile (the verdict only: a raw program has no rules to cite).", "--bpf");
    private final OptionSpec ociOpt = CommandModel.value("FILE", java.nio.file.Path.class,
            "Check a Docker/OCI seccomp profile (JSON, e.g. from jbox learn --format oci) instead of a jbox profile.",
            "--seccomp-profile");
    private final PositionalParamSpec syscallArg = CommandModel.positional("SYSCALL", String.class, "0", "1", "Name or number.");
    private final PositionalParamSpec argsArg = CommandModel.positional("ARG", List.class, "1..*", "0..*",
            "Up to six arguments: numbers (0x.. for hex) or constants such as AF_VSOCK, TIOCSTI.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Show what a profile does with one system call, and which rule of the profile decided it.",
                "The verdict comes from running the compiled filter in jbox's emulator. For example:",
                "  jbox check --profile strict socket AF_VSOCK");
        profile.addTo(spec);
        return spec.addOption(abiOpt).addOption(jsonOpt).addOption(bpfOpt).addOption(ociOpt)
                .addPositional(syscallArg).addPositional(argsArg);
    }

    @Override
    public Integer call() throws Exception {
        String abi = CommandModel.get(abiOpt);
        boolean json = CommandModel.on(jsonOpt);
        java.nio.file.Path bpf = CommandModel.get(bpfOpt);
        String syscall = CommandModel.get(syscallArg);
        List<String> args = CommandModel.list(argsArg);
        Arch nativeArch = profile.arch();
        Arch via = abi == null ? nativeArch : ProfileOptions.parseArch(abi);
        if (args.size() > 6) {
            throw new ConfigException("a system call has at most 6 arguments, got " + args.size());
        }
        int nr = number(via, syscall);
        long[] a = new long[6];
        for (int i = 0; i < args.size(); i++) {
            OptionalLong v = SymbolicValues.parse(args.get(i));
            if (v.isEmpty()) {
                throw new ConfigException("argument " + (i + 1) + " '" + args.get(i) + "' is not a number or a known constant"
                        + Suggest.hint(args.get(i), SymbolicValues.names()));
            }
            a[i] = v.getAsLong();
        }
        java.nio.file.Path oci = CommandModel.get(ociOpt);
        Session.Resolved res = profile.resolve(bpf, oci, false);
        Subject.Verdict v = profile.program(bpf, oci, false).check(nativeArch, via, nr, a);
        String source = res.filter().choice().name();
        boolean raw = res.filter().policy().isEmpty();
        String name = via.syscalls().name(nr).orElse("syscall " + Integer.toUnsignedString(nr));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(raw ? "bpf" : "profile", source);
            m.put("from", res.filter().choice().from());
            m.put("arch", nativeArch.id());
            m.put("abi", via.id());
            m.put("syscall", name);
            m.put("nr", nr & 0xFFFFFFFFL);
            m.put("args", java.util.Arrays.stream(a).mapToObj(Long::toUnsignedString).toList());
            m.put("action", v.action().toString());
            m.put("ret", v.ret());
            m.put("executed", v.executed());
            m.put("rule", v.rule().orElse(null));
            m.put("why", v.why());
            System.out.println(JsonWriter.of(m));
        } else {
            StringBuilder sb = new StringBuilder();
            // the arguments as typed (socket(AF_VSOCK), not socket(0x28)); --json has the numbers
            sb.append(name).append('(').append(String.join(", ", args));
            sb.append(") on ").append(via.id()).append(" under ").append(res.filter().choice().describe()).append(": ")
                    .append(v.described()).append('\n');
            sb.append("  why: ").append(v.rule().map(x -> "rule from " + x + ": ").orElse(""))
                    .append(v.why()).append('\n');
            sb.append("  filter: ").append(v.executed()).append(" of ").append(profile.program(bpf, oci, false).length())
                    .append(" instructions executed\n");
            System.out.print(sb);
        }
        return 0;
    }

    static int number(Arch abi, String syscall) throws ConfigException {
        OptionalInt n = abi.syscalls().number(syscall);
        if (n.isPresent()) {
            return n.getAsInt();
        }
        if (!syscall.isEmpty() && Character.isDigit(syscall.charAt(0))) {
            OptionalLong v = SymbolicValues.parse(syscall);
            if (v.isPresent() && v.getAsLong() >= 0 && v.getAsLong() <= 0xFFFFFFFFL) {
                return (int) v.getAsLong();
            }
        }
        List<String> names = abi.syscalls().all().stream().map(s -> s.name()).toList();
        throw new ConfigException("unknown syscall '" + syscall + "' on " + abi.id() + Suggest.hint(syscall, names));
    }
}
