package dev.uppercase.client;

import java.io.IOException;
import java.io.PrintStream;

/** Lines over UDP, for filter and interactive mode alike: one datagram each, the reply to the sink. */
final class UdpLines {
    /** UDP datagrams in flight at once in filter mode. */
    static final int WINDOW = 64;

    private UdpLines() {}

    /**
     * With a {@code dialogue} screen, one line at a time: prompt, send, wait for the reply; without, up to
     * {@link #WINDOW} in flight.
     */
    static void send(ClientSettings settings, LineReader lines, ReplySink sink, PrintStream dialogue,
            ServerErrors errors) throws ClientException, IOException {
        try (UdpSession session = UdpSession.open(settings, sink, dialogue == null ? WINDOW : 1)) {
            Line line;
            while ((line = dialogue != null ? InteractiveMode.prompt(dialogue, lines) : lines.next()) != null) {
                if (!session.send(line)) {
                    errors.notSent(line.number(), settings.maxDatagramSize());
                    continue;
                }
                if (dialogue != null) {
                    session.awaitReplies();
                }
            }
            session.awaitReplies();
        }
    }
}
