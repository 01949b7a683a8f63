package dev.jbox.config;

/**
 * A host path the user asks to make visible in the sandbox, from a config file or the
 * command line: the one bind type from config to layout ({@code launch.Mount.Bind} is the
 * bwrap step that results).
 *
 * @param src      the host path (absolute; {@code ~} and relative paths already resolved, links not)
 * @param dest     where it appears inside
 * @param readOnly {@code ro_bind} / {@code --ro-bind} rather than {@code bind} / {@code --bind}
 * @param where    who asked, for messages: the config file and entry, or "--bind SRC DEST"
 * @param fromConfig from a config file: such a file may not bind the host's root or the home
 *                   directory read-write, whatever else it was trusted for
 */
public record Bind(String src, String dest, boolean readOnly, String where, boolean fromConfig) {
}
