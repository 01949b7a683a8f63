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
}
