package dev.jbox.config;

/**
 * A configuration, profile or filter file that jbox cannot use. The message is the whole
 * one-line explanation a user sees, naming the file (and line) and what to change.
 * {@link Trust.Refused}: the file could be used, but not without the user's trust.
 */
public sealed class ConfigException extends Exception permits Trust.Refused {
    public ConfigException(String message) {
        super(message);
    }
}
