package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.seccomp.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code run --no-namespaces}: for containers where bwrap cannot create namespaces. No
 * bwrap: jbox sets {@code PR_SET_NO_NEW_PRIVS}, installs the filter on the main thread
 * (the one that execs; the JVM's other threads vanish at exec) and {@code execve}s the
 * command itself, after the same fd hygiene and signal-mask clearing as the bwrap path. The
 * command runs under the same seccomp profile, with the host's file system, processes and
 * network as they are.
 */
public final class Direct {
    private Direct() {
    }

    /** The command's absolute path: as a shell finds it on the host (127 / 126 otherwise). */
    public static Path resolve(String cmd, String pathEnv, Path cwd) throws LaunchException {
        if (cmd.isEmpty()) {
            throw new LaunchException(LaunchException.Kind.NOT_FOUND, "command not found: '' (empty command)");
        }
        if (cmd.contains("/")) {
            Path p = cwd.resolve(cmd).normalize();
            if (!Files.exists(p)) {
                throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": no such file");
            }
            if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": not executable");
            }
            return p;
        }
        boolean sawNonExecutable = false;
        for (String dir : (pathEnv == null ? "/usr/local/bin:/usr/bin:/bin" : pathEnv).split(":", -1)) {
            Path p = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(cmd);
            if (Files.isRegularFile(p)) {
                if (Files.isExecutable(p)) {
                    return p;
                }
                sawNonExecutable = true;
            }
        }
        if (sawNonExecutable) {
            throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": found in PATH but not executable");
        }
        throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": command not found in PATH");
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
