package dev.jbox.launch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mount points that do not exist on the host ({@code --bind ~/src /src}, as {@code docker run
 * -v} allows). bwrap makes a missing destination with mkdir, which fails on the read-only
 * view of the host ("Can't mkdir /src: Read-only file system"), and must never happen on the
 * host. So the deepest ancestor that exists is rebuilt, right after the read-only bind that
 * shows it: an empty tmpfs holding a read-only bind of each of its host entries (a link as
 * the same link), in which bwrap can then make the mount point; the tmpfs is sealed read-only
 * at the end ({@link Mount.Empty}). When that ancestor is {@code /}, the host's root is bound
 * entry by entry into bwrap's own root instead of as a whole, and {@code /} is sealed. What a
 * command sees of the host is unchanged, apart from the new mount points; nothing is created
 * on the host. Under a read-write bind bwrap makes the mount point itself, as Docker does.
 */
final class MountPoints {
    private MountPoints() {
    }

    /**
     * Rebuilds, in {@code m}, whatever the user's binds {@code wanted} need rebuilt (jbox's own
     * mounts land on places that exist); returns whether the root itself was (then {@code /}
     * must be sealed).
     */
    static boolean make(List<Mount> m, List<Mount> wanted) throws LaunchException {
        boolean root = false;
        for (int i = 0; i < m.size() && !wanted.isEmpty(); i++) {
            Mount x = m.get(i);
            if (!wanted.contains(x)) {
                continue;
            }
            Path dest = Path.of(x.dest());
            if (View.exists(m, i, dest)) {
                continue;
            }
            Path dir = dest.getParent();
            while (!View.exists(m, i, dir)) {
                dir = dir.getParent();
            }
            if (View.canMakeMountPointIn(m, i, dir)) {
                continue;
            }
            int k = View.cover(m, i, dir);
            if (!(m.get(k) instanceof Mount.Bind b) || !b.readOnly()) {
                throw new LaunchException(LaunchException.Kind.FAILED, "cannot make the mount point " + dest
                        + " in the sandbox: " + dir + " is the sandbox's own /proc");
            }
            Path host = Path.of(b.src()).resolve(Path.of(b.dest()).relativize(dir).toString());
            List<Mount> rebuilt = entries(m, k, host, dir, dest);
            int before = m.size();
            if (dir.getParent() == null && b.src().equals("/") && b.dest().equals("/")) {
                m.remove(k);
                m.addAll(k, rebuilt);
                root = true;
            } else {
                List<Mount> withTmpfs = new ArrayList<>();
                withTmpfs.add(new Mount.Empty(dir.toString()));
                withTmpfs.addAll(rebuilt);
                m.addAll(k + 1, withTmpfs);
            }
            i += m.size() - before - 1; // look at the same mount again, now that its parent can take it
        }
        return root;
    }

    /** The host directory's entries, bound read-only (links as links) at {@code dir}. */
    private static List<Mount> entries(List<Mount> m, int k, Path host, Path dir, Path wanted) throws LaunchException {
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(host)) {
            d.forEach(e -> names.add(e.getFileName()));
        } catch (IOException | RuntimeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot make the mount point " + wanted
                    + " in the sandbox: cannot list " + host + " to rebuild " + dir + " around it: " + e.getMessage(), e);
        }
        names.sort(null);
        List<Mount> out = new ArrayList<>();
        for (Path name : names) {
            Path at = dir.resolve(name);
            if (replacedLater(m, k, at)) {
                continue;
            }
            Path src = host.resolve(name);
            if (Files.isSymbolicLink(src)) {
                try {
                    out.add(new Mount.Symlink(Files.readSymbolicLink(src).toString(), at.toString()));
                } catch (IOException e) {
                    throw new LaunchException(LaunchException.Kind.FAILED, "cannot read the link " + src + ": "
                            + e.getMessage(), e);
                }
            } else {
                out.add(new Mount.Bind(src.toString(), at.toString(), true));
            }
        }
        return out;
    }

    /** Whether a mount after {@code k} puts something of its own exactly at {@code at} ({@code /dev}, {@code /tmp}). */
    private static boolean replacedLater(List<Mount> m, int k, Path at) {
        for (int j = k + 1; j < m.size(); j++) {
            Mount x = m.get(j);
            if (Path.of(x.dest()).equals(at) && !(x instanceof Mount.RemountRo) && !(x instanceof Mount.Symlink)) {
                return true;
            }
        }
        return false;
    }
}
