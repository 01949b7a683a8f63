package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Landlock's scopes around the sandboxes jbox builds ({@code run}, supervised runs,
 * {@code --report}, {@code learn}; never {@code jbox bwrap}, whose caller owns its sandbox).
 * The thread that starts bwrap first enters a Landlock domain that handles no file-system
 * and no network access and scopes abstract unix sockets and signals (ABI 6, Linux 6.12):
 * bwrap, a nested bwrap and the command then run as before (the mount hooks refuse only
 * domains that handle file-system access), but nothing inside can connect to an abstract
 * unix socket made outside the sandbox (EPERM), even with {@code --share-net}, which gives
 * the sandbox the host's abstract namespace (X11's {@code @/tmp/.X11-unix/X0}, some D-Bus
 * buses), nor signal a process outside it.
 *
 * <p>The domain needs no_new_privs, which keeps a setuid bwrap from gaining the root it needs
 * to set the sandbox up: with a setuid bwrap, and on kernels without Landlock or scopes,
 * jbox carries on without it ({@code jbox doctor} says which).
 *
 * @param abi         the kernel's Landlock ABI version (0: none)
 * @param setuidBwrap bwrap is setuid
 */
public record LandlockScope(int abi, boolean setuidBwrap) {

    /** The first ABI with scopes. */
    public static final int SCOPES_ABI = 6;

    private static final class Abi {
        static final int VERSION = probe();

        private Abi() {
        }

        private static int probe() {
            try {
                return Posix.landlockAbi();
            } catch (NativeException e) {
                return 0;
            }
        }
    }

    /** The kernel's Landlock and the bwrap that will run under it. */
    public static LandlockScope of(Path bwrap) {
        return new LandlockScope(Abi.VERSION, setuid(bwrap));
    }

    private static boolean setuid(Path bwrap) {
        try {
            return Files.getAttribute(bwrap, "unix:mode") instanceof Integer m && (m & 04000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // the launch reports an unreadable bwrap itself
        }
    }

    /** Whether jbox scopes its sandboxes here. */
    public boolean applies() {
        return abi >= SCOPES_ABI && !setuidBwrap;
    }

    /** What applies, in one sentence. */
    public String describe() {
        if (applies()) {
            return "Landlock ABI " + abi + ": abstract unix sockets and signals are scoped to the sandbox";
        }
        if (abi >= SCOPES_ABI) {
            return "bwrap is setuid, and Landlock's no_new_privs would keep it from setting up the sandbox: "
                    + "no Landlock scope";
        }
        return abi == 0 ? "the kernel has no Landlock (not built in, or not enabled at boot)"
                : "Landlock ABI " + abi + " has no scopes (they need ABI " + SCOPES_ABI + ", Linux 6.12)";
    }

    /**
     * Puts the calling thread, and every process it starts from now on, in the scoped domain
     * (when {@link #applies()}; otherwise nothing). Fails closed: a kernel that offers scopes
     * and then refuses them is an error (a {@link NativeException}, which the launch paths
     * report as "cannot start bwrap"), not a reason to go on without.
     */
    public void enter() {
        if (applies()) {
            Posix.landlockScope(Posix.landlockScopeSocketsAndSignals());
        }
    }
}
