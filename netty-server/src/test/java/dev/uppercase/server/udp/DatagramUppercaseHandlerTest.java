package dev.uppercase.server.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.uppercase.server.config.AddressFilter;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DatagramUppercaseHandlerTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 12000);

    private final ServerStats stats = new ServerStats();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new DatagramUppercaseHandler(
                ServerSettings.builder().maxDatagramSize(12).build(), stats));
    }

    private static DatagramPacket datagram(String text) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), SELF, SENDER);
    }

    @Test
    void repliesToTheSenderWithTheUpperCase() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(datagram("straße"));
        DatagramPacket reply = ch.readOutbound();
        assertEquals(SENDER, reply.recipient());
        assertEquals("STRASSE", reply.content().toString(StandardCharsets.UTF_8));
        reply.release();
        assertEquals(1, stats.get(Counter.DATAGRAMS_OUT));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void answersAReplyOfExactlyTheMaximum() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(datagram("ßßßßßß")); // 12 bytes in, "SSSSSSSSSSSS" is 12 bytes out
        DatagramPacket reply = ch.readOutbound();
        assertEquals(12, reply.content().readableBytes());
        reply.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void dropsAndCountsAReplyOverTheMaximum() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(datagram("ΐΐΐ")); // 6 bytes in, 18 out
        assertNull(ch.readOutbound());
        assertEquals(1, stats.get(Counter.REPLIES_TOO_LARGE));
        ch.writeInbound(datagram("ok"));
        DatagramPacket reply = ch.readOutbound();
        assertEquals("OK", reply.content().toString(StandardCharsets.UTF_8));
        reply.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void dropsAndCountsADatagramOverTheMaximum() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(datagram("thirteen byte"));
        assertNull(ch.readOutbound());
        assertEquals(1, stats.get(Counter.DATAGRAMS_TOO_LARGE));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void keepsServingAfterAnError() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireExceptionCaught(new java.io.IOException("ICMP port unreachable"));
        ch.writeInbound(datagram("still"));
        DatagramPacket reply = ch.readOutbound();
        assertEquals("STILL", reply.content().toString(StandardCharsets.UTF_8));
        reply.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    /** Throttled per kind: a drop of one kind does not hide the first of another, and the counts do not mix. */
    @Test
    void eachKindOfDropHasItsOwnThrottledWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(DatagramUppercaseHandler.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try {
            EmbeddedChannel ch = new EmbeddedChannel(new DatagramUppercaseHandler(ServerSettings.builder()
                    .maxDatagramSize(12).addressFilter(AddressFilter.of(List.of(), List.of("127.0.0.9"))).build(),
                    stats));
            ch.writeInbound(datagram("thirteen byte"));
            ch.writeInbound(datagram("thirteen byte")); // held back: the same kind, within 10 s
            ch.writeInbound(new DatagramPacket(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8), SELF,
                    new InetSocketAddress("127.0.0.9", 40000)));
            assertEquals(List.of("dropped a datagram from {} over {} bytes",
                    "dropped a datagram from {}: not allowed ({})"),
                    warnings.list.stream().map(ILoggingEvent::getMessage).toList());
            assertFalse(ch.finishAndReleaseAll());
        } finally {
            logger.detachAppender(warnings);
        }
    }
}
