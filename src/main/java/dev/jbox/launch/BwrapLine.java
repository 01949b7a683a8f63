package dev.jbox.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 *
 * <p>{@link #walk} follows bwrap 0.8's parse further, to know where bwrap will die or exit and
 * what it prints on the way, so that {@link #addFilter} changes nothing of that; fd values are
 * read as bwrap reads them ({@link BwrapFd}). {@code --args} data is handled as ISO-8859-1, one
 * char per byte, so what jbox passes on is byte for byte what it read.
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

    /**
     * Options whose first value is a host path the sandbox can write: the read-write binds, and
     * {@code --overlay}'s upper directory, where its writes land.
     */
    static final Set<String> WRITABLE_SOURCES = Set.of("--bind", "--bind-try", "--dev-bind", "--dev-bind-try",
            "--overlay");

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

    /** bwrap's reading of {@code --args} data: strings separated (or terminated) by NUL, a char per byte. */
    public static List<String> splitArgsData(byte[] data) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < data.length) {
            int end = start;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            out.add(new String(data, start, end - start, StandardCharsets.ISO_8859_1));
            start = end + 1;
        }
        return out;
    }

    /** The inverse of {@link #splitArgsData}: each string NUL-terminated. */
    public static byte[] joinArgsData(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.ISO_8859_1);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The fds the line names (as bwrap would use them), including those in {@code --args} data. */
    public static Set<Integer> namedFds(List<String> args, Map<Integer, List<String>> argsData) {
        Set<Integer> fds = new TreeSet<>();
        for (Opt o : scan(args).options()) {
            addFd(fds, o);
            if (o.name().equals("--args") && fd(o) instanceof BwrapFd.Valid(int fd) && argsData.containsKey(fd)) {
                for (Opt inner : scan(argsData.get(fd)).options()) {
                    addFd(fds, inner);
                }
            }
        }
        return fds;
    }

    private static void addFd(Set<Integer> fds, Opt o) {
        if (FD_OPTIONS.contains(o.name()) && fd(o) instanceof BwrapFd.Valid(int fd)) {
            fds.add(fd);
        }
    }

    /** The option's first value as bwrap parses an fd ({@link BwrapFd}); Invalid when there is none. */
    static BwrapFd.Parsed fd(Opt o) {
        return o.values().isEmpty() ? new BwrapFd.Invalid() : BwrapFd.parse(o.values().getFirst());
    }

    // ---- bwrap 0.8's parse, as far as jbox needs it ------------------------------------------------

    /** bwrap's limit on the number of arguments, the command line's and all --args data together. */
    static final int MAX_ARGS = 9000;

    /**
     * bwrap 0.8 options whose parsing cannot print anything (no die, no warning) once they have
     * their values: jbox can then be sure bwrap reaches what follows. {@code --chdir},
     * {@code --hostname} and the fd options print only when repeated ("Only the last ... option
     * will take effect"), which {@link #walk} tracks; everything else ({@code --uid},
     * {@code --perms}, {@code --cap-add}, an unknown option, ...) may die on its value.
     */
    static final Set<String> SILENT = Set.of("--unshare-all", "--unshare-user", "--unshare-user-try",
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
            "--unshare-cgroup-try", "--share-net", "--disable-userns", "--assert-userns-disabled", "--clearenv",
            "--new-session", "--die-with-parent", "--as-pid-1", "--remount-ro", "--bind", "--bind-try", "--ro-bind",
            "--ro-bind-try", "--dev-bind", "--dev-bind-try", "--proc", "--dev", "--tmpfs", "--mqueue", "--dir",
            "--symlink", "--lock-file", "--setenv", "--unsetenv", "--file", "--bind-data", "--ro-bind-data");

    /** bwrap 0.8 options that warn when given twice (its {@code warn_only_last_option}). */
    static final Set<String> WARN_IF_REPEATED = Set.of("--chdir", "--hostname", "--sync-fd", "--block-fd",
            "--userns-block-fd", "--info-fd", "--json-status-fd", "--userns", "--userns2", "--pidns");

    /** bwrap's own warning for a repeated option, as its {@code warn} prints it. */
    static String onlyLastWarning(String option) {
        return "bwrap: Only the last " + option + " option will take effect";
    }

    /** Where an option sits: in the command line ({@code list == -1}) or in the k-th --args data read. */
    public record Item(int list, Opt opt) {
    }

    /** Where bwrap's parse of the line ends. */
    public sealed interface End permits Runs, Exits, Dies {
    }

    /** The parse reaches the command (or the end of the options): a sandbox may run. */
    public record Runs() implements End {
    }

    /** {@code --help} or {@code --version}: bwrap prints and exits 0, nothing runs. */
    public record Exits(Item at) implements End {
    }

    /**
     * bwrap dies at this option (an invalid fd, a mixed {@code --seccomp}/{@code --add-seccomp-fd}
     * line, a missing value, {@code --args} in --args data, too many arguments): nothing runs.
     *
     * @param at    the option, or null when bwrap dies before the first one (too many arguments)
     * @param guard whether the death depends on a value jbox interpreted (an fd, the seccomp
     *              options): then jbox's filter is added right after the option, so that if
     *              bwrap did go on after all, it would go on under jbox's filter (or die on it)
     */
    public record Dies(Item at, boolean guard) implements End {
    }

    /** Reads an {@code --args} fd's data, as bwrap's {@code load_file_data} would. */
    @FunctionalInterface
    public interface ArgsReader {
        byte[] read(int fd) throws LaunchException;
    }

    /**
     * The line as bwrap 0.8 will parse it: the options it reaches, in order, with every
     * {@code --args} data spliced in where bwrap reads it.
     *
     * @param args         the user's line
     * @param data         the data of each --args read, in order
     * @param argsDataOf   for the index of a top-level {@code --args} option, which {@code data} it read
     * @param items        the options bwrap reaches, in its order (the option it dies or exits at included)
     * @param end          where the parse ends
     * @param seccomps     the {@code --seccomp} options reached, in order
     * @param addSeccomps  the {@code --add-seccomp-fd} options reached, in order
     * @param certainUntil how many leading {@code items} jbox knows print nothing in bwrap
     */
    public record Walk(List<String> args, List<List<String>> data, Map<Integer, Integer> argsDataOf,
                       List<Item> items, End end, List<Item> seccomps, List<Item> addSeccomps, int certainUntil) {

        /** The fds of the top-level {@code --args} jbox read (drained: bwrap gets their data anew). */
        public Set<Integer> drainedFds() {
            Set<Integer> out = new TreeSet<>();
            for (Opt o : scan(args).options()) {
                if (argsDataOf.containsKey(o.index()) && fd(o) instanceof BwrapFd.Valid(int fd)) {
                    out.add(fd);
                }
            }
            return out;
        }

        /**
         * The host paths the sandbox of this line can write, as written: the source of every
         * read-write bind bwrap reaches ({@link #WRITABLE_SOURCES}), and the file behind every
         * {@code --bind-fd} ({@code /proc/self/fd/N}).
         */
        public List<String> writableSources() {
            List<String> out = new ArrayList<>();
            for (Item it : items) {
                Opt o = it.opt();
                if (o.values().isEmpty()) {
                    continue;
                }
                if (WRITABLE_SOURCES.contains(o.name())) {
                    out.add(o.values().getFirst());
                } else if (o.name().equals("--bind-fd") && fd(o) instanceof BwrapFd.Valid(int fd)) {
                    out.add("/proc/self/fd/" + fd);
                }
            }
            return out;
        }

        /** Whether bwrap will install a filter the line asks for (so jbox's is stacked with it). */
        public boolean userFilter() {
            return !seccomps.isEmpty() || !addSeccomps.isEmpty();
        }
    }

    /**
     * Follows bwrap 0.8's {@code parse_args_recurse}: reads each {@code --args} fd bwrap would
     * read (through {@code reader}), and finds where the parse ends.
     *
     * @throws LaunchException when a value cannot be interpreted with certainty (non-ASCII fd),
     *                         or {@code reader} fails
     */
    public static Walk walk(List<String> args, ArgsReader reader) throws LaunchException {
        List<List<String>> data = new ArrayList<>();
        Map<Integer, Integer> argsDataOf = new HashMap<>();
        List<Item> items = new ArrayList<>();
        List<Item> seccomps = new ArrayList<>();
        List<Item> adds = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int[] certain = {-1}; // index of the first item that may print; -1: none yet
        if (args.size() > MAX_ARGS) {
            return new Walk(args, data, argsDataOf, items, new Dies(null, false), seccomps, adds, 0);
        }
        int total = args.size();
        for (Opt o : scan(args).options()) {
            Item item = new Item(-1, o);
            items.add(item);
            End end = step(item, false, seccomps, adds, seen, certain, items.size() - 1);
            if (end != null) {
                return new Walk(args, data, argsDataOf, items, end, seccomps, adds, certainUntil(certain, items));
            }
            if (!o.name().equals("--args")) {
                continue;
            }
            int fd = ((BwrapFd.Valid) fd(o)).fd(); // step() returned a death for any other
            List<String> read = splitArgsData(reader.read(fd));
            int k = data.size();
            data.add(read); // given to bwrap even if it dies on it: jbox has drained the fd
            argsDataOf.put(o.index(), k);
            total += read.size();
            if (total > MAX_ARGS) {
                return new Walk(args, data, argsDataOf, items, new Dies(item, false), seccomps, adds,
                        certainUntil(certain, items));
            }
            // bwrap parses the data up to its first non-option and ignores the rest of it
            for (Opt inner : scan(read).options()) {
                Item in = new Item(k, inner);
                items.add(in);
                end = step(in, true, seccomps, adds, seen, certain, items.size() - 1);
                if (end != null) {
                    return new Walk(args, data, argsDataOf, items, end, seccomps, adds, certainUntil(certain, items));
                }
            }
        }
        return new Walk(args, data, argsDataOf, items, new Runs(), seccomps, adds, certainUntil(certain, items));
    }

    private static int certainUntil(int[] certain, List<Item> items) {
        return certain[0] < 0 ? items.size() : certain[0];
    }

    /** One option of bwrap's loop; returns where the parse ends, or null if it goes on. */
    private static End step(Item item, boolean inData, List<Item> seccomps, List<Item> adds, Set<String> seen,
                            int[] firstUncertain, int position) throws LaunchException {
        Opt o = item.opt();
        String name = o.name();
        if (name.equals("--help") || name.equals("--version")) {
            return new Exits(item);
        }
        if (name.equals("--args") && inData) {
            return new Dies(item, false); // "--args not supported in arguments file"
        }
        if (o.values().size() < ARITY.getOrDefault(name, 0)) {
            return new Dies(item, false); // "--X takes an argument": the list ended
        }
        boolean silent = SILENT.contains(name) || name.equals("--args") || name.equals("--seccomp")
                || (WARN_IF_REPEATED.contains(name) && !seen.contains(name));
        if (name.equals("--seccomp") && !adds.isEmpty()) {
            return new Dies(item, true); // "--seccomp cannot be combined with --add-seccomp-fd"
        }
        if (name.equals("--add-seccomp-fd") && !seccomps.isEmpty()) {
            return new Dies(item, true); // "--add-seccomp-fd cannot be combined with --seccomp"
        }
        if (FD_OPTIONS.contains(name)) {
            switch (fd(o)) {
                case BwrapFd.Uncertain u -> throw new LaunchException(LaunchException.Kind.FAILED,
                        name + " " + o.values().getFirst() + ": jbox cannot tell which fd bwrap would read"
                                + " (not ASCII); refusing to run");
                case BwrapFd.Invalid i -> {
                    // a --seccomp that dies may still have warned first: keep the parse certain up to it
                    return new Dies(item, true); // "Invalid fd: VALUE"
                }
                case BwrapFd.Valid v -> {
                }
            }
        }
        if (name.equals("--seccomp")) {
            seccomps.add(item);
        } else if (name.equals("--add-seccomp-fd")) {
            adds.add(item);
        }
        seen.add(name);
        if (!silent && firstUncertain[0] < 0) {
            firstUncertain[0] = position;
        }
        return null;
    }

    /**
     * How the user's line combines with jbox's filter.
     *
     * @param argv     bwrap's arguments (without argv[0])
     * @param argsData for each new {@code --args} fd placeholder index (0, 1, ...), the data to give bwrap
     * @param stacked  whether the line has a filter of its own (jbox's is then given with
     *                 {@code --add-seccomp-fd}, which needs bwrap >= 0.6.0)
     * @param warnings what bwrap would have printed for the {@code --seccomp}s jbox removed, to
     *                 print on stderr just before bwrap starts
     */
    public record Rewritten(List<String> argv, List<byte[]> argsData, boolean stacked, List<String> warnings) {
    }

    /**
     * Adds jbox's filter (on {@code jboxFd}) to the line, so that bwrap prints exactly what it
     * would print for the line alone and installs jbox's filter whenever it runs a command.
     *
     * <ul>
     * <li>bwrap exits at {@code --help}/{@code --version} or dies while parsing: the line goes
     *     unchanged (bwrap prints its own message), plus jbox's filter right after a death that
     *     jbox decided by reading a value, in case bwrap reads it otherwise after all.
     * <li>No filter of the user's: {@code --seccomp JBOXFD} goes first.
     * <li>{@code --add-seccomp-fd}s: {@code --add-seccomp-fd JBOXFD} goes first (jbox's filter
     *     allows {@code prctl}, as every program but the last must).
     * <li>{@code --seccomp}s: the last (the one bwrap uses) becomes {@code --add-seccomp-fd}
     *     after jbox's; the earlier ones, which bwrap only validates and warns about, go, and
     *     jbox prints bwrap's warning for each ({@link Rewritten#warnings}). That is exact only
     *     when nothing before the last one can make bwrap print or die: otherwise jbox refuses.
     * <li>Every {@code --args FD} bwrap reads is replaced by {@code --args NEWFD}, whose data
     *     ({@link Rewritten#argsData}) is FD's, byte for byte, with the same changes.
     * </ul>
     *
     * @param newArgsFd the fd that the i-th replaced {@code --args} will have
     * @throws LaunchException when bwrap's output cannot be reproduced exactly
     */
    public static Rewritten addFilter(Walk w, int jboxFd, IntFunction<Integer> newArgsFd) throws LaunchException {
        Map<Item, Edit> edits = new HashMap<>();
        List<String> prefix = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String jbox = Integer.toString(jboxFd);
        boolean stacked = false;
        switch (w.end()) {
            case Exits e -> {
            }
            case Dies d -> {
                if (d.guard()) {
                    edits.put(d.at(), Edit.GUARD_AFTER);
                }
            }
            case Runs r -> {
                if (!w.userFilter()) {
                    prefix = List.of("--seccomp", jbox);
                } else {
                    stacked = true;
                    prefix = List.of("--add-seccomp-fd", jbox);
                    List<Item> sc = w.seccomps();
                    if (!sc.isEmpty()) {
                        Item last = sc.getLast();
                        if (sc.size() > 1 && w.items().indexOf(last) > w.certainUntil()) {
                            Item unsure = w.items().get(w.certainUntil());
                            throw new LaunchException(LaunchException.Kind.FAILED, "this line has " + sc.size()
                                    + " --seccomp options (bwrap uses the last and warns about the others) and "
                                    + unsure.opt().name() + " before the last, so jbox cannot reproduce bwrap's"
                                    + " messages exactly while adding its filter; give only one --seccomp");
                        }
                        for (Item earlier : sc.subList(0, sc.size() - 1)) {
                            edits.put(earlier, Edit.DROP);
                            warnings.add(onlyLastWarning("--seccomp"));
                        }
                        edits.put(last, Edit.TO_ADD_SECCOMP_FD);
                    }
                }
            }
        }
        return rewrite(w, prefix, edits, jbox, newArgsFd, stacked, warnings);
    }

    /**
     * The line as it is, for a launch without jbox's filter whose {@code --args} data jbox has
     * already read (to learn what the sandbox can write): each such {@code --args FD} becomes
     * {@code --args NEWFD} with FD's data, byte for byte; nothing else changes.
     */
    public static Rewritten passOn(Walk w, IntFunction<Integer> newArgsFd) {
        return rewrite(w, List.of(), Map.of(), "", newArgsFd, false, List.of());
    }

    private static Rewritten rewrite(Walk w, List<String> prefix, Map<Item, Edit> edits, String jbox,
                                     IntFunction<Integer> newArgsFd, boolean stacked, List<String> warnings) {
        List<String> out = new ArrayList<>(prefix);
        List<byte[]> newData = new ArrayList<>();
        Map<Integer, Item> topItems = new HashMap<>();
        List<Map<Integer, Item>> dataItems = new ArrayList<>();
        for (int k = 0; k < w.data().size(); k++) {
            dataItems.add(new HashMap<>());
        }
        for (Item it : w.items()) {
            (it.list() < 0 ? topItems : dataItems.get(it.list())).put(it.opt().index(), it);
        }
        List<String> args = w.args();
        int i = 0;
        while (i < args.size()) {
            Item it = topItems.get(i);
            if (it == null) {
                out.add(args.get(i++));
                continue;
            }
            Opt o = it.opt();
            Integer k = w.argsDataOf().get(i);
            if (k != null) {
                out.add("--args");
                out.add(Integer.toString(newArgsFd.apply(newData.size())));
                newData.add(joinArgsData(edit(w.data().get(k), dataItems.get(k), edits, jbox)));
            } else {
                apply(out, o, edits.get(it), jbox);
            }
            i = o.index() + 1 + o.values().size();
        }
        return new Rewritten(out, newData, stacked, warnings);
    }

    private enum Edit { DROP, TO_ADD_SECCOMP_FD, GUARD_AFTER }

    private static List<String> edit(List<String> list, Map<Integer, Item> items, Map<Item, Edit> edits, String jbox) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < list.size()) {
            Item it = items.get(i);
            if (it == null) {
                out.add(list.get(i++));
                continue;
            }
            apply(out, it.opt(), edits.get(it), jbox);
            i = it.opt().index() + 1 + it.opt().values().size();
        }
        return out;
    }

    private static void apply(List<String> out, Opt o, Edit e, String jbox) {
        if (e == Edit.DROP) {
            return;
        }
        out.add(e == Edit.TO_ADD_SECCOMP_FD ? "--add-seccomp-fd" : o.name());
        out.addAll(o.values());
        if (e == Edit.GUARD_AFTER) {
            out.add("--add-seccomp-fd");
            out.add(jbox);
        }
    }
}
