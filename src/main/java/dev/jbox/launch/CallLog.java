package dev.jbox.launch;

import dev.jbox.config.Escape;
import dev.jbox.config.JsonWriter;
import dev.jbox.policy.Errnos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the listener saw after the command's first exec: one entry per distinct call (syscall,
 * deciding argument, answer, executable), with a count and the first caller's pid inside the
 * sandbox. Written by the answering thread, read once the sandbox has ended.
 */
public final class CallLog {

    /**
     * One distinct call.
     *
     * @param syscall    the syscall name (or {@code nr N} for a number no table knows)
     * @param argument   the argument that decided it, as text (empty when no rule looks at one)
     * @param errno      the profile's answer: an errno, or -1 when the profile allows the call
     * @param executable the calling process's program (the path it was exec'd as)
     */
    public record Call(String syscall, String argument, int errno, String executable) {
        /** {@code socket(AF_VSOCK)}, or just the name. */
        public String shown() {
            return argument.isEmpty() ? syscall : syscall + "(" + argument + ")";
        }

        public boolean refused() {
            return errno >= 0;
        }
    }

    /** A call with how often it was made and by which pid (inside the sandbox) first. */
    public record Entry(Call call, long count, int pid) {
    }

    private record Counter(LongAdder count, int pid) {
    }

    private final Map<Call, Counter> calls = new ConcurrentHashMap<>();

    void add(Call call, int pid) {
        calls.computeIfAbsent(call, c -> new Counter(new LongAdder(), pid)).count().increment();
    }

    /** Every entry, most frequent first, then by name. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        calls.forEach((c, n) -> out.add(new Entry(c, n.count().sum(), n.pid())));
        out.sort(Comparator.comparing((Entry e) -> e.call().syscall()).thenComparing(e -> e.call().argument())
                .thenComparing(e -> e.call().executable()));
        return out;
    }

    /** The entries for calls the profile refuses. */
    public List<Entry> refused() {
        return entries().stream().filter(e -> e.call().refused()).toList();
    }

    /**
     * The report for stderr: one line per distinct refused call, or one line saying nothing was.
     *
     * @param profile  the profile's name
     * @param complain whether the calls were let through (complain mode)
     */
    public List<String> reportLines(String profile, boolean complain) {
        List<Entry> refused = refused();
        List<String> out = new ArrayList<>();
        if (refused.isEmpty()) {
            out.add("jbox: report: profile '" + profile + "' refused nothing" + (complain ? " (would refuse nothing)" : ""));
            return out;
        }
        long total = refused.stream().mapToLong(Entry::count).sum();
        out.add("jbox: report: profile '" + profile + "' " + (complain ? "would refuse " : "refused ") + total
                + (total == 1 ? " call" : " calls") + " (" + refused.size() + " distinct)"
                + (complain ? "; complain mode let them through" : "") + ":");
        for (Entry e : refused) {
            Call c = e.call();
            out.add("jbox:   " + c.shown() + " -> " + (complain ? "would refuse " : "") + Errnos.name(c.errno())
                    + ", " + e.count() + (e.count() == 1 ? " time" : " times") + ", by " + Escape.visible(c.executable())
                    + " (pid " + e.pid() + ")");
        }
        return out;
    }

    /** The same report as JSON, for machines. */
    public String reportJson(String profile, boolean complain) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"profile\": ").append(JsonWriter.str(profile)).append(",\n  \"mode\": ")
                .append(JsonWriter.str(complain ? "complain" : "enforce")).append(",\n  \"refused\": [");
        List<Entry> refused = refused();
        for (int i = 0; i < refused.size(); i++) {
            Entry e = refused.get(i);
            Call c = e.call();
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"syscall\": ").append(JsonWriter.str(c.syscall()))
                    .append(", \"argument\": ").append(JsonWriter.str(c.argument()))
                    .append(", \"answer\": ").append(JsonWriter.str(Errnos.name(c.errno())))
                    .append(", \"errno\": ").append(c.errno())
                    .append(", \"let_through\": ").append(complain)
                    .append(", \"count\": ").append(e.count())
                    .append(", \"executable\": ").append(JsonWriter.str(c.executable()))
                    .append(", \"pid\": ").append(e.pid()).append('}');
        }
        sb.append(refused.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return sb.toString();
    }
}
