package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.JsonWriter;
import dev.jbox.launch.Proofs;
import dev.jbox.launch.Session;
import dev.jbox.policy.Policy;
import dev.jbox.proof.Counterexample;
import dev.jbox.proof.Difference;
import dev.jbox.proof.Prover;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code jbox prove}: renders what {@link Proofs} proved, or its counterexample. */
final class ProveCommand implements Subcommand {

    static final String NAME = "prove";
    /** A counterexample was found. */
    static final int REFUTED = 1;

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec ociOpt = CommandModel.value("FILE", Path.class,
            "Prove the filter of a Docker/OCI seccomp profile (JSON) instead of a jbox profile.", "--seccomp-profile");
    private final OptionSpec bpfOpt = CommandModel.value("FILE", Path.class,
            "Prove this raw BPF program (struct sock_filter[], e.g. another tool's) against the profile, for --arch"
                    + " (default: this machine's).", "--bpf");
    private final OptionSpec exceptOpt = OptionSpec.builder("--except").type(List.class).auxiliaryTypes(String.class)
            .paramLabel("REGION").description("Leave out inputs where another compiler differs from jbox by design"
                    + " (repeatable): " + Difference.NAMES + "; see docs/PROOF.md.").build();
    private final OptionSpec jsonOpt = CommandModel.flag("Machine-readable output.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Prove with z3 that the filter decides exactly as its profile, for every input.",
                "Every syscall number, architecture, instruction pointer and six 64-bit arguments, on each native "
                        + "architecture (or --arch) and the compat ABIs the program lets run; or print a "
                        + "counterexample. Needs z3 (apt-get install z3). For example:",
                "  jbox prove --profile strict");
        profile.addTo(spec);
        return spec.addOption(ociOpt).addOption(bpfOpt).addOption(exceptOpt).addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        Path bpf = CommandModel.get(bpfOpt);
        Session.Resolved r = profile.resolve(null, CommandModel.get(ociOpt), false);
        Policy policy = r.filter().policy().orElseThrow(() -> new ConfigException("the filter here is "
                + r.filter().choice().describe()
                + ", which has no profile to prove it against: name one with -p (and a program with --bpf)"));
        List<Difference> except = Proofs.except(CommandModel.list(exceptOpt));
        var solver = Proofs.solver(System.getenv());
        Proofs.Report report = bpf != null ? Proofs.proveFile(policy, profile.arch(), bpf, except, solver)
                : Proofs.prove(Session.Host.current(), profile.request(null, CommandModel.get(ociOpt)),
                        profile.archGiven() ? List.of(profile.arch())
                                : Arrays.stream(Arch.values()).filter(Arch::isNativeCapable).toList(), except, solver);
        String what = (bpf != null ? bpf + " against " : "") + r.filter().choice().describe();
        System.out.print(CommandModel.on(jsonOpt) ? json(what, report) + "\n" : text(what, report, checks(bpf)));
        return report.proven() ? 0 : REFUTED;
    }

    /**
     * The {@code jbox check} commands that ask the same two sides about one call: the
     * program's (the --bpf file, or the compiled profile) and, for a file, the profile's.
     */
    private List<String> checks(Path bpf) {
        String profileSide = "jbox check" + (CommandModel.get(ociOpt) != null ? " --seccomp-profile " + CommandModel.<Path>get(ociOpt)
                : profile.given() != null ? " -p " + profile.given() : "");
        return bpf == null ? List.of(profileSide) : List.of("jbox check --bpf " + bpf, profileSide);
    }

    static String text(String what, Proofs.Report report, List<String> checks) {
        StringBuilder sb = new StringBuilder();
        String outside = report.except().isEmpty() ? ""
                : " outside " + String.join(", ", report.except().stream().map(Difference::label).toList());
        if (report.proven()) {
            sb.append("proven: ").append(what).append(" decides as its profile for every input").append(outside)
                    .append(" (nr, arch, instruction pointer, six 64-bit arguments)\n");
        }
        for (Proofs.ArchProof p : report.proofs()) {
            sb.append("  ").append(abis(p)).append(": ").append(p.instructions()).append(" instructions, ");
            switch (p.result()) {
                case Prover.Proven x -> sb.append("proven in ").append(x.time().toMillis()).append(" ms\n");
                case Prover.Refuted x -> sb.append("counterexample found in ").append(x.time().toMillis())
                        .append(" ms\n").append(counterexample(what, p.nativeArch(), x.counterexample(), checks));
            }
        }
        return sb.append("  solver: ").append(report.solver()).append('\n').toString();
    }

    private static String abis(Proofs.ArchProof p) {
        return p.abis().getFirst().id() + (p.abis().size() > 1 ? " (+" + p.abis().get(1).id() + ")" : "");
    }

    private static String counterexample(String what, Arch nativeArch, Counterexample c, List<String> checks) {
        StringBuilder sb = new StringBuilder("counterexample: the program for ").append(nativeArch.id())
                .append(" does not decide as ").append(what).append('\n');
        sb.append("  call:    ").append(c.call()).append('\n');
        sb.append("  input:   ").append(String.format("nr 0x%x, arch 0x%08x, instruction pointer 0x%x", c.nr(),
                c.archValue(), c.ip())).append('\n');
        sb.append("  profile: ").append(c.left()).append(" (").append(c.why()).append(")\n");
        sb.append("  program: ").append(c.right()).append(String.format(" (returns 0x%08x)", c.rightRet())).append('\n');
        if (c.abi().isPresent()) {
            // the same call through jbox check, which runs the emulator (and the reference for a profile)
            Arch abi = c.abi().get();
            StringBuilder call = new StringBuilder(" --arch ").append(nativeArch.id())
                    .append(abi == nativeArch ? "" : " --abi " + abi.id()).append(' ')
                    .append(c.syscall().orElse(String.format("0x%x", c.nr())));
            for (long a : c.args()) {
                call.append(String.format(" 0x%x", a));
            }
            for (String check : checks) {
                sb.append("  check:   ").append(check).append(call).append('\n');
            }
        }
        return sb.toString();
    }

    static String json(String what, Proofs.Report report) {
        List<Object> arches = new ArrayList<>();
        for (Proofs.ArchProof p : report.proofs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", p.nativeArch().id());
            m.put("abis", p.abis().stream().map(Arch::id).toList());
            m.put("instructions", p.instructions());
            m.put("ms", p.result().time().toMillis());
            if (p.result() instanceof Prover.Refuted x) {
                Counterexample c = x.counterexample();
                Map<String, Object> ce = new LinkedHashMap<>();
                ce.put("abi", c.abi().map(Arch::id).orElse(null));
                ce.put("syscall", c.syscall().orElse(null));
                ce.put("nr", c.nr() & 0xFFFFFFFFL);
                ce.put("arch", c.archValue() & 0xFFFFFFFFL);
                ce.put("ip", Long.toUnsignedString(c.ip()));
                ce.put("args", Arrays.stream(c.args()).mapToObj(Long::toUnsignedString).toList());
                ce.put("profile", c.left().toString());
                ce.put("why", c.why());
                ce.put("program", c.right().toString());
                ce.put("ret", c.rightRet() & 0xFFFFFFFFL);
                m.put("result", "counterexample");
                m.put("counterexample", ce);
            } else {
                m.put("result", "proven");
            }
            arches.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filter", what);
        out.put("proven", report.proven());
        out.put("except", report.except().stream().map(Difference::label).toList());
        out.put("solver", report.solver());
        out.put("arches", arches);
        return JsonWriter.of(out);
    }
}
