package dev.uppercase.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.config.AddressRanges;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** What counts as one source: an IPv4 address, an IPv6 /64; and that a source's entry goes with its last connection. */
class SourceLimitTest {
    private final ServerStats stats = new ServerStats();
    private final SourceLimit limit = new SourceLimit(2, AddressRanges.parse("10.0.0.0/8"), stats);

    private static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void ipv4AddressesCountOneByOne() {
        assertTrue(limit.tryOpen(at("192.0.2.1")));
        assertTrue(limit.tryOpen(at("192.0.2.1")));
        assertFalse(limit.tryOpen(at("192.0.2.1")));
        assertTrue(limit.tryOpen(at("192.0.2.2")), "the next address is another source");
        assertEquals(1, stats.get(Counter.CONNECTIONS_REJECTED_PER_SOURCE));
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() {
        assertTrue(limit.tryOpen(at("2001:db8::1")));
        assertTrue(limit.tryOpen(at("2001:db8::ffff:2")));
        assertFalse(limit.tryOpen(at("2001:db8::3")), "the same /64: one host's");
        assertTrue(limit.tryOpen(at("2001:db8:0:1::1")), "the next /64 is another source");
    }

    @Test
    void aMappedAddressIsItsIpv4Source() {
        assertTrue(limit.tryOpen(at("::ffff:192.0.2.1")));
        assertTrue(limit.tryOpen(at("192.0.2.1")));
        assertFalse(limit.tryOpen(at("192.0.2.1")));
    }

    @Test
    void exemptSourcesAreNotCountedNorKept() {
        for (int i = 0; i < 10; i++) {
            assertTrue(limit.tryOpen(at("10.1.2.3")));
        }
        assertEquals(0, limit.sources());
    }

    @Test
    void aSourceIsForgottenWithItsLastConnection() {
        limit.tryOpen(at("192.0.2.1"));
        limit.tryOpen(at("192.0.2.1"));
        limit.release(at("192.0.2.1"));
        assertEquals(1, limit.sources());
        assertTrue(limit.tryOpen(at("192.0.2.1")), "a place given back is free");
        limit.release(at("192.0.2.1"));
        limit.release(at("192.0.2.1"));
        assertEquals(0, limit.sources(), "nothing kept for a source with nothing open");
    }
}
