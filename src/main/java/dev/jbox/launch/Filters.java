package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.OciProfile;
import dev.jbox.config.Trust;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one service that turns a {@link FilterChoice} into what the kernel will run: every
 * command that shows or uses a filter gets it here, so that {@code check}, {@code explain},
 * {@code compile}, {@code disasm} and {@code export} answer for exactly what {@code run}
 * applies. Files are read through a {@link Trust.Gate}, once, and checked against the trust
 * they need.
 */
public final class Filters {
    private Filters() {
    }

    /**
     * A resolved filter.
     *
     * @param choice   what was asked for, and from where
     * @param policy   the rules, when the filter has them (a profile or an OCI profile; not a raw program)
     * @param warnings what translating an OCI profile found worth saying
     */
    public record Resolved(FilterChoice choice, Optional<Policy> policy, List<String> warnings) {
    }

    /** The policy of {@code choice} (none for no filter, or for a raw program). */
    public static Resolved policy(FilterChoice choice, ConfigFile config, Trust.Gate gate) throws ConfigException {
        return switch (choice.source()) {
            case FilterSource.None n -> new Resolved(choice, Optional.empty(), List.of());
            case FilterSource.BpfFile b -> new Resolved(choice, Optional.empty(), List.of());
            case FilterSource.Named n -> {
                Policy p = config.allProfiles().resolve(n.profile());
                yield new Resolved(choice, Optional.of(choice.complain() ? p.complain() : p), List.of());
            }
            case FilterSource.OciFile o -> {
                OciProfile.Loaded l = OciProfile.fromBytes(o.file(), gate.readGiven(o.file(), choice.from()),
                        OciProfile.Host.current());
                yield new Resolved(choice, Optional.of(choice.complain() ? l.policy().complain() : l.policy()),
                        l.warnings());
            }
        };
    }

    /** The program for {@code arch}, or empty for no filter. */
    public static Optional<Program> program(Resolved r, Arch arch, Trust.Gate gate) throws ConfigException,
            CompileException {
        if (r.policy().isPresent()) {
            return Optional.of(Compiler.compile(r.policy().get(), arch));
        }
        if (r.choice().source() instanceof FilterSource.BpfFile b) {
            byte[] bytes = r.choice().fromConfig() ? gate.readNamed(b.file()) : gate.readGiven(b.file(), r.choice().from());
            return Optional.of(fromBytes(b.file(), bytes));
        }
        return Optional.empty();
    }

    /** A raw program, verified as the kernel would. */
    public static Program fromBytes(Path file, byte[] bytes) throws ConfigException {
        try {
            return Program.fromBytes(bytes);
        } catch (InvalidProgramException e) {
            throw new ConfigException(file + ": not a valid seccomp program: " + e.getMessage());
        }
    }
}
