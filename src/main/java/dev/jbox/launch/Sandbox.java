package dev.jbox.launch;

import dev.jbox.config.Bind;
import java.io.IOException;
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
 * <p>What a sandbox can write must never configure the next one, nor run as the user
 * later: so the working directory is not bound read-write when it is the host's root, the
 * home directory (or above it) or inside a guarded place (jbox's config, its trust store,
 * jbox itself), and every read-write bind that covers a guarded place gets, right after it,
 * a read-only bind of the topmost directory under the bind's root that holds the guarded
 * place. A read-only bind of the guarded directory alone would not be enough: a rename of
 * its parent inside the sandbox ({@code mv ~/.config ~/.config.old}) would get around it,
 * while a mount point cannot be renamed.
 *
 * @param mounts   in bwrap order
 * @param shareNet keep the host network
 * @param chdir    working directory inside the sandbox
 * @param dropCaps add {@code --cap-drop ALL} (bwrap run as root keeps its capabilities otherwise)
 * @param hostname the sandbox's host name, if set
 * @param notices  what jbox decided for the user's safety and says once on stderr
 */
public record Sandbox(List<Mount> mounts, boolean shareNet, String chdir, boolean dropCaps, Optional<String> hostname,
                      List<String> notices) {

    public Sandbox {
        mounts = List.copyOf(mounts);
        notices = List.copyOf(notices);
    }

    /**
     * A place no sandbox may write, and what it is (for messages).
     *
     * @param path the place (absolute; it need not exist yet)
     * @param what e.g. "jbox's configuration directory"
     * @param create whether jbox creates it on the host before protecting it (a directory that
     *               does not exist yet could otherwise be created inside, and kept)
     */
    public record Guarded(Path path, String what, boolean create) {
    }

    /**
     * Everything {@link #standard} needs.
     *
     * @param cwd      the working directory on the host
     * @param home     the user's home directory, if known
     * @param binds    the config file's binds, then the command line's (later binds win in bwrap)
     * @param guarded  places no sandbox may write
     * @param shareNet keep the host network
     * @param root     jbox runs with effective uid 0
     * @param hostname the sandbox's host name
     * @param chdir    the working directory inside, if not {@code cwd}
     */
    public record Layout(Path cwd, Optional<Path> home, List<Bind> binds, List<Guarded> guarded, boolean shareNet,
                         boolean root, Optional<String> hostname, Optional<String> chdir) {
        public Layout {
            binds = List.copyOf(binds);
            guarded = List.copyOf(guarded);
        }
    }

    private static final List<String> OWN_MOUNTS = List.of("/dev", "/proc", "/tmp");

    /** The default layout around the working directory, with the user's binds last. */
    public static Sandbox standard(Layout l) throws LaunchException {
        List<Mount> m = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        m.add(new Mount.Bind("/", "/", true));
        addOwnMounts(m);
        Path cwd = l.cwd().toAbsolutePath().normalize();
        String dir = cwd.toString();
        Optional<String> readOnly = cwdStaysReadOnly(cwd, l.home(), l.guarded());
        if (readOnly.isPresent()) {
            notices.add("the working directory " + dir + " " + readOnly.get() + ": it stays read-only inside"
                    + " (to let the command write, cd into a project directory, or add --bind DIR DIR)");
            // still there to work in: under /tmp the private tmpfs would hide it otherwise
            if (cwd.getParent() != null && !cwd.startsWith("/dev") && !cwd.startsWith("/proc")) {
                m.add(new Mount.Bind(dir, dir, true));
            }
        } else {
            // after /tmp: when cwd is under /tmp, its bind must land on top of the private /tmp
            addWritable(m, cwd, dir, "the working directory " + dir, l.guarded());
        }
        for (Bind b : l.binds()) {
            Path src = Path.of(b.src()).toAbsolutePath().normalize();
            if (!Files.exists(src)) {
                throw new LaunchException(LaunchException.Kind.FAILED, b.where() + ": bind source does not exist: " + b.src());
            }
            if (!b.dest().startsWith("/")) {
                throw new LaunchException(LaunchException.Kind.FAILED, b.where()
                        + ": bind destination must be an absolute path: " + b.dest());
            }
            String dest = Path.of(b.dest()).normalize().toString();
            if (b.readOnly()) {
                m.add(new Mount.Bind(src.toString(), dest, true));
            } else {
                if (b.fromConfig()) {
                    Optional<String> host = hostOrHome(realPath(src), l.home());
                    if (host.isPresent()) {
                        throw new LaunchException(LaunchException.Kind.FAILED, b.where() + ": a config file may not bind "
                                + src + " read-write (it " + host.get() + "); bind a project directory instead");
                    }
                }
                addWritable(m, src, dest, b.where(), l.guarded());
            }
            if (OWN_MOUNTS.stream().anyMatch(own -> Path.of(own).startsWith(dest))) {
                addOwnMounts(m); // a bind over / must not bring the host's /proc, /dev or /tmp back
            }
        }
        return new Sandbox(m, l.shareNet(), l.chdir().orElse(dir), l.root(), l.hostname(), notices);
    }

    /**
     * The host directories the sandbox of {@code l} can write (links resolved): the working
     * directory unless it stays read-only, and every read-write bind's source. A file under
     * one of them could have been written by an earlier sandbox. Nothing is created or checked.
     */
    public static List<Path> writableSources(Layout l) {
        List<Path> out = new ArrayList<>();
        if (cwdStaysReadOnly(l.cwd(), l.home(), l.guarded()).isEmpty()) {
            out.add(realPath(l.cwd()));
        }
        for (Bind b : l.binds()) {
            if (!b.readOnly()) {
                out.add(realPath(Path.of(b.src())));
            }
        }
        return out;
    }

    private static void addOwnMounts(List<Mount> m) {
        m.add(new Mount.Dev("/dev"));
        m.add(new Mount.Proc("/proc"));
        m.add(new Mount.Tmpfs("/tmp"));
    }

    /** Why the working directory must not be bound read-write, if it must not. */
    static Optional<String> cwdStaysReadOnly(Path cwd, Optional<Path> home, List<Guarded> guarded) {
        Path real = realPath(cwd);
        Optional<String> host = hostOrHome(real, home);
        if (host.isPresent()) {
            return host;
        }
        for (String own : List.of("/dev", "/proc")) {
            if (real.startsWith(own)) {
                return Optional.of("is under " + own + ", which the sandbox has its own of");
            }
        }
        for (Guarded g : guarded) {
            if (real.startsWith(realPath(g.path()))) {
                return Optional.of("holds " + g.what());
            }
        }
        return Optional.empty();
    }

    /** "is the host's root directory", "is your home directory", "contains your home directory", or empty. */
    static Optional<String> hostOrHome(Path real, Optional<Path> home) {
        if (real.getParent() == null) {
            return Optional.of("is the host's root directory");
        }
        if (home.isPresent()) {
            Path h = realPath(home.get());
            if (h.equals(real)) {
                return Optional.of("is your home directory");
            }
            if (h.startsWith(real)) {
                return Optional.of("contains your home directory");
            }
        }
        return Optional.empty();
    }

    /** A read-write bind, followed by the read-only binds that keep the guarded places below it. */
    private static void addWritable(List<Mount> m, Path src, String dest, String where, List<Guarded> guarded)
            throws LaunchException {
        Path root = realPath(src);
        m.add(new Mount.Bind(src.toString(), dest, false));
        for (Guarded g : guarded) {
            Path p = realPath(g.path());
            if (root.startsWith(p)) {
                throw new LaunchException(LaunchException.Kind.FAILED, where + ": it would let the sandbox write "
                        + g.what() + " (" + g.path() + "); bind it read-only (--ro-bind) instead");
            }
            if (!p.startsWith(root)) {
                continue;
            }
            if (g.create()) {
                try {
                    Files.createDirectories(p);
                } catch (IOException | SecurityException e) {
                    // not writable here: checked below
                }
            }
            Path top = root.resolve(root.relativize(p).getName(0));
            if (!Files.exists(top)) {
                if (Files.isWritable(root)) {
                    // the sandbox could create it and what goes below: fail closed
                    throw new LaunchException(LaunchException.Kind.FAILED, where + ": cannot keep " + g.what() + " ("
                            + g.path() + ") read-only inside: " + top + " cannot be created");
                }
                continue; // nobody, inside or out, can create it: nothing to keep
            }
            m.add(new Mount.Bind(top.toString(), Path.of(dest).resolve(root.relativize(top)).toString(), true));
        }
    }

    /** The path with every link resolved, as far as it exists (the rest appended as written). */
    static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
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

    /** Finds the command as the sandbox will see it ({@link CommandLookup}): 127 / 126 otherwise. */
    public String resolveCommand(String cmd, String pathEnv) throws LaunchException {
        CommandLookup.find(cmd, pathEnv, chdir, this::hostPath, " in the sandbox");
        return cmd;
    }
}
