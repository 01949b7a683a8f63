package dev.jbox.launch;

import dev.jbox.config.Bind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>What else it hides of the host ({@link Concealed}): as root the kernel's host-wide knobs
 * in {@code /proc} and {@code /sys}, the host's services ({@code /run}, socket places), and
 * credentials ({@code masks.tsv}). A bind to a place the host does not have is made without
 * creating anything on the host ({@link MountPoints}).
 *
 * @param mounts   in bwrap order
 * @param shareNet keep the host network
 * @param chdir    working directory inside the sandbox
 * @param dropCaps add {@code --cap-drop ALL} (bwrap run as root keeps its capabilities otherwise)
 * @param hostname the sandbox's host name, if set
 * @param notices  what jbox decided for the user's safety and says once on stderr
 * @param secrets  what became of each credential place that exists here
 */
public record Sandbox(List<Mount> mounts, boolean shareNet, String chdir, boolean dropCaps, Optional<String> hostname,
                      List<String> notices, List<Secret> secrets) {

    public Sandbox {
        mounts = List.copyOf(mounts);
        notices = List.copyOf(notices);
        secrets = List.copyOf(secrets);
    }

    /**
     * A credential place of {@code masks.tsv} that exists on the host, and what the sandbox
     * shows of it.
     *
     * @param name     its name ({@code --unmask NAME})
     * @param host     the host path (links resolved)
     * @param maskedAt the sandbox paths where it is masked
     * @param shown    why it shows after all, when it is not masked: "unmasked by name", or the
     *                 explicit bind (the working directory's or the user's) that names it
     */
    public record Secret(String name, Path host, List<String> maskedAt, Optional<String> shown) {
        public Secret {
            maskedAt = List.copyOf(maskedAt);
        }
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
     * @param unmask   the credential places ({@code masks.tsv} names) to show after all
     * @param envSockets the sockets and runtime directory that the environment names
     *                 ({@link #socketsNamedBy}), hidden like the well-known places
     * @param emptyFile an empty file of jbox's ({@link #emptyFile}) that masks a file; without
     *                 it {@code /dev/null} does, which bwrap binds without device access, so that
     *                 opening the masked file fails with EACCES instead of reading nothing
     */
    public record Layout(Path cwd, Optional<Path> home, List<Bind> binds, List<Guarded> guarded, boolean shareNet,
                         boolean root, Optional<String> hostname, Optional<String> chdir, List<String> unmask,
                         List<Path> envSockets, Optional<Path> emptyFile) {
        public Layout {
            binds = List.copyOf(binds);
            guarded = List.copyOf(guarded);
            unmask = List.copyOf(unmask);
            envSockets = List.copyOf(envSockets);
        }

        /** No mask lifted, no socket named by the environment. */
        public Layout(Path cwd, Optional<Path> home, List<Bind> binds, List<Guarded> guarded, boolean shareNet,
                      boolean root, Optional<String> hostname, Optional<String> chdir) {
            this(cwd, home, binds, guarded, shareNet, root, hostname, chdir, List.of(), List.of(), Optional.empty());
        }

        /** What masks a file: {@link #emptyFile}, else {@code /dev/null}. */
        String fileMask() {
            return emptyFile.map(Path::toString).orElse("/dev/null");
        }
    }

    /**
     * {@code STATEDIR/empty}: a zero-length file of jbox's own that masks files. bwrap's
     * read-only binds forbid device access, so {@code /dev/null} bound over a file reads as
     * "Permission denied", not as the empty file a program expects. The file is made (without
     * following a link) when missing or not an empty regular file, and lives in the state
     * directory that no sandbox may write. Empty when there is no state directory or it
     * cannot be written.
     */
    public static Optional<Path> emptyFile(Optional<Path> stateDir) {
        if (stateDir.isEmpty()) {
            return Optional.empty();
        }
        Path f = stateDir.get().resolve("empty");
        try {
            // one stat: a regular file (0100000), empty, that neither group nor others may write (022)
            Map<String, Object> a = Files.readAttributes(f, "unix:mode,size",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (a.get("mode") instanceof Integer mode && (mode & 0170000) == 0100000 && (mode & 022) == 0
                    && a.get("size") instanceof Long size && size == 0) {
                return Optional.of(f);
            }
        } catch (IOException | RuntimeException e) {
            // not there yet
        }
        try {
            Files.createDirectories(stateDir.get(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            try (dev.jbox.config.HostFile h = dev.jbox.config.HostFile.open(f)) {
                h.write(new byte[0], java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
            }
            return Optional.of(f);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The sockets and directories of sockets that {@code env} names (XDG_RUNTIME_DIR,
     * SSH_AUTH_SOCK, DBUS_*_BUS_ADDRESS, DOCKER_HOST, CONTAINER_HOST, WAYLAND_DISPLAY): a
     * sandbox hides them like the well-known socket places.
     */
    public static List<Path> socketsNamedBy(Map<String, String> env) {
        return Concealed.namedBy(env);
    }

    private static final List<String> OWN_MOUNTS = List.of("/dev", "/proc", "/tmp");

    /**
     * The default layout around the working directory, with the user's binds after it, then
     * what jbox hides wherever it shows, then the seals.
     */
    public static Sandbox standard(Layout l) throws LaunchException {
        List<Mount> m = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        List<Concealed.Explicit> explicit = new ArrayList<>();
        Concealed.Probe probe = Concealed.probe(l.home(), l.envSockets());
        m.add(new Mount.Bind("/", "/", true));
        addSystem(m, l, probe);
        Path cwd = l.cwd().toAbsolutePath().normalize();
        String dir = cwd.toString();
        Optional<String> readOnly = cwdStaysReadOnly(cwd, l.home(), l.guarded());
        if (readOnly.isPresent()) {
            notices.add("the working directory " + dir + " " + readOnly.get() + ": it stays read-only inside"
                    + " (to let the command write, cd into a project directory, or add --bind DIR DIR)");
            // still there to work in: under /tmp the private tmpfs would hide it otherwise
            if (cwd.getParent() != null && !cwd.startsWith("/dev") && !cwd.startsWith("/proc")) {
                Mount.Bind b = new Mount.Bind(dir, dir, true);
                m.add(b);
                explicit.add(new Concealed.Explicit("the working directory", List.of(b)));
            }
        } else {
            // after /tmp: when cwd is under /tmp, its bind must land on top of the private /tmp
            explicit.add(new Concealed.Explicit("the working directory",
                    addWritable(m, cwd, dir, "the working directory " + dir, l.guarded())));
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
            String dest = View.resolveParents(m, m.size(), Path.of(b.dest())).toString();
            if (b.readOnly()) {
                Mount.Bind ro = new Mount.Bind(src.toString(), dest, true);
                m.add(ro);
                explicit.add(new Concealed.Explicit(b.where(), List.of(ro)));
            } else {
                if (b.fromConfig()) {
                    Optional<String> host = hostOrHome(realPath(src), l.home());
                    if (host.isPresent()) {
                        throw new LaunchException(LaunchException.Kind.FAILED, b.where() + ": a config file may not bind "
                                + src + " read-write (it " + host.get() + "); bind a project directory instead");
                    }
                }
                explicit.add(new Concealed.Explicit(b.where(), addWritable(m, src, dest, b.where(), l.guarded())));
            }
            if (OWN_MOUNTS.stream().anyMatch(own -> Path.of(own).startsWith(dest))) {
                addSystem(m, l, probe); // a bind over / must not bring the host's /proc, /dev or /tmp back
            }
        }
        List<Mount> userBinds = new ArrayList<>();
        explicit.stream().filter(e -> !e.why().equals("the working directory")).forEach(e -> userBinds.add(
                e.mounts().getFirst()));
        boolean rootRebuilt = MountPoints.make(m, userBinds);
        List<Secret> secrets = Concealed.conceal(m, l, probe, explicit);
        seal(m, rootRebuilt);
        return new Sandbox(m, l.shareNet(), l.chdir().orElse(dir), l.root(), l.hostname(), notices, secrets);
    }

    /** The sandbox's own /dev, /proc and /tmp, and (as root) the kernel's host-wide knobs kept out of reach. */
    private static void addSystem(List<Mount> m, Layout l, Concealed.Probe probe) {
        addOwnMounts(m);
        if (l.root()) {
            Concealed.kernel(m, probe, l.fileMask());
        }
    }

    /**
     * Seals each directory jbox emptied or rebuilt read-only, once nothing more is mounted in
     * it (unless a later mount covers it), and the root when it was rebuilt.
     */
    private static void seal(List<Mount> m, boolean rootRebuilt) {
        List<Mount> seals = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            if (m.get(i) instanceof Mount.Empty e && !coveredLater(m, i, Path.of(e.dest()))) {
                seals.add(new Mount.RemountRo(e.dest()));
            }
        }
        if (rootRebuilt && !coveredLater(m, -1, Path.of("/"))) {
            seals.add(new Mount.RemountRo("/"));
        }
        m.addAll(seals);
    }

    /** Whether a mount after index {@code i} lands on {@code p} or on one of its ancestors. */
    private static boolean coveredLater(List<Mount> m, int i, Path p) {
        for (int j = i + 1; j < m.size(); j++) {
            if (!(m.get(j) instanceof Mount.RemountRo) && p.startsWith(m.get(j).dest())) {
                return true;
            }
        }
        return false;
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

    /**
     * A read-write bind, followed by the read-only binds that keep the guarded places below it;
     * returns the mounts it added.
     */
    private static List<Mount> addWritable(List<Mount> m, Path src, String dest, String where, List<Guarded> guarded)
            throws LaunchException {
        Path root = realPath(src);
        int first = m.size();
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
        return new ArrayList<>(m.subList(first, m.size()));
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
        return View.hostPath(mounts, mounts.size(), Path.of(sandboxPath));
    }

    /** The sandbox paths at which the host path {@code host} (links resolved) shows. */
    public List<String> showing(Path host) {
        List<String> out = new ArrayList<>();
        for (Path at : Concealed.candidates(mounts, host, new java.util.HashMap<>())) {
            Optional<Path> behind = hostPath(at.toString());
            if (behind.isPresent() && realPath(behind.get()).equals(host)) {
                out.add(at.toString());
            }
        }
        return out;
    }

    /** Finds the command as the sandbox will see it ({@link CommandLookup}): 127 / 126 otherwise. */
    public String resolveCommand(String cmd, String pathEnv) throws LaunchException {
        CommandLookup.find(cmd, pathEnv, chdir, this::hostPath, " in the sandbox");
        return cmd;
    }
}
