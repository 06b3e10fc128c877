package dev.uppercase.server.config;

import dev.uppercase.cli.CommandLines;

/** The server's version, from its jar's manifest ("dev" when it runs from classes): for --version and the logs. */
public final class ServerVersion {
    private ServerVersion() {}

    public static String current() {
        return CommandLines.version(ServerVersion.class);
    }
}
