package dev.jbox.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds a command as a shell would (a name with a slash is a path relative to the working
 * directory; any other name is looked up in PATH, an empty entry meaning the working
 * directory), through a view of the file system: the sandbox's ({@link Sandbox#hostPath})
 * or the host's. It fails with 127 (not found) or 126 (not executable), the codes a shell
 * uses, because once bwrap runs it reports either case as its own exit 1.
 */
final class CommandLookup {
    private CommandLookup() {
    }

    /** The default PATH when the environment has none (glibc's execvp default, minus the working directory). */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    /**
     * @param cmd     the command as typed
     * @param pathEnv PATH, or null
     * @param cwd     the working directory, as the view sees it
     * @param view    a path as the command will see it -> the host file there, if any
     * @param place   " in the sandbox" or "": named in messages
     * @return the host path of the command
     */
    static Path find(String cmd, String pathEnv, String cwd, Function<String, Optional<Path>> view, String place)
            throws LaunchException {
        if (cmd.isEmpty()) {
            throw new LaunchException(LaunchException.Kind.NOT_FOUND, "command not found: '' (empty command)");
        }
        if (cmd.contains("/")) {
            String abs = cmd.startsWith("/") ? cmd : cwd + "/" + cmd;
            Optional<Path> host = view.apply(abs);
            if (host.isEmpty() || !Files.exists(host.get())) {
                throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": no such file" + place);
            }
            if (Files.isDirectory(host.get()) || !Files.isExecutable(host.get())) {
                throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": not executable");
            }
            return host.get();
        }
        boolean sawNonExecutable = false;
        for (String dir : (pathEnv == null ? DEFAULT_PATH : pathEnv).split(":", -1)) {
            String d = dir.isEmpty() ? cwd : dir.startsWith("/") ? dir : cwd + "/" + dir;
            Optional<Path> host = view.apply(d + "/" + cmd);
            if (host.isPresent() && Files.exists(host.get()) && !Files.isDirectory(host.get())) {
                if (Files.isExecutable(host.get())) {
                    return host.get();
                }
                sawNonExecutable = true;
            }
        }
        if (sawNonExecutable) {
            throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": found in PATH but not executable");
        }
        throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": command not found in"
                + (place.isEmpty() ? " PATH" : " the sandbox's PATH"));
    }
}
