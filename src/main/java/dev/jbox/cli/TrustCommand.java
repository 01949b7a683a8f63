package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.config.Bind;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.Escape;
import dev.jbox.config.FileBytes;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.Profiles;
import dev.jbox.config.SandboxSettings;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustRecord;
import dev.jbox.config.TrustStore;
import dev.jbox.config.UserDirs;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbox trust [FILE]}: show what a config (or filter) file would do to the sandbox,
 * and record that the user trusts exactly this content. Like {@code direnv allow} and
 * {@code mise trust}: explicit, exact (SHA-256 of the bytes), and current (a new trust
 * replaces the old record, so an older, wider version never comes back).
 */
final class TrustCommand implements Subcommand {

    static final String NAME = "trust";

    private final OptionSpec showOnly = Opts.flag("Only show what the file would do; record nothing.", "--show");
    private final PositionalParamSpec file = Opts.positional("FILE", Path.class, "0", "0..1",
            "The file to trust: a jbox.toml (default: the one jbox run would find here), a .bpf program or an OCI"
                    + " seccomp profile (.json).");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Show what a config file would do to the sandbox, and trust exactly this content.",
                "Trust rules (docs/SECURITY.md):",
                "  ./jbox.toml found in the working directory: used by 'jbox run' only once trusted here.",
                "  --config FILE, --bpf FILE, --seccomp-profile FILE, JBOX_PROFILE=/path, seccomp = \"x.bpf\":",
                "    your own choice, unless the file lies under a read-write bind of the sandbox being",
                "    launched (the working directory included): then it needs trust too.",
                "  $XDG_CONFIG_HOME/jbox/config.toml (~/.config/jbox/config.toml): yours; trusted, and kept",
                "    read-only inside every sandbox, like the trust store.",
                "A record holds the SHA-256 of the file's bytes, of every .bpf file it names, and where each",
                "bind source leads (symlinks resolved). A changed byte, a changed .bpf or a re-pointed bind",
                "source makes the file untrusted again: 'jbox run' then exits 125 and runs nothing.",
                "Records live in $XDG_STATE_HOME/jbox/trust (~/.local/state/jbox/trust); a new trust replaces",
                "the old record.");
        spec.addOption(showOnly).addPositional(file);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        UserDirs dirs = UserDirs.of(env);
        TrustStore store = TrustStore.of(dirs);
        Path given = Opts.get(file);
        Path target;
        if (given == null) {
            target = Path.of("").toAbsolutePath().resolve("jbox.toml");
            if (!Files.isRegularFile(target)) {
                throw new ConfigException("no ./jbox.toml here: name the file to trust (jbox trust FILE)");
            }
        } else {
            target = given.toAbsolutePath().normalize();
            if (!Files.isRegularFile(target)) {
                throw new ConfigException(given + ": no such file");
            }
        }
        StringBuilder out = new StringBuilder();
        TrustRecord record;
        if (target.toString().endsWith(".toml")) {
            ConfigFile cfg = ConfigFile.load(target);
            record = Trust.recordFor(cfg);
            describe(cfg, record, out);
        } else {
            byte[] bytes = FileBytes.read(target);
            record = Trust.recordFor(target, bytes);
            Program p = target.toString().endsWith(".json")
                    ? Compiler.compile(OciProfiles.load(target, bytes), Arch.host())
                    : FilterOptions.program(target, bytes);
            out.append("filter file: ").append(target).append(" (sha256 ").append(record.sha256()).append(")\n");
            out.append("  ").append(p.insns().size()).append(" instructions\n");
            widening(p, out);
        }
        System.out.print(out);
        if (Opts.on(showOnly)) {
            System.out.println("not recorded (--show)");
            return 0;
        }
        Optional<TrustRecord> before = store.find(target);
        Path saved = store.save(record);
        System.out.println((before.isPresent() ? "trusted again (the earlier record is replaced): "
                : "trusted: ") + target + " (record: " + saved + ")");
        return 0;
    }

    /** The effective sandbox a config gives, as {@code jbox run} would build it. */
    private static void describe(ConfigFile cfg, TrustRecord record, StringBuilder out) throws Exception {
        SandboxSettings s = cfg.sandbox();
        out.append("config file: ").append(cfg.path().orElseThrow()).append(" (sha256 ").append(cfg.sha256()).append(")\n");
        out.append("  network:   ").append(s.shareNet().orElse(false) ? "the host's (share_net = true)" : "none (own namespace)")
                .append('\n');
        for (Bind b : s.binds()) {
            String target = record.bindTargets().get(b.src());
            out.append(b.readOnly() ? "  ro_bind:   " : "  bind (rw): ").append(Escape.visible(b.src()));
            if (target != null && !target.equals(b.src())) {
                out.append(" (resolves to ").append(Escape.visible(target)).append(')');
            }
            out.append(" -> ").append(Escape.visible(b.dest())).append('\n');
        }
        ConfigCommand.environmentAndPlace(s, "  ", out);
        FilterChoice choice = FilterChoice.decide(FilterChoice.Request.profile(null), Map.of(), cfg);
        out.append("  seccomp:   ").append(choice.name());
        Optional<Program> program;
        switch (choice.source()) {
            case FilterSource.None n -> {
                out.append(" (NO FILTER: the command runs with bwrap's namespaces only)\n");
                program = Optional.empty();
            }
            case FilterSource.BpfFile b -> {
                out.append(" (sha256 ").append(record.files().get(b.file().toString())).append(")\n");
                program = Optional.of(FilterOptions.program(b.file(), FileBytes.read(b.file())));
            }
            case FilterSource.Named n -> {
                out.append('\n');
                program = Optional.of(Compiler.compile(cfg.allProfiles().resolve(n.profile()), Arch.host()));
            }
            case FilterSource.OciFile o -> throw new ConfigException("a config file cannot name an OCI profile");
        }
        if (program.isPresent()) {
            widening(program.get(), out);
        } else {
            out.append("  allows beyond minimal: everything minimal refuses\n");
        }
    }

    /**
     * What a filter allows that {@code minimal} refuses, found by running both programs on
     * every syscall of this machine's ABI (arguments zero, and each value minimal's rules look at).
     */
    static void widening(Program p, StringBuilder out) throws Exception {
        Arch arch = Arch.host();
        Policy minimal = Profiles.builtin().resolve(Profiles.DEFAULT_PROFILE);
        Program base = Compiler.compile(minimal, arch);
        Set<String> wider = new LinkedHashSet<>();
        for (Syscall sc : arch.syscalls().all()) {
            List<long[]> inputs = new ArrayList<>();
            inputs.add(new long[6]);
            for (Rule r : minimal.rulesFor(sc.name())) {
                for (Condition c : r.conditions()) {
                    long[] a = new long[6];
                    a[c.arg()] = c.value();
                    inputs.add(a);
                }
            }
            for (long[] a : inputs) {
                SeccompData d = SeccompData.of(arch, sc.nr(), a);
                if (refuses(Emulator.run(base, d)) && !refuses(Emulator.run(p, d))) {
                    boolean zero = java.util.Arrays.stream(a).allMatch(v -> v == 0);
                    wider.add(zero ? sc.name() : sc.name() + argText(a));
                }
            }
        }
        out.append("  allows beyond minimal: ").append(wider.isEmpty() ? "nothing" : String.join(", ", wider)).append('\n');
    }

    private static String argText(long[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                return "(arg" + i + "=0x" + Long.toHexString(a[i]) + ")";
            }
        }
        return "";
    }

    private static boolean refuses(int ret) {
        int action = ret & Ret.ACTION_FULL;
        return action != Ret.ALLOW && action != Ret.LOG;
    }
}
