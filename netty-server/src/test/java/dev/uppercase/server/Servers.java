package dev.uppercase.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts real servers for tests: loopback only, ephemeral ports, settings parsed from flags like the real thing. */
final class Servers {
    private Servers() {}

    static ServerSettings settings(String... flags) {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0"));
        args.addAll(List.of(flags));
        return ServerSettings.parse(args.toArray(String[]::new), Map.of());
    }

    static UppercaseServer start(String... flags) throws ServerStartException {
        return UppercaseServer.start(settings(flags));
    }
}
