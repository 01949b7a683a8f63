package dev.jbox.cli;

import dev.jbox.config.Bind;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.Escape;
import dev.jbox.config.FilterSource;
import dev.jbox.config.SandboxSettings;
import dev.jbox.config.TrustRecord;
import dev.jbox.launch.Session;
import dev.jbox.review.Widening;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

    private final OptionSpec showOnly = CommandModel.flag("Only show what the file would do; record nothing.", "--show");
    private final PositionalParamSpec file = CommandModel.positional("FILE", Path.class, "0", "0..1",
            "The file to trust: a jbox.toml (default: the one jbox run would find here), a .bpf program or an OCI"
                    + " seccomp profile (.json).");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Show what a config file would do to the sandbox, and trust exactly this content.",
                "The trust rules (docs/SECURITY.md):",
                "- ./jbox.toml found in the working directory: used by 'jbox run' only once trusted here.",
                "- --config FILE, --bpf FILE, --seccomp-profile FILE, JBOX_PROFILE=/path, seccomp = \"x.bpf\": your "
                        + "own choice, unless the file lies under a read-write bind of the sandbox being launched (the "
                        + "working directory included): then it needs trust too.",
                "- $XDG_CONFIG_HOME/jbox/config.toml (~/.config/jbox/config.toml): yours; trusted, and kept read-only "
                        + "inside every sandbox, like the trust store.",
                "A record holds the SHA-256 of the file's bytes, of every .bpf file it names, and where each bind "
                        + "source leads (symlinks resolved). A changed byte, a changed .bpf or a re-pointed bind source "
                        + "makes the file untrusted again: 'jbox run' then exits 125 and runs nothing.",
                "Records live in $XDG_STATE_HOME/jbox/trust (~/.local/state/jbox/trust); a new trust replaces the "
                        + "old record.");
        spec.addOption(showOnly).addPositional(file);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Session.TrustView v = Session.trust(Session.Host.current(), Optional.ofNullable(CommandModel.get(file)));
        v.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
        TrustRecord record = v.record();
        StringBuilder out = new StringBuilder();
        if (v.config().isPresent()) {
            describe(v, v.config().get(), out);
        } else {
            out.append("filter file: ").append(v.file()).append(" (sha256 ").append(record.sha256()).append(")\n");
            out.append("  ").append(Widening.length(v).orElse(0)).append(" instructions\n");
        }
        widening(v, out);
        System.out.print(out);
        if (CommandModel.on(showOnly)) {
            System.out.println("not recorded (--show)");
            return 0;
        }
        Optional<TrustRecord> before = v.store().find(v.file());
        Path saved = v.store().save(record);
        System.out.println((before.isPresent() ? "trusted again (the earlier record is replaced): "
                : "trusted: ") + v.file() + " (record: " + saved + ")");
        return 0;
    }

    /** The effective sandbox a config gives, as {@code jbox run} would build it. */
    private static void describe(Session.TrustView v, ConfigFile cfg, StringBuilder out) {
        SandboxSettings s = cfg.sandbox();
        out.append("config file: ").append(cfg.path().orElseThrow()).append(" (sha256 ").append(cfg.sha256()).append(")\n");
        out.append("  network:   ").append(s.shareNet().orElse(false) ? "the host's (share_net = true)" : "none (own namespace)")
                .append('\n');
        for (Bind b : s.binds()) {
            String target = v.record().bindTargets().get(b.src());
            out.append(b.readOnly() ? "  ro_bind:   " : "  bind (rw): ").append(Escape.visible(b.src()));
            if (target != null && !target.equals(b.src())) {
                out.append(" (resolves to ").append(Escape.visible(target)).append(')');
            }
            out.append(" -> ").append(Escape.visible(b.dest())).append('\n');
        }
        ConfigCommand.environmentAndPlace(s, "  ", out);
        out.append("  seccomp:   ").append(v.choice().name());
        switch (v.choice().source()) {
            case FilterSource.None n -> out.append(" (NO FILTER: the command runs with bwrap's namespaces only)\n");
            case FilterSource.BpfFile b -> out.append(" (sha256 ").append(v.record().files().get(b.file().toString()))
                    .append(")\n");
            default -> out.append('\n');
        }
    }

    /** What the file's filter allows that {@code minimal} refuses ({@link Widening}). */
    private static void widening(Session.TrustView v, StringBuilder out) throws Exception {
        List<String> wider = Widening.beyondDefault(v);
        out.append("  allows beyond minimal: ").append(wider.isEmpty() ? "nothing" : String.join(", ", wider)).append('\n');
    }
}
