package dev.jbox.config;

/**
 * A host path made visible in the sandbox, as a config file asks for it.
 *
 * @param src      the host path (absolute; {@code ~} and relative paths already resolved, links not)
 * @param dest     where it appears inside
 * @param readOnly {@code ro_bind} rather than {@code bind}
 * @param where    the file and entry that asked for it, for messages
 */
public record Bind(String src, String dest, boolean readOnly, String where) {
}
