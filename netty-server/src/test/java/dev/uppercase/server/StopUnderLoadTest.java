package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopUnderLoadTest {

    @Test
    void twoHundredClientsMidStreamEachGetEveryReplyForWhatTheServerReadThenAnEnd() throws Exception {
        UppercaseServer server = Servers.start("--drain-timeout", "10s");
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            List<StreamingClient> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                StreamingClient c = new StreamingClient(i);
                c.connect(server.tcpAddress());
                clients.add(c);
            }
            // Connected is not yet accepted: a connection still in the kernel's accept queue when the listener closes is
            // reset by the kernel, before the server ever saw it.
            Await.until("the server to accept every client", Duration.ofSeconds(30),
                    () -> server.stats().connectionsOpened() == 200);
            clients.forEach(c -> c.start(threads));
            Await.until("every client to be mid-stream", Duration.ofSeconds(30),
                    () -> server.stats().linesReceived() > 200_000);

            long started = System.nanoTime();
            server.close();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            long replies = 0;
            List<String> failures = new ArrayList<>();
            for (StreamingClient c : clients) {
                try {
                    replies += c.replies().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause().getMessage());
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.add("a client got no end of stream in time");
                }
            }
            assertEquals(List.of(), failures);
            assertEquals(server.stats().linesReceived(), replies, "one reply for every line the server read");
            assertTrue(stopMillis < 10_000, "stopped within the drain timeout: " + stopMillis + " ms");
        } finally {
            threads.shutdownNow(); // client sockets are closed by then; a failure above is the one to report
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
