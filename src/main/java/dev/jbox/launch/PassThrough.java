package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code jbox bwrap ARGS...}: exec the real bwrap with the user's own command line, plus
 * jbox's filter. Nothing of {@code run}'s layout is added: the user's line is the sandbox.
 *
 * <p>File descriptors: the caller's own fds (recorded by {@code scripts/jbox} in
 * {@code JBOX_CALLER_FDS} before the JVM started) stay open exactly as they were, because
 * bwrap options name them ({@code --file 3 /etc/x 3<x}); only the JVM's fds are marked
 * close-on-exec. Without that record (the jar started directly), the fds the line names are
 * kept. {@code --args FD} data is read, rewritten if it holds seccomp options, and given to
 * bwrap in a sealed memfd; the drained original is closed, as bwrap would close it.
 */
public final class PassThrough {
    private PassThrough() {
    }

    /**
     * What to exec. The strings of bwrap's line are byte strings ({@link Caller}: a char per
     * byte), as {@code --args} data is ({@link BwrapLine}).
     *
     * @param argv0  bwrap's argv[0] ({@link #argv0})
     * @param bwrap  the real bwrap
     * @param line   the user's bwrap line, verbatim, and the caller's fds
     * @param filter jbox's filter, or empty for none
     */
    public record Request(String argv0, Path bwrap, Line line, Optional<Program> filter) {
    }

    /**
     * The caller's bwrap line, read once: its arguments, the caller's open fds if recorded, and
     * (once {@link #walk} has run) the {@code --args} data bwrap would read, which jbox then
     * hands on itself: an fd can be drained only once.
     */
    public static final class Line {
        private final List<String> args;
        private final Optional<Set<Integer>> callerFds;
        private final Map<Integer, List<String>> argsData = new HashMap<>();
        private BwrapLine.Walk walk;

        /**
         * @param args      the user's bwrap arguments, verbatim
         * @param callerFds the caller's open fds, if recorded
         */
        public Line(List<String> args, Optional<Set<Integer>> callerFds) {
            this.args = List.copyOf(args);
            this.callerFds = callerFds;
        }

        public List<String> args() {
            return args;
        }

        /** The line as bwrap will parse it, its {@code --args} fds read (the first call reads them). */
        BwrapLine.Walk walk() throws LaunchException {
            if (walk == null) {
                walk = BwrapLine.walk(args, fd -> readArgs(fd, callerFds, argsData));
            }
            return walk;
        }

        /**
         * The host directories the line's sandbox can write (links resolved, relative sources
         * from the working directory, as bwrap reads them): reads the {@code --args} data.
         */
        public List<Path> writableSources() throws LaunchException {
            List<Path> out = new ArrayList<>();
            if (!args.isEmpty()) {
                for (String src : walk().writableSources()) {
                    out.add(Sandbox.realPath(Path.of(src)));
                }
            }
            return out;
        }
    }

    /**
     * The {@code argv[0]} bwrap gets: the name jbox was started by ({@code JBOX_ARGV0}, set by
     * {@code scripts/jbox}) when that is {@code bwrap} or a path ending in {@code /bwrap} (a link
     * to jbox installed as bwrap, or {@code exec -a}), so that bwrap's usage text names what the
     * caller ran; else {@code bwrap}.
     */
    public static String argv0(String invokedAs) {
        if (invokedAs != null && (invokedAs.equals("bwrap") || invokedAs.endsWith("/bwrap"))) {
            return invokedAs;
        }
        return "bwrap";
    }

