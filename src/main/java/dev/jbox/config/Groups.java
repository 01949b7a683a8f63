package dev.jbox.config;

import com.electronwill.nightconfig.core.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The named syscall groups ({@code @mount}, {@code @debug}, ...) from {@code groups.toml}. */
public final class Groups {

    /** A group: a description and members (names or other {@code @groups}). */
    public record Group(String name, String description, List<String> members) {
    }

    private final Map<String, Group> groups;

    private Groups(Map<String, Group> groups) {
        this.groups = groups;
    }

    private static final class Holder {
        static final Groups BUILTIN = load();
    }

    public static Groups builtin() {
        return Holder.BUILTIN;
    }

    private static Groups load() {
        // the tree groups.toml parses into, built from constants (src/build/EmbedToml.java)
        return of(BuiltinToml.groups());
    }

    /** The groups a groups.toml tree defines: each table a group with its description and members. */
    static Groups of(Config c) {
        Map<String, Group> m = new LinkedHashMap<>();
        for (var e : c.entrySet()) {
            Config g = (Config) e.getValue();
            List<String> members = new ArrayList<>();
            for (Object o : g.<List<?>>get("syscalls")) {
                members.add((String) o);
            }
            m.put(e.getKey(), new Group(e.getKey(), g.get("description"), List.copyOf(members)));
        }
        return new Groups(m);
    }

    public List<Group> all() {
        return List.copyOf(groups.values());
    }

    public Set<String> names() {
        return groups.keySet();
    }

    /**
     * The syscall names a profile entry stands for: itself, or for {@code @group} every
     * member, recursively, in order, without duplicates.
     */
    public List<String> expand(String entry, String where) throws ConfigException {
        Set<String> out = new LinkedHashSet<>();
        expand(entry, where, out, new LinkedHashSet<>());
        return List.copyOf(out);
    }

    private void expand(String entry, String where, Set<String> out, Set<String> visiting) throws ConfigException {
        if (!entry.startsWith("@")) {
            out.add(entry);
            return;
        }
        String name = entry.substring(1);
        Group g = groups.get(name);
        if (g == null) {
            List<String> known = groups.keySet().stream().map(n -> "@" + n).toList();
            throw new ConfigException(where + ": unknown group '" + entry + "'" + Suggest.hint(entry, known));
        }
        if (!visiting.add(name)) {
            throw new ConfigException(where + ": group '" + entry + "' includes itself");
        }
        for (String m : g.members()) {
            expand(m, where, out, visiting);
        }
        visiting.remove(name);
    }
}
