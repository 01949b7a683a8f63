package dev.jbox.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * A user's bwrap command line, read the way bwrap's own {@code parse_args_recurse} reads
 * it, so that {@code jbox bwrap} can add its filter without changing anything else.
 *
 * <p>bwrap's options take a fixed number of values ({@link #ARITY}); the first argument
 * that is not an option, or the one after {@code --}, starts the command. {@code --args FD}
 * splices NUL-separated options read from FD in place (not recursively; bwrap refuses
 * {@code --args} inside such data). {@code --help} and {@code --version} make bwrap print
 * and exit as soon as they are parsed. Values are never mistaken for options: in
 * {@code --setenv X --seccomp} the {@code --seccomp} is a value.
 */
public final class BwrapLine {
    private BwrapLine() {
    }

    /** The number of values each bwrap option takes (bwrap 0.11; older releases know a subset). */
    static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("--args", 1), Map.entry("--argv0", 1), Map.entry("--chdir", 1),
            Map.entry("--remount-ro", 1),
            Map.entry("--bind", 2), Map.entry("--bind-try", 2), Map.entry("--ro-bind", 2),
            Map.entry("--ro-bind-try", 2), Map.entry("--dev-bind", 2), Map.entry("--dev-bind-try", 2),
            Map.entry("--bind-fd", 2), Map.entry("--ro-bind-fd", 2),
            Map.entry("--overlay-src", 1), Map.entry("--overlay", 3), Map.entry("--tmp-overlay", 1),
            Map.entry("--ro-overlay", 1),
            Map.entry("--proc", 1), Map.entry("--exec-label", 1), Map.entry("--file-label", 1),
            Map.entry("--dev", 1), Map.entry("--tmpfs", 1), Map.entry("--mqueue", 1), Map.entry("--dir", 1),
            Map.entry("--file", 2), Map.entry("--bind-data", 2), Map.entry("--ro-bind-data", 2),
            Map.entry("--symlink", 2), Map.entry("--lock-file", 1),
            Map.entry("--sync-fd", 1), Map.entry("--block-fd", 1), Map.entry("--userns-block-fd", 1),
            Map.entry("--info-fd", 1), Map.entry("--json-status-fd", 1),
            Map.entry("--seccomp", 1), Map.entry("--add-seccomp-fd", 1),
            Map.entry("--userns", 1), Map.entry("--userns2", 1), Map.entry("--pidns", 1),
            Map.entry("--setenv", 2), Map.entry("--unsetenv", 1), Map.entry("--uid", 1), Map.entry("--gid", 1),
            Map.entry("--hostname", 1), Map.entry("--cap-add", 1), Map.entry("--cap-drop", 1),
            Map.entry("--perms", 1), Map.entry("--size", 1), Map.entry("--chmod", 2));

    /** Options whose first value is a file descriptor bwrap uses. */
    static final Set<String> FD_OPTIONS = Set.of("--args", "--bind-fd", "--ro-bind-fd", "--file", "--bind-data",
            "--ro-bind-data", "--sync-fd", "--block-fd", "--userns-block-fd", "--info-fd", "--json-status-fd",
            "--seccomp", "--add-seccomp-fd", "--userns", "--userns2", "--pidns");

    /**
     * One option as parsed.
     *
     * @param index  position of the option's name in its list
     * @param name   e.g. {@code --seccomp}
     * @param values its values (fewer than its arity if the list ended early)
     */
    public record Opt(int index, String name, List<String> values) {
    }

    /**
     * What a scan found in one list (the command line, or one {@code --args} file).
     *
     * @param options      the options, in order
     * @param commandIndex where the command starts (after {@code --} if present), or the size
     * @param exitsEarly   {@code --help} or {@code --version} comes first: bwrap prints and exits
     */
    public record Scan(List<Opt> options, int commandIndex, boolean exitsEarly) {
    }

    /** Reads {@code args} as bwrap does, up to the command. */
    public static Scan scan(List<String> args) {
        List<Opt> opts = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("--version")) {
                opts.add(new Opt(i, a, List.of()));
                return new Scan(opts, args.size(), true);
            }
            if (a.equals("--")) {
                return new Scan(opts, i + 1, false);
            }
            if (!a.startsWith("-")) {
                return new Scan(opts, i, false);
            }
            int n = ARITY.getOrDefault(a, 0); // an unknown option: bwrap will refuse it itself
            int end = Math.min(args.size(), i + 1 + n);
            opts.add(new Opt(i, a, List.copyOf(args.subList(i + 1, end))));
            i = end;
        }
        return new Scan(opts, args.size(), false);
    }

    /** bwrap's reading of {@code --args} data: strings separated (or terminated) by NUL. */
    public static List<String> splitArgsData(byte[] data) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < data.length) {
            int end = start;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            out.add(new String(data, start, end - start, StandardCharsets.UTF_8));
            start = end + 1;
        }
        return out;
    }

    /** The inverse of {@link #splitArgsData}: each string NUL-terminated. */
    public static byte[] joinArgsData(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The fds the line names (as bwrap would use them), including those in {@code --args} data. */
    public static Set<Integer> namedFds(List<String> args, Map<Integer, List<String>> argsData) {
        Set<Integer> fds = new TreeSet<>();
        Scan top = scan(args);
        for (Opt o : top.options()) {
            addFd(fds, o);
            if (o.name().equals("--args")) {
                Integer fd = fd(o);
                if (fd != null && argsData.containsKey(fd)) {
                    for (Opt inner : scan(argsData.get(fd)).options()) {
                        addFd(fds, inner);
                    }
                }
            }
        }
        return fds;
    }

    private static void addFd(Set<Integer> fds, Opt o) {
        if (FD_OPTIONS.contains(o.name())) {
            Integer fd = fd(o);
            if (fd != null) {
                fds.add(fd);
            }
        }
    }

    /** The fds of the {@code --args} options on the command line itself, in order. */
    public static List<Integer> argsFds(List<String> args) {
        List<Integer> out = new ArrayList<>();
        for (Opt o : scan(args).options()) {
            if (o.name().equals("--args")) {
                Integer fd = fd(o);
                if (fd != null) {
                    out.add(fd);
                }
            }
        }
        return out;
    }

    /** The option's first value as bwrap parses an fd (strtol, whole string, >= 0), or null. */
    static Integer fd(Opt o) {
        if (o.values().isEmpty()) {
            return null;
        }
        String v = o.values().getFirst();
        if (v.isEmpty()) {
            return null;
        }
        try {
            int fd = Integer.parseInt(v);
            return fd >= 0 ? fd : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * How the user's line combines with jbox's filter.
     *
     * @param argv          bwrap's arguments (without argv[0])
     * @param argsData      for each new {@code --args} fd placeholder index (0, 1, ...), the data to give bwrap
     * @param stacked       whether the user's line had a filter of its own (so jbox's is stacked before it)
     */
    public record Rewritten(List<String> argv, List<byte[]> argsData, boolean stacked) {
    }

    /**
     * Adds jbox's filter (on {@code jboxFd}) to the user's line.
     *
     * <ul>
     * <li>No filter of the user's: {@code --seccomp JBOXFD} goes first, the line follows unchanged.
     * <li>The user's {@code --seccomp FD} (bwrap uses the last one) and/or
     *     {@code --add-seccomp-fd FD}: both filters are kept as {@code --add-seccomp-fd},
     *     jbox's first (it allows {@code prctl}, as every program but the last must), the
     *     user's after, each {@code --seccomp} converted (earlier {@code --seccomp}s, which
     *     bwrap ignores, are dropped). A line that mixes the two kinds is left as it is, so
     *     bwrap refuses it as it would without jbox.
     * <li>Every {@code --args FD} on the line is replaced by {@code --args NEWFD}, whose data
     *     ({@link Rewritten#argsData}) is FD's, with the same conversion applied.
     * </ul>
     *
     * @param args     the user's line
     * @param argsData the data read from each {@code --args} fd of the line
     * @param jboxFd   the fd of jbox's filter
     * @param newArgsFd the fd that the i-th replaced {@code --args} will have
     */
    public static Rewritten addFilter(List<String> args, Map<Integer, List<String>> argsData, int jboxFd,
                                      IntFunction<Integer> newArgsFd) {
        Scan top = scan(args);
        // All seccomp options in bwrap's order: the line, with each --args file spliced in.
        int seccompCount = 0;
        int addCount = 0;
        for (Opt o : top.options()) {
            if (o.name().equals("--seccomp")) {
                seccompCount++;
            } else if (o.name().equals("--add-seccomp-fd")) {
                addCount++;
            } else if (o.name().equals("--args") && fd(o) != null && argsData.containsKey(fd(o))) {
                for (Opt inner : scan(argsData.get(fd(o))).options()) {
                    if (inner.name().equals("--seccomp")) {
                        seccompCount++;
                    } else if (inner.name().equals("--add-seccomp-fd")) {
                        addCount++;
                    }
                }
            }
        }
        boolean userFilter = seccompCount + addCount > 0;
        boolean convert = seccompCount > 0 && addCount == 0;
        int[] seccompSeen = {0};
        int lastSeccomp = seccompCount;

        List<String> out = new ArrayList<>();
        out.add(userFilter ? "--add-seccomp-fd" : "--seccomp");
        out.add(Integer.toString(jboxFd));
        List<byte[]> newData = new ArrayList<>();
        int i = 0;
        int optIndex = 0;
        List<Opt> opts = top.options();
        while (i < args.size()) {
            Opt o = optIndex < opts.size() && opts.get(optIndex).index() == i ? opts.get(optIndex) : null;
            if (o == null || i >= top.commandIndex()) {
                out.add(args.get(i));
                i++;
                continue;
            }
            optIndex++;
            int next = i + 1 + o.values().size();
            if (o.name().equals("--args") && fd(o) != null && argsData.containsKey(fd(o))) {
                List<String> data = argsData.get(fd(o));
                List<String> rewritten = convert ? convertSeccomp(data, seccompSeen, lastSeccomp) : data;
                out.add("--args");
                out.add(Integer.toString(newArgsFd.apply(newData.size())));
                newData.add(joinArgsData(rewritten));
            } else if (convert && o.name().equals("--seccomp")) {
                seccompSeen[0]++;
                if (seccompSeen[0] == lastSeccomp) {
                    out.add("--add-seccomp-fd");
                    out.addAll(o.values());
                } // an earlier --seccomp: bwrap would ignore it, so it goes
            } else {
                out.addAll(args.subList(i, next));
            }
            i = next;
        }
        return new Rewritten(out, newData, userFilter);
    }

    private static List<String> convertSeccomp(List<String> data, int[] seen, int last) {
        Scan s = scan(data);
        List<String> out = new ArrayList<>();
        int i = 0;
        int optIndex = 0;
        while (i < data.size()) {
            Opt o = optIndex < s.options().size() && s.options().get(optIndex).index() == i
                    ? s.options().get(optIndex) : null;
            if (o == null || i >= s.commandIndex()) {
                out.add(data.get(i));
                i++;
                continue;
            }
            optIndex++;
            int next = i + 1 + o.values().size();
            if (o.name().equals("--seccomp")) {
                seen[0]++;
                if (seen[0] == last) {
                    out.add("--add-seccomp-fd");
                    out.addAll(o.values());
                }
            } else {
                out.addAll(data.subList(i, next));
            }
            i = next;
        }
        return out;
    }
}
