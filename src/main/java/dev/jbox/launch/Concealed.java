package dev.jbox.launch;

import dev.jbox.config.Masks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What every sandbox jbox builds hides of the host, besides what bwrap leaves out:
 * <ul>
 *   <li>as root, the kernel's host-wide knobs: Docker's read-only and masked paths (the kernel
 *       lets euid 0 write most sysctls with no capability, and bwrap leaves {@code /proc/sys}
 *       writable because procfs answers EACCES to its access(W_OK) test);</li>
 *   <li>host services: {@code /run} (the system and session buses, systemd, Docker,
 *       containerd, podman, libvirt), the runtime directory, the sockets that the
 *       environment names and the other well-known socket places, since connect(2) to a
 *       socket ignores a read-only mount;</li>
 *   <li>credentials ({@link Masks}), unless the user lifts a mask by name.</li>
 * </ul>
 * A directory is hidden under an empty tmpfs sealed read-only, a file under an empty file
 * ({@link Sandbox#emptyFile}).
 * Services and credentials are hidden wherever they show, after every bind (a bind of a
 * parent does not bring them back); a sandbox path that the working directory or an explicit
 * bind names exactly stays, and an explicit bind inside a hidden directory is made again on
 * top of it (so {@code --bind /run/user/1000/bus /run/user/1000/bus} reaches that one socket).
 */
final class Concealed {
    private Concealed() {
    }

    /**
     * Docker's readonlyPaths, the kernel's writable host-wide state in procfs, and two more
     * files that uid 0 owns with a write bit: {@code /proc/mtrr} (its writes also need
     * CAP_SYS_ADMIN, which the sandbox lacks) and {@code /proc/dynamic_debug} (the kernel's
     * debug messages, switched on by whoever may write it).
     */
    static final List<String> KERNEL_READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger", "/proc/mtrr", "/proc/dynamic_debug");

    /**
     * Docker's maskedPaths (moby 28): kernel memory, keys, timers, hardware and firmware tables;
     * not {@code /proc/interrupts}, which every user reads (a user's sandbox shows it too), so
     * masking it for root alone would hide nothing root-specific and cost a mount per launch.
     */
    static final List<String> KERNEL_MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    /**
     * Where host services keep their sockets, outside {@code /run} too: LXD, Incus, the
     * kubelet's plugin and pod-resources sockets, X11 and ICE under a shared {@code /tmp}
     * (the private {@code /tmp} hides them unless the working directory is {@code /tmp}),
     * Docker Desktop, Colima, Rancher Desktop, Lima and podman machine under the home.
     */
    static final List<String> SERVICE_PLACES = List.of("/run", "/var/run", "/var/lib/lxd/unix.socket",
            "/var/snap/lxd/common/lxd/unix.socket", "/var/lib/incus/unix.socket", "/var/lib/kubelet/pod-resources",
            "/var/lib/kubelet/device-plugins", "/var/lib/kubelet/plugins_registry", "/var/lib/kubelet/plugins",
            "/tmp/.X11-unix", "/tmp/.ICE-unix", "~/.docker/run", "~/.docker/desktop", "~/.colima", "~/.rd", "~/.lima",
            "~/.local/share/containers/podman/machine");

    /** Files a command needs that may be links into a hidden place ({@code /etc/resolv.conf -> /run/...}). */
    static final List<String> KEEP = List.of("/etc/resolv.conf", "/etc/hosts");

    /** The variables that name a service's socket or the runtime directory that holds them. */
    static final List<String> SOCKET_VARIABLES = List.of("XDG_RUNTIME_DIR", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS",
            "DBUS_SYSTEM_BUS_ADDRESS", "DOCKER_HOST", "CONTAINER_HOST", "WAYLAND_DISPLAY");

    /**
     * The absolute socket paths and directories that {@code env} names ({@link #SOCKET_VARIABLES}:
     * {@code unix:path=...} and {@code unix://...} addresses, a {@code WAYLAND_DISPLAY} under
     * the runtime directory).
     */
    static List<Path> namedBy(Map<String, String> env) {
        List<Path> out = new ArrayList<>();
        for (String name : SOCKET_VARIABLES) {
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                continue;
            }
            if (name.equals("WAYLAND_DISPLAY") && !v.startsWith("/")) {
                String dir = env.get("XDG_RUNTIME_DIR");
                v = dir == null ? "" : dir + "/" + v;
            }
            for (String part : v.split("[;,]")) {
                String p = part;
                int at = p.indexOf("path=");
                if (p.startsWith("unix:") && at >= 0) {
                    p = p.substring(at + 5);
                } else if (p.startsWith("unix://")) {
                    p = p.substring(7);
                }
                if (p.startsWith("/") && !p.contains("\0")) {
                    out.add(Path.of(p).normalize());
                }
            }
        }
        return out;
    }

    /** An explicit bind (the working directory's or the user's) and the protections that follow it. */
    record Explicit(String why, List<Mount> mounts) {
        Explicit {
            mounts = List.copyOf(mounts);
        }

        String dest() {
            return mounts.getFirst().dest();
        }
    }

    /** One place to hide: a service place, or a credential place ({@code secret}). */
    private record Target(String path, Optional<Masks.Place> secret) {
    }

    /** A link at the top of a service directory, kept when the directory is hidden ({@code /run/shm}). */
    record Link(String name, String target) {
    }

    /**
     * A place to hide that exists on the host (and, for a credential, that this user can read).
     *
     * @param secret its masks.tsv entry; empty for a service place
     * @param host   where it is, links resolved
     * @param dir    a directory (hidden under an empty tmpfs) or not (under an empty file)
     * @param links  a service directory's top-level links
     * @param keeps  the {@link #KEEP} files that lead into a service directory
     */
    record Found(Optional<Masks.Place> secret, Path host, boolean dir, List<Link> links, List<Path> keeps) {
    }

    /**
     * The host facts the concealment needs, looked at once: every place jbox hides that exists,
     * and the kernel paths root's sandbox hides.
     *
     * @param found          in order: services, then credentials (all of them: lifting a mask
     *                       is the layout's business)
     * @param kernelReadOnly the {@link #KERNEL_READ_ONLY} paths this kernel has
     * @param kernelMasked   the {@link #KERNEL_MASKED} paths it has, each with whether it is a directory
     */
    record Probe(List<Found> found, List<String> kernelReadOnly, Map<String, Boolean> kernelMasked) {
    }

    /**
     * Looks at the host. Written for the interpreter a launch runs in (jbox starts with
     * {@code -Xint}, where every bytecode counts): most places are absent, so they are ruled out
     * on their names (one listing of the home directory) and with {@code java.io.File} before a
     * {@code Path} is made for them.
     */
    static Probe probe(Optional<Path> home, List<Path> envSockets) {
        return probe(home, envSockets, KEEP);
    }

    /** {@link #probe(Optional, List)} with other files to keep (for tests). */
    static Probe probe(Optional<Path> home, List<Path> envSockets, List<String> keep) {
        Optional<Set<String>> inHome = home.flatMap(Concealed::names);
        List<Target> targets = new ArrayList<>();
        for (String s : SERVICE_PLACES) {
            place(s, home, inHome, Optional.empty(), targets);
        }
        envSockets.forEach(p -> targets.add(new Target(p.toString(), Optional.empty())));
        for (Masks.Place place : Masks.builtin().places()) {
            place(place.path(), home, inHome, Optional.of(place), targets);
        }
        List<Found> found = new ArrayList<>();
        for (Target t : targets) {
            if (!new java.io.File(t.path()).exists()) {
                continue; // nothing there (a dangling link leads nowhere to hide either)
            }
            Path host = Sandbox.realPath(Path.of(t.path()));
            if (host.startsWith("/proc") || host.startsWith("/dev")
                    || (t.secret().isPresent() && !Files.isReadable(host))) {
                continue; // nothing of the host's, or the kernel refuses it anyway
            }
            boolean dir = Files.isDirectory(host);
            boolean service = t.secret().isEmpty() && dir;
            found.add(new Found(t.secret(), host, dir, service ? links(host) : List.of(),
                    service ? keeps(host, keep) : List.of()));
        }
        List<String> readOnly = new ArrayList<>();
        for (String p : KERNEL_READ_ONLY) {
            if (new java.io.File(p).exists()) {
                readOnly.add(p);
            }
        }
        Map<String, Boolean> masked = new LinkedHashMap<>();
        for (String p : KERNEL_MASKED) {
            java.io.File f = new java.io.File(p);
            if (f.exists()) {
                masked.put(p, f.isDirectory());
            }
        }
        return new Probe(found, readOnly, masked);
    }

    /** As root: Docker's read-only and masked kernel paths that exist here, right after {@code --proc}. */
    static void kernel(List<Mount> m, Probe probe, String fileMask) {
        probe.kernelReadOnly().forEach(p -> m.add(new Mount.Bind(p, p, true)));
        probe.kernelMasked().forEach((p, dir) -> m.add(dir ? new Mount.Empty(p) : new Mount.Bind(fileMask, p, true)));
    }

    /** One place hidden at one sandbox path, with the mounts that did it. */
    private record Hidden(Path at, List<Mount> mounts) {
    }

    /**
     * Hides services and credentials in {@code m} wherever they show, then makes again the
     * explicit binds that lie inside a hidden directory; returns what became of each credential
     * place that exists and that this user can read.
     */
    static List<Sandbox.Secret> conceal(List<Mount> m, Sandbox.Layout l, Probe probe, List<Explicit> explicit) {
        Map<String, String> explicitDests = new LinkedHashMap<>();
        explicit.forEach(e -> explicitDests.putIfAbsent(e.dest(), e.why()));
        Map<String, Path> realSources = new LinkedHashMap<>();
        Set<Path> done = new HashSet<>();
        List<Hidden> hidden = new ArrayList<>();
        List<Sandbox.Secret> secrets = new ArrayList<>();
        for (Found f : probe.found()) {
            if (f.secret().isPresent() && l.unmask().contains(f.secret().get().name())) {
                secrets.add(new Sandbox.Secret(f.secret().get().name(), f.host(), List.of(),
                        Optional.of("unmasked by name")));
                continue;
            }
            if (!done.add(f.host())) {
                continue; // hidden already
            }
            List<String> maskedAt = new ArrayList<>();
            Optional<String> shown = Optional.empty();
            for (Path at : candidates(m, f.host(), realSources)) {
                String why = explicitDests.get(at.toString());
                if (why != null) {
                    shown = Optional.of(why + " shows " + at);
                    continue;
                }
                Optional<Path> behind = View.hostPath(m, m.size(), at);
                if (behind.isEmpty() || !(behind.get().equals(f.host())
                        || Sandbox.realPath(behind.get()).equals(f.host()))) {
                    continue;
                }
                List<Mount> added = hide(f, at, l.fileMask());
                m.addAll(added);
                hidden.add(new Hidden(at, added));
                maskedAt.add(at.toString());
            }
            Optional<String> why = maskedAt.isEmpty() ? shown : Optional.empty();
            f.secret().ifPresent(p -> secrets.add(new Sandbox.Secret(p.name(), f.host(), maskedAt, why)));
        }
        // explicit binds inside a hidden directory, made again on top of it, and then what they in turn must hide
        List<Explicit> again = explicit.stream().filter(e -> hidden.stream().anyMatch(h ->
                strictlyInside(Path.of(e.dest()), h.at()))).toList();
        again.forEach(e -> m.addAll(e.mounts()));
        for (Hidden h : hidden) {
            if (again.stream().anyMatch(e -> strictlyInside(h.at(), Path.of(e.dest())))) {
                m.addAll(h.mounts());
            }
        }
        return secrets;
    }

    /** The names in a directory; empty when it cannot be listed (then each place is looked at itself). */
    private static Optional<Set<String>> names(Path dir) {
        String[] names = dir.toFile().list(); // plain strings: no Path per entry
        return names == null ? Optional.empty() : Optional.of(new HashSet<>(java.util.Arrays.asList(names)));
    }

    private static boolean strictlyInside(Path p, Path dir) {
        return p.startsWith(dir) && !p.equals(dir);
    }

    /** {@code ~/x} against the home directory; absolute paths as they are. */
    /**
     * Adds the place {@code p} ({@code ~/...} or absolute) to {@code targets}, unless it lies in
     * the home directory under a name the home directory does not have (or there is no home).
     */
    private static void place(String p, Optional<Path> home, Optional<Set<String>> inHome,
                              Optional<Masks.Place> secret, List<Target> targets) {
        if (!p.startsWith("~/")) {
            targets.add(new Target(p, secret));
            return;
        }
        if (home.isEmpty()) {
            return;
        }
        int slash = p.indexOf('/', 2);
        if (inHome.isPresent() && !inHome.get().contains(slash < 0 ? p.substring(2) : p.substring(2, slash))) {
            return;
        }
        targets.add(new Target(home.get() + p.substring(1), secret));
    }

    /** Every sandbox path at which a bind in {@code m} could show {@code host}. */
    static Set<Path> candidates(List<Mount> m, Path host, Map<String, Path> realSources) {
        Set<Path> out = new LinkedHashSet<>();
        for (Mount x : m) {
            if (x instanceof Mount.Bind b) {
                Path src = realSources.computeIfAbsent(b.src(), s -> Sandbox.realPath(Path.of(s)));
                if (host.startsWith(src)) {
                    out.add(Path.of(b.dest()).resolve(src.relativize(host).toString()).normalize());
                }
            }
        }
        return out;
    }

    /**
     * The mounts that hide a place at {@code at}: an empty directory (a service directory
     * keeps its top-level links, and the {@link #KEEP} files that lead into it), or an empty
     * file over a file.
     */
    private static List<Mount> hide(Found f, Path at, String fileMask) {
        if (!f.dir()) {
            return List.of(new Mount.Bind(fileMask, at.toString(), true));
        }
        List<Mount> out = new ArrayList<>();
        out.add(new Mount.Empty(at.toString()));
        f.links().forEach(k -> out.add(new Mount.Symlink(k.target(), at.resolve(k.name()).toString())));
        for (Path real : f.keeps()) {
            out.add(new Mount.Bind(real.toString(), at.resolve(f.host().relativize(real).toString()).toString(), true));
        }
        return out;
    }

    /** The links at the top of a directory. */
    private static List<Link> links(Path dir) {
        List<Link> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir)) {
            for (Path e : d) {
                if (Files.isSymbolicLink(e)) {
                    out.add(new Link(e.getFileName().toString(), Files.readSymbolicLink(e).toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: nothing of it is kept
        }
        return out;
    }

    /** The files of {@code keep} ({@link #KEEP}) whose real path lies inside {@code dir}. */
    private static List<Path> keeps(Path dir, List<String> keep) {
        List<Path> out = new ArrayList<>();
        for (String k : keep) {
            Path real = Sandbox.realPath(Path.of(k));
            if (strictlyInside(real, dir) && Files.exists(real)) {
                out.add(real);
            }
        }
        return out;
    }
}
