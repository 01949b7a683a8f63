package dev.jbox.config;

/**
 * A configuration, profile or filter file that jbox cannot use. The message is the whole
 * one-line explanation a user sees, naming the file (and line) and what to change.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
