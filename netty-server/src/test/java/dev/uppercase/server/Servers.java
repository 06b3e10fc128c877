package dev.uppercase.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.server.config.ServerCommandLine;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.tcp.TcpPipeline;
import dev.uppercase.server.transport.Transport;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts real servers for tests: loopback only, ephemeral ports, settings parsed from flags like the real thing. */
final class Servers {
    private Servers() {}

    static ServerSettings settings(String... flags) {
        return settingsOn("127.0.0.1", flags);
    }

    private static ServerSettings settingsOn(String bind, String... flags) {
        List<String> args = new ArrayList<>(List.of("--bind", bind, "--port", "0"));
        args.addAll(List.of(flags));
        return ServerCommandLine.parse(args.toArray(String[]::new), Map.of());
    }

    /** A server on {@code transport}; the test is skipped, by assumption, where this machine lacks it. */
    static UppercaseServer start(Transport transport, String... flags) throws ServerStartException {
        return startOn(transport, "127.0.0.1", flags);
    }

    /** {@link #start(Transport, String...)} on the loopback address {@code bind} (127.0.0.1, 127.0.0.2, ::1...). */
    static UppercaseServer startOn(Transport transport, String bind, String... flags) throws ServerStartException {
        assumeTrue(transport.isAvailable(),
                () -> transport + " is not available here: " + transport.unavailability());
        List<String> args = new ArrayList<>(List.of("--transport", transport.toString()));
        args.addAll(List.of(flags));
        return UppercaseServer.start(settingsOn(bind, args.toArray(String[]::new)));
    }

    /** The most bytes any of the server's connections holds in its framer right now, waiting for the end of a line. */
    static int maxBufferedLineBytes(UppercaseServer server) {
        int max = 0;
        for (Channel ch : server.connections()) {
            LineFrameDecoder framer = (LineFrameDecoder) ch.pipeline().get(TcpPipeline.FRAMER);
            if (framer != null) {
                max = Math.max(max, ch.eventLoop().submit(framer::bufferedBytes).syncUninterruptibly().getNow());
            }
        }
        return max;
    }
}
