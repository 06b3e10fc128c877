package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEveryTransport
class StopUnderLoadTest {
    @Parameter
    Transport transport;


    @Test
    void twoHundredClientsMidStreamEachGetEveryReplyForWhatTheServerReadThenAnEnd() throws Exception {
        UppercaseServer server = Servers.start(transport, "--drain-timeout", "60s");
        try (PipelinedClients clients = new PipelinedClients(server.tcpAddress(), 200, 32)) {
            // Connected is not yet accepted: a connection still in the kernel's accept queue when the listener closes
            // is reset by the kernel, before the server ever saw it.
            Await.until("the server to accept every client",
                    () -> server.stats().get(Counter.CONNECTIONS_OPENED) == 200);
            clients.start();
            Await.until("every client to be mid-stream", () -> clients.everyClientHasReplies(100));

            long started = System.nanoTime();
            server.close();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            long replies = clients.awaitEnd(Duration.ofSeconds(60)); // in order, none missing, then end of stream
            assertEquals(server.stats().get(Counter.LINES_IN), replies, "one reply for every line the server read");
            assertTrue(stopMillis < 60_000, "the drain ended before its timeout: " + stopMillis + " ms");
        }
    }
}
