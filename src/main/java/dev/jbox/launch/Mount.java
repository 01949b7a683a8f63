package dev.jbox.launch;

import java.util.List;

/** One step of the sandbox's file system, in bwrap's terms. Order matters: later wins. */
public sealed interface Mount {

    /** The sandbox path it provides. */
    String dest();

    /** bwrap's arguments for it. */
    List<String> args();

    record Bind(String src, String dest, boolean readOnly) implements Mount {
        public List<String> args() {
            return List.of(readOnly ? "--ro-bind" : "--bind", src, dest);
        }
    }

    record Tmpfs(String dest) implements Mount {
        public List<String> args() {
            return List.of("--tmpfs", dest);
        }
    }

    record Dev(String dest) implements Mount {
        public List<String> args() {
            return List.of("--dev", dest);
        }
    }

    record Proc(String dest) implements Mount {
        public List<String> args() {
            return List.of("--proc", dest);
        }
    }

    /**
     * A directory that jbox empties or rebuilds: a tmpfs, writable while bwrap makes mount
     * points in it, sealed read-only by a {@link RemountRo} once everything below it is
     * mounted (a hidden {@code /run}, a masked secret, the rebuilt parent of a new mount point).
     */
    record Empty(String dest) implements Mount {
        public List<String> args() {
            return List.of("--tmpfs", dest);
        }
    }

    /** A symbolic link, as the host has it (in a rebuilt directory). */
    record Symlink(String target, String dest) implements Mount {
        public List<String> args() {
            return List.of("--symlink", target, dest);
        }
    }

    /** Makes the mount at {@code dest} read-only (that mount only, not those below it). */
    record RemountRo(String dest) implements Mount {
        public List<String> args() {
            return List.of("--remount-ro", dest);
        }
    }
}
