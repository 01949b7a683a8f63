package dev.jbox.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sandbox that {@code jbox run} builds: a read-only view of the host's root, private
 * {@code /tmp}, {@code /dev} and {@code /proc}, every namespace unshared (the network only
 * when not shared), the working directory bound read-write, plus the user's binds.
 *
 * @param mounts  in bwrap order
 * @param shareNet keep the host network
 * @param chdir   working directory inside the sandbox
 * @param dropCaps add {@code --cap-drop ALL} (bwrap run as root keeps its capabilities otherwise)
 * @param hostname the sandbox's host name, if set
 */
public record Sandbox(List<Mount> mounts, boolean shareNet, String chdir, boolean dropCaps, Optional<String> hostname) {

    public Sandbox {
        mounts = List.copyOf(mounts);
    }

    /**
     * The default layout around {@code cwd}, with the user's extra binds last.
     *
     * @param chdir the working directory inside the sandbox, if not {@code cwd}
     */
    public static Sandbox standard(Path cwd, List<Mount.Bind> extra, boolean shareNet, boolean root,
                                   Optional<String> hostname, Optional<String> chdir) {
        List<Mount> m = new ArrayList<>();
        m.add(new Mount.Bind("/", "/", true));
        m.add(new Mount.Dev("/dev"));
        m.add(new Mount.Proc("/proc"));
        // /tmp before the working directory: when cwd is under /tmp, its bind must land on
        // top of the private /tmp, not be hidden by it.
        m.add(new Mount.Tmpfs("/tmp"));
        String dir = cwd.toAbsolutePath().normalize().toString();
        m.add(new Mount.Bind(dir, dir, false));
        m.addAll(extra);
        return new Sandbox(m, shareNet, chdir.orElse(dir), root, hostname);
    }

    /** bwrap's arguments for this sandbox, up to (not including) the seccomp option. */
    public List<String> bwrapArgs() {
        List<String> a = new ArrayList<>();
        a.add("--unshare-all");
        if (shareNet) {
            a.add("--share-net");
        }
        a.add("--die-with-parent");
        hostname.ifPresent(h -> {
            a.add("--hostname");
            a.add(h);
        });
        if (dropCaps) {
            a.add("--cap-drop");
            a.add("ALL");
        }
        for (Mount m : mounts) {
            a.addAll(m.args());
        }
        a.add("--chdir");
        a.add(chdir);
        return a;
    }

    /**
     * The host path that a sandbox path shows, if anything is there: the last mount that
     * covers the path decides (a tmpfs shows nothing but later mount points).
     */
    public Optional<Path> hostPath(String sandboxPath) {
        Path p = Path.of(sandboxPath).normalize();
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Mount m = mounts.get(i);
            Path dest = Path.of(m.dest());
            if (!p.startsWith(dest)) {
                continue;
            }
            return switch (m) {
                case Mount.Bind b -> Optional.of(Path.of(b.src()).resolve(dest.relativize(p).toString()));
                case Mount.Dev d -> Optional.of(Path.of("/dev").resolve(dest.relativize(p).toString()));
                case Mount.Proc pr -> Optional.empty(); // nobody runs a command out of /proc
                case Mount.Tmpfs t -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /**
     * Finds the command as the sandbox will: a name with a slash is a path (relative to
     * the working directory), any other is looked up in PATH. Fails with 127 (not found)
     * or 126 (not executable), the codes a shell uses, because once bwrap runs it reports
     * either case as its own exit 1.
     */
    public String resolveCommand(String cmd, String pathEnv) throws LaunchException {
        if (cmd.isEmpty()) {
            throw new LaunchException(LaunchException.Kind.NOT_FOUND, "command not found: '' (empty command)");
        }
        if (cmd.contains("/")) {
            String abs = cmd.startsWith("/") ? cmd : chdir + "/" + cmd;
            Optional<Path> host = hostPath(abs);
            if (host.isEmpty() || !Files.exists(host.get())) {
                throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": no such file in the sandbox");
            }
            if (Files.isDirectory(host.get()) || !Files.isExecutable(host.get())) {
                throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": not executable");
            }
            return cmd;
        }
        boolean sawNonExecutable = false;
        for (String dir : (pathEnv == null ? "/usr/local/bin:/usr/bin:/bin" : pathEnv).split(":", -1)) {
            String d = dir.isEmpty() ? chdir : dir.startsWith("/") ? dir : chdir + "/" + dir;
            Optional<Path> host = hostPath(d + "/" + cmd);
            if (host.isPresent() && Files.exists(host.get()) && !Files.isDirectory(host.get())) {
                if (Files.isExecutable(host.get())) {
                    return cmd;
                }
                sawNonExecutable = true;
            }
        }
        if (sawNonExecutable) {
            throw new LaunchException(LaunchException.Kind.NOT_EXECUTABLE, cmd + ": found in PATH but not executable");
        }
        throw new LaunchException(LaunchException.Kind.NOT_FOUND, cmd + ": command not found in the sandbox's PATH");
    }
}