    /** Parses {@code JBOX_CALLER_FDS} ("0 1 2 7"); empty if unset or malformed. */
    public static Optional<Set<Integer>> callerFds(String env) {
        if (env == null || env.isBlank()) {
            return Optional.empty();
        }
        Set<Integer> out = new LinkedHashSet<>();
        // split on blanks by hand: a regular expression costs every launch its compilation
        int i = 0;
        int n = env.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(env.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(env.charAt(i))) {
                i++;
            }
            if (i > start) {
                try {
                    out.add(Integer.parseInt(env, start, i, 10));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(out);
    }

    /**
     * What {@link #prepare} leaves for the exec: bwrap's argv, the fds it inherits, what bwrap
     * would have printed for the {@code --seccomp}s jbox took out, and the fds jbox opened.
     */
    public record Prepared(List<String> argv, int[] kept, List<String> warnings, List<Integer> opened) {
        public Prepared {
            argv = List.copyOf(argv);
            kept = kept.clone();
            warnings = List.copyOf(warnings);
            opened = List.copyOf(opened);
        }

        @Override
        public int[] kept() {
            return kept.clone();
        }
    }

    /**
     * Builds bwrap's argv, prepares the fds and execs bwrap with {@code env} (byte strings,
     * {@link Caller#env}). Returns only by throwing.
     *
     * @param version how to learn bwrap's version (only asked when the user's line has a filter of its own)
     */
    public static void exec(Request req, List<String> env, long nofileSoft, VersionSource version)
            throws LaunchException {
        Prepared p = prepare(req, nofileSoft, version);
        // What bwrap would have printed for the --seccomps jbox took out, where bwrap prints it:
        // before anything else (addFilter refuses a line where something could come first).
        for (String w : p.warnings()) {
            System.err.println(w);
        }
        System.err.flush();
        try {
            Posix.execve(req.bwrap().toString(), p.argv(), env, Caller.BYTES, p.kept());
            throw new LaunchException(LaunchException.Kind.FAILED, "execve returned without an error");
        } catch (NativeException e) {
            closeAll(p.opened());
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot start bwrap: " + e.getMessage(), e);
        }
    }

    /**
     * Everything {@link #exec} does before {@code execve}: the AOT cache's training takes this
     * path too (src/main/java/dev/jbox/cli/AotTraining.java), so a {@code jbox bwrap} launch
     * finds its classes in the cache. On failure the fds jbox opened are closed again.
     */
    public static Prepared prepare(Request req, long nofileSoft, VersionSource version) throws LaunchException {
        List<Integer> opened = new ArrayList<>();
        Line line = req.line();
        try {
            List<String> argv = new ArrayList<>();
            argv.add(req.argv0());
            Set<Integer> keep = new LinkedHashSet<>();
            Set<Integer> drained = Set.of();
            List<String> warnings = List.of();
            if (line.args().isEmpty() || (req.filter().isEmpty() && line.walk == null)) {
                // no command will run (bwrap prints its usage), or no filter: bwrap reads the line itself
                argv.addAll(line.args());
            } else {
                BwrapLine.Walk walk = line.walk();
                drained = walk.drainedFds();
                BwrapLine.Rewritten done;
                if (req.filter().isPresent()) {
                    int jboxFd = Posix.sealedFilterFd("jbox-seccomp", req.filter().get().packed());
                    opened.add(jboxFd);
                    keep.add(jboxFd);
                    // First pass with placeholder fds, to learn the data; then the real fds.
                    BwrapLine.Rewritten draft = BwrapLine.addFilter(walk, jboxFd, i -> -1 - i);
                    if (draft.stacked()) {
                        BwrapVersion v = version.get(req.bwrap());
                        if (!v.canStackFilters()) {
                            throw new LaunchException(LaunchException.Kind.FAILED, "this bwrap (" + req.bwrap() + ", "
                                    + v + ") cannot stack jbox's filter with the command line's own --seccomp:"
                                    + " that needs --add-seccomp-fd (bubblewrap >= " + BwrapVersion.ADD_SECCOMP_FD
                                    + "); upgrade bubblewrap, or run with JBOX_PROFILE=none to use only your filter");
                        }
                    }
                    List<Integer> dataFds = dataFds(draft, opened);
                    done = BwrapLine.addFilter(walk, jboxFd, dataFds::get);
                    keep.addAll(dataFds);
                } else {
                    // the --args data was read to learn what the sandbox can write: hand it on as read
                    List<Integer> dataFds = dataFds(BwrapLine.passOn(walk, i -> -1 - i), opened);
                    done = BwrapLine.passOn(walk, dataFds::get);
                    keep.addAll(dataFds);
                }
                argv.addAll(done.argv());
                warnings = done.warnings();
            }
            keep.addAll(line.callerFds.orElseGet(() -> {
                Set<Integer> named = new LinkedHashSet<>(List.of(0, 1, 2));
                named.addAll(BwrapLine.namedFds(line.args(), line.argsData));
                return named;
            }));
            for (int fd : drained) {
                keep.remove(fd);
                Posix.close(fd); // bwrap closes an --args fd after reading it; jbox has read it
            }
            int[] kept = keep.stream().mapToInt(Integer::intValue).toArray();
            Launcher.prepareForExec(nofileSoft, kept);
            return new Prepared(argv, kept, warnings, opened);
        } catch (NativeException e) {
            closeAll(opened);
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot start bwrap: " + e.getMessage(), e);
        } catch (LaunchException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** A sealed memfd for each {@code --args} data of {@code draft}, in order. */
    private static List<Integer> dataFds(BwrapLine.Rewritten draft, List<Integer> opened) {
        List<Integer> fds = new ArrayList<>();
        for (byte[] data : draft.argsData()) {
            int fd = Posix.sealedDataFd("jbox-bwrap-args", data);
            opened.add(fd);
            fds.add(fd);
        }
        return fds;
    }

    private static void closeAll(List<Integer> fds) {
        for (int fd : fds) {
            try {
                Posix.close(fd);
            } catch (NativeException ignored) {
                // best effort
            }
        }
    }

    /**
     * Reads an {@code --args} fd for {@link BwrapLine#walk}, or refuses: jbox must read exactly
     * what bwrap would, so an fd the caller did not pass (the JVM's own, or none: jbox's fds
     * could take its number), one read twice (bwrap closes it after the first read) or a
     * failed read ends the launch.
     */
    private static byte[] readArgs(int fd, Optional<Set<Integer>> callerFds, Map<Integer, List<String>> seen)
            throws LaunchException {
        if (seen.containsKey(fd)) {
            throw new LaunchException(LaunchException.Kind.FAILED, "--args " + fd + " is read twice (bwrap closes"
                    + " an --args fd after reading it); refusing to guess what bwrap would read the second time");
        }
        if (callerFds.isPresent() && !callerFds.get().contains(fd)) {
            throw new LaunchException(LaunchException.Kind.FAILED, "--args " + fd + ": fd " + fd + " is not open");
        }
        try {
            byte[] data = Posix.readAll(fd);
            seen.put(fd, BwrapLine.splitArgsData(data));
            return data;
        } catch (NativeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "--args " + fd + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Where bwrap's version comes from (the cache, normally; a fixed value in tests). */
    @FunctionalInterface
    public interface VersionSource {
        BwrapVersion get(Path bwrap) throws LaunchException;
    }
}
