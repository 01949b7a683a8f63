package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code run --no-namespaces}: for containers where bwrap cannot create namespaces. No
 * bwrap: jbox sets {@code PR_SET_NO_NEW_PRIVS}, installs the filter on the main thread
 * (the one that execs; the JVM's other threads vanish at exec) and {@code execve}s the
 * command itself, after the same fd hygiene and signal-mask clearing as the bwrap path. The
 * command runs under the same seccomp profile, with the host's file system, processes and
 * network as they are.
 */
public final class NoNamespaces {
    private NoNamespaces() {
    }

    /** The command's absolute path: as a shell finds it on the host ({@link CommandLookup}; 127 / 126 otherwise). */
    public static Path resolve(String cmd, String pathEnv, Path cwd) throws LaunchException {
        return CommandLookup.find(cmd, pathEnv, cwd.toString(), p -> Optional.of(Path.of(p).normalize()), "");
    }

    /**
     * Replaces jbox with {@code command} under {@code filter}. Returns only by throwing.
     *
     * @param path       the command's resolved path
     * @param command    argv (argv[0] as the user typed it)
     * @param nofileSoft the caller's soft RLIMIT_NOFILE to restore, or -1
     */
    public static void exec(Path path, List<String> command, Program filter, List<String> env, long nofileSoft)
            throws LaunchException {
        try {
            Launcher.prepareForExec(nofileSoft);
            Posix.execveFiltered(filter.packed(), path.toString(), command, env);
            throw new LaunchException(LaunchException.Kind.FAILED, "execve returned without an error");
        } catch (NativeException e) {
            if (e.call().equals("execve")) {
                // the filter is on this thread now: nothing more may run
                throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE,
                        "cannot execute " + path + ": " + e.getMessage(), e);
            }
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot apply the filter: " + e.getMessage(), e);
        }
    }
}
