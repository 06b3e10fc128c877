package dev.uppercase.server;

import dev.uppercase.codec.LineFrameDecoder;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts real servers for tests: loopback only, ephemeral ports, settings parsed from flags like the real thing. */
final class Servers {
    private Servers() {}

    static ServerSettings settings(String... flags) {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0"));
        args.addAll(List.of(flags));
        return ServerCommandLine.parse(args.toArray(String[]::new), Map.of());
    }

    static UppercaseServer start(String... flags) throws ServerStartException {
        return UppercaseServer.start(settings(flags));
    }

    /** The most bytes any of the server's connections holds in its framer right now, waiting for the end of a line. */
    static int maxBufferedLineBytes(UppercaseServer server) {
        int max = 0;
        for (Channel ch : server.connections()) {
            LineFrameDecoder framer = (LineFrameDecoder) ch.pipeline().get(TcpHandlerNames.FRAMER);
            if (framer != null) {
                max = Math.max(max, ch.eventLoop().submit(framer::bufferedBytes).syncUninterruptibly().getNow());
            }
        }
        return max;
    }
}
