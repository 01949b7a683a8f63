package dev.jbox.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Jbox.class.getPackage().getImplementationVersion();
        return new String[] {
                "jbox " + (v == null ? "dev" : v),
                "JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")"
        };
    }
}
