package dev.jbox.config;

/** A host path made visible in the sandbox. */
public record Bind(String src, String dest, boolean readOnly) {
}
