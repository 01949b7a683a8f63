package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.Profiles;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustStore;
import dev.jbox.launch.Sandbox;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command that decides for itself what the launch session decides, on purpose: only
 * {@code ArchitectureRulesTest} imports it (the architecture test imports main classes only),
 * and nothing calls it.
 */
public final class SessionBypassFixture {
    private SessionBypassFixture() {
    }

    /** A policy compiled outside the session, and a seccomp type in cli. */
    static Program compiles() throws Exception {
        return Compiler.compile(Profiles.builtin().resolve("strict"), Arch.host());
    }

    /** Trust verified, and a gate made, outside the session. */
    static Object trusts() throws Exception {
        TrustStore store = new TrustStore(Optional.empty());
        Trust.verify(ConfigFile.NONE, store);
        return new Trust.Gate(store, Optional.empty(), Trust.Writable.NONE);
    }

    /** A layout made, and a sandbox laid out, outside the session. */
    static Object laysOut() throws Exception {
        return Sandbox.standard(new Sandbox.Layout(Path.of("/"), Optional.empty(), List.of(), List.of(), false, false,
                Optional.empty(), Optional.empty()));
    }
}
