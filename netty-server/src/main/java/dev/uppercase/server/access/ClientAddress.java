package dev.uppercase.server.access;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/**
 * Whom a connection serves: the address a PROXY protocol header named, on a connection from a listed proxy, else the
 * connection's own remote address. What the address filter, the per-source limit and every log line go by.
 */
public final class ClientAddress {
    private static final AttributeKey<SocketAddress> PROXIED = AttributeKey.valueOf("uppercase.client-address");

    private ClientAddress() {}

    public static SocketAddress of(Channel ch) {
        // hasAttr first: attr() would add an attribute to every connection, proxied or not.
        return ch.hasAttr(PROXIED) ? ch.attr(PROXIED).get() : ch.remoteAddress();
    }

    /** The client behind the proxy that connected, as its PROXY protocol header says. */
    public static void setProxied(Channel ch, SocketAddress client) {
        ch.attr(PROXIED).set(client);
    }
}
