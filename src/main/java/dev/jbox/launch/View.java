package dev.jbox.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The sandbox's file system as the first {@code n} mounts of a list make it, read from the
 * host: which mount shows a path, the host file behind it, whether the path exists, and
 * whether bwrap could make a mount point below it. The last mount whose destination is the
 * path or one of its ancestors decides ({@link Mount.RemountRo} changes nothing that shows).
 *
 * <p>Written with {@code instanceof}, not a pattern {@code switch}: each switch over a sealed
 * type spins a class at its first run (its bootstrap is not in the AOT cache), a few
 * milliseconds of every launch.
 */
final class View {
    private View() {
    }

    /** Index of the mount among the first {@code n} that shows {@code p}, or -1 (bwrap's own empty root). */
    static int cover(List<Mount> m, int n, Path p) {
        for (int i = n - 1; i >= 0; i--) {
            Mount x = m.get(i);
            if (!(x instanceof Mount.RemountRo) && p.startsWith(x.dest())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The host path that {@code p} shows, if it shows a host file: through a bind, or the
     * host's {@code /dev} for bwrap's own nodes. Links that jbox made ({@link Mount.Symlink})
     * are followed, as the kernel would inside.
     */
    static Optional<Path> hostPath(List<Mount> m, int n, Path p) {
        return hostPath(m, n, p.normalize(), 0);
    }

    private static Optional<Path> hostPath(List<Mount> m, int n, Path p, int depth) {
        int i = cover(m, n, p);
        if (i < 0 || depth > 40) {
            return Optional.empty();
        }
        Mount x = m.get(i);
        String rel = Path.of(x.dest()).relativize(p).toString();
        if (x instanceof Mount.Bind b) {
            return Optional.of(Path.of(b.src()).resolve(rel));
        }
        if (x instanceof Mount.Dev) {
            return Optional.of(Path.of("/dev").resolve(rel));
        }
        if (x instanceof Mount.Symlink s) {
            return hostPath(m, n, resolve(s, p), depth + 1);
        }
        return Optional.empty(); // a tmpfs, or /proc (nobody runs a command out of /proc)
    }

    /** {@code p}, which lies at or below the link {@code s}, with the link replaced by its target. */
    private static Path resolve(Mount.Symlink s, Path p) {
        Path dest = Path.of(s.dest());
        Path parent = dest.getParent() == null ? Path.of("/") : dest.getParent();
        return parent.resolve(s.target()).normalize().resolve(dest.relativize(p).toString()).normalize();
    }

    /**
     * {@code p} with every link among its parents resolved as the sandbox will resolve it
     * (the last component as it is). bwrap makes a mount point by walking the destination from
     * outside the new root, where an absolute link such as {@code /var/run -> /run} leads to
     * the wrong place ("Can't create file at /var/run/x: No such file or directory").
     */
    static Path resolveParents(List<Mount> m, int n, Path p) {
        Path done = Path.of("/");
        Path rest = p.normalize();
        for (int hops = 0; rest.getNameCount() > 1 && hops < 40; ) {
            Path next = done.resolve(rest.getName(0));
            rest = rest.getNameCount() > 1 ? rest.subpath(1, rest.getNameCount()) : Path.of("");
            Optional<Path> target = linkTarget(m, n, next);
            if (target.isPresent()) {
                hops++;
                Path t = target.get().isAbsolute() ? target.get() : done.resolve(target.get());
                rest = t.normalize().resolve(rest);
                done = Path.of("/");
                rest = Path.of("/").relativize(rest);
            } else {
                done = next;
            }
        }
        return done.resolve(rest).normalize();
    }

    /** The target of the link that the sandbox shows at {@code p}, if it shows one. */
    private static Optional<Path> linkTarget(List<Mount> m, int n, Path p) {
        int i = cover(m, n, p);
        if (i < 0) {
            return Optional.empty();
        }
        Mount x = m.get(i);
        Path dest = Path.of(x.dest());
        if (x instanceof Mount.Symlink s && p.equals(dest)) {
            return Optional.of(Path.of(s.target()));
        }
        if (x instanceof Mount.Bind b) {
            Path host = Path.of(b.src()).resolve(dest.relativize(p).toString());
            try {
                return Files.isSymbolicLink(host) ? Optional.of(Files.readSymbolicLink(host)) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether {@code p} exists in the sandbox after the first {@code n} mounts. */
    static boolean exists(List<Mount> m, int n, Path p) {
        if (p.getParent() == null) {
            return true;
        }
        int i = cover(m, n, p);
        if (madeBelow(m, i + 1, n, p)) {
            return true; // bwrap made a mount point there
        }
        if (i < 0) {
            return false;
        }
        Mount x = m.get(i);
        Path dest = Path.of(x.dest());
        if (x instanceof Mount.Bind b) {
            return Files.exists(Path.of(b.src()).resolve(dest.relativize(p).toString()));
        }
        if (x instanceof Mount.Symlink s) {
            return p.equals(dest) || exists(m, n, resolve(s, p));
        }
        if (x instanceof Mount.Proc) {
            return Files.exists(Path.of("/proc").resolve(dest.relativize(p).toString()));
        }
        return p.equals(dest); // a tmpfs of its own: only what later mounts make
    }

    /** Whether a mount among {@code m[from..n)} has its destination at or below {@code p}. */
    private static boolean madeBelow(List<Mount> m, int from, int n, Path p) {
        for (int j = Math.max(from, 0); j < n; j++) {
            if (!(m.get(j) instanceof Mount.RemountRo) && Path.of(m.get(j).dest()).startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether bwrap can make a mount point inside {@code dir} (which exists) after the first
     * {@code n} mounts: in a tmpfs (bwrap's own root, {@code /tmp}, {@code /dev}, one jbox
     * seals read-only only at the end) or a read-write bind; not in a read-only bind or in
     * {@code /proc}.
     */
    static boolean canMakeMountPointIn(List<Mount> m, int n, Path dir) {
        int i = cover(m, n, dir);
        if (i < 0) {
            return true;
        }
        Mount x = m.get(i);
        if (x instanceof Mount.Bind b) {
            return !b.readOnly();
        }
        if (x instanceof Mount.Symlink s) {
            return canMakeMountPointIn(m, n, resolve(s, dir));
        }
        return !(x instanceof Mount.Proc); // a tmpfs: bwrap's /dev, /tmp, or one jbox seals at the end
    }
}
