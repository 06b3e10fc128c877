package dev.uppercase.server;

import dev.uppercase.cli.Durations;
import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.access.SourceLimit;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.config.ServerVersion;
import dev.uppercase.server.http.HttpEndpointHandler;
import dev.uppercase.server.http.HttpServerInitializer;
import dev.uppercase.server.http.ServerMetrics;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.tcp.MemoryBudget;
import dev.uppercase.server.tcp.TcpServerInitializer;
import dev.uppercase.server.tls.ServerTls;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.server.udp.UdpServerInitializer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: {@link #start} makes the event loops and binds the TCP listeners (plain, and TLS when set), the UDP
 * sockets and the HTTP endpoint (when set); {@link #close} stops them gracefully. TCP and UDP run on event loops of
 * their own, so a datagram flood cannot take the threads that serve connections. Main and exit codes are
 * {@link ServerMain}'s; the pipelines are the initializers'.
 */
public final class UppercaseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UppercaseServer.class);

    private final ServerSettings settings;
    private final EventLoopGroup tcpGroup;
    private final EventLoopGroup udpGroup;
    /** Null when there is no HTTP endpoint. */
    private final EventLoopGroup httpGroup;
    private final ChannelGroup connections = new DefaultChannelGroup("tcp-connections", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup httpConnections = new DefaultChannelGroup("http-connections",
            GlobalEventExecutor.INSTANCE);
    private final ServerStats stats = new ServerStats();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Channel tcpChannel;
    private Channel tlsChannel;
    private final List<Channel> udpChannels = new ArrayList<>();
    private final Transport transport;
    private ServerMetrics metrics;
    private MemoryBudget budget;
    private Channel metricsChannel;
    private volatile boolean ready;

    private UppercaseServer(ServerSettings settings, Transport transport) {
        this.settings = settings;
        this.transport = transport;
        // One event loop per core, which accepts too: a thread more than there are cores to run it only adds switches
        // between them (docs/performance.md).
        this.tcpGroup = eventLoops("uppercase-tcp", Runtime.getRuntime().availableProcessors(), transport);
        // One datagram channel is served by one event loop; with SO_REUSEPORT there is one channel per loop.
        this.udpGroup = eventLoops("uppercase-udp", udpSockets(transport), transport);
        // One thread of its own for scrapes and health checks: they cannot delay a line client, nor it them.
        this.httpGroup = settings.metricsPort() == null ? null : eventLoops("uppercase-http", 1, transport);
    }

    /** Threads named for what they serve, as a thread dump, a profile and every log line show them. */
    private static EventLoopGroup eventLoops(String name, int threads, Transport transport) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), transport.ioHandlerFactory());
    }

    private static int udpSockets(Transport transport) {
        return transport.hasReusePort() ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** Binds both protocols and returns once they serve; on failure releases everything and says which bind failed. */
    public static UppercaseServer start(ServerSettings settings) throws ServerStartException {
        Transport transport = settings.transport().resolve();
        if (transport == null) {
            throw new ServerStartException("transport " + settings.transport() + " cannot run here: "
                    + settings.transport().unavailability());
        }
        // The upper-case table is read on first use: now, not on the first client's line.
        Uppercase.toUtf8("a");
        UppercaseServer server = new UppercaseServer(settings, transport);
        try {
            server.bind();
        } catch (ServerStartException e) {
            // Closed before the loops end: on io_uring a listener outlives its loop's end until its accept is done.
            server.closeListeners();
            if (server.metricsChannel != null) {
                server.metricsChannel.close().syncUninterruptibly();
            }
            server.shutdownEventLoops();
            if (server.metrics != null) {
                server.metrics.close();
            }
            throw e;
        }
        server.ready = true;
        return server;
    }

    private String describeReceiveBuffer() {
        int granted = udpReceiveBuffer();
        return granted + " bytes" + (settings.udpReceiveBuffer() == 0 ? " (the kernel's default)"
                : granted < settings.udpReceiveBuffer() ? " (capped by the kernel: raise net.core.rmem_max)" : "");
    }

    /** The line that tells an operator (and the tests) the server serves, and where. */
    void logReady() {
        log.info("uppercase-server {} ready: tcp {}, udp {}{}{} ({} transport, {} UDP socket(s) of {} receive buffer; "
                        + "max {} connections ({} per source), memory budget {} bytes, lines up to {} bytes, "
                        + "datagrams up to {} bytes, idle timeout {}{}; {})",
                ServerVersion.current(), describe(tcpAddress()), describe(udpAddress()),
                tlsChannel == null ? "" : ", tls " + describe(tlsAddress())
                        + (settings.tls().clientCa() == null ? "" : " (client certificates required)"),
                metricsChannel == null ? "" : ", http " + describe(metricsAddress()), transport,
                udpChannels.size(), describeReceiveBuffer(), settings.maxConnections(),
                settings.maxConnectionsPerSource() == 0 ? "any" : settings.maxConnectionsPerSource(),
                settings.memoryBudget(), settings.maxLineLength(), settings.maxDatagramSize(),
                Durations.format(settings.idleTimeout()), describeSourceLimits(), Uppercase.MAPPING);
    }

    /** The UDP reply limits per source, and the proxies, where there are any. */
    private String describeSourceLimits() {
        StringBuilder limits = new StringBuilder();
        if (settings.udpReplyRate() > 0) {
            limits.append(", ").append(settings.udpReplyRate()).append(" UDP replies/s per source");
        }
        if (settings.udpReplyBytes() > 0) {
            limits.append(", UDP replies up to ").append(settings.udpReplyBytes()).append(" bytes/s per source");
        }
        if (!settings.proxyProtocolFrom().isEmpty()) {
            limits.append(", PROXY protocol from ").append(settings.proxyProtocolFrom());
        }
        return limits.toString();
    }

    private void bind() throws ServerStartException {
        ConnectionLimit limit = new ConnectionLimit(settings.maxConnections(), stats, Counter.CONNECTIONS_REJECTED,
                "connections");
        SourceLimit sources = new SourceLimit(settings.maxConnectionsPerSource(), settings.perSourceExempt(), stats);
        // The choice of whom to close runs off the event loops: it looks at every connection, of every loop.
        budget = new MemoryBudget(settings.memoryBudget(), connections, stats, GlobalEventExecutor.INSTANCE);
        ServerBootstrap tcp = tcpBootstrap();
        tcpChannel = bind("TCP", tcp.clone()
                .childHandler(new TcpServerInitializer(settings, connections, stats, limit, sources, budget, null))
                .bind(settings.tcpAddress()), settings.tcpAddress());
        if (settings.tls() != null) {
            SslContext context;
            try {
                context = ServerTls.context(settings.tls());
            } catch (IOException e) {
                throw new ServerStartException(e.getMessage());
            }
            tlsChannel = bind("TLS", tcp.clone()
                    .childHandler(new TcpServerInitializer(settings, connections, stats, limit, sources, budget,
                            context))
                    .bind(settings.tlsAddress()), settings.tlsAddress());
        }
        bindUdp(udpBootstrap());
        if (settings.metricsPort() != null) {
            bindHttp();
        }
    }

    /** What every TCP listener's connections share; the plain and TLS listeners differ only in their initializer. */
    private ServerBootstrap tcpBootstrap() {
        return new ServerBootstrap()
                .group(tcpGroup)
                .channel(transport.serverSocketChannel())
                // No SO_BACKLOG: Netty's default is the kernel's cap (net.core.somaxconn), so a burst of connections
                // waits in the kernel instead of retrying its SYN a second later (docs/limits.md).
                // No TCP_NODELAY here: Netty turns Nagle off on every accepted socket already (NIO, epoll and io_uring
                // alike, but on Android); setting it again would be one more system call per connection.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferSize() / 2, settings.writeBufferSize()))
                // Keeps the write side open after the peer's FIN, so a half-closing client still gets its replies.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Netty's default, but one for all connections instead of one each (each still sizes its own reads).
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator());
    }

    private Bootstrap udpBootstrap() {
        Bootstrap udp = new Bootstrap()
                .group(udpGroup)
                .channel(transport.datagramChannel())
                .option(ChannelOption.RECVBUF_ALLOCATOR, Datagrams.receiveAllocator(settings.maxDatagramSize()))
                .handler(new UdpServerInitializer(settings, stats));
        transport.configureDatagram(udp, settings.maxDatagramSize());
        if (settings.udpReceiveBuffer() > 0) {
            // Room for a burst while the loop is busy (or, cold, still being compiled): what does not fit is lost.
            udp.option(ChannelOption.SO_RCVBUF, settings.udpReceiveBuffer());
        }
        return udp;
    }

    /** One UDP socket per UDP event loop, all on one port (SO_REUSEPORT), or one socket where that is not offered. */
    private void bindUdp(Bootstrap udp) throws ServerStartException {
        InetSocketAddress address = settings.udpAddress();
        for (int i = 0; i < udpSockets(transport); i++) {
            Channel ch = bind("UDP", udp.bind(address), address);
            udpChannels.add(ch);
            address = (InetSocketAddress) ch.localAddress(); // port 0 chose a port: the others share it
        }
    }

    /** /metrics and /health, on an event loop of their own. */
    private void bindHttp() throws ServerStartException {
        metrics = new ServerMetrics(stats, connections::size, budget::held,
                Map.of("tcp", tcpGroup, "udp", udpGroup, "http", httpGroup));
        ConnectionLimit limit = new ConnectionLimit(settings.http().maxConnections(), stats,
                Counter.HTTP_CONNECTIONS_REJECTED, "HTTP connections");
        HttpEndpointHandler endpoints = new HttpEndpointHandler(metrics, () -> ready, stats, settings.lingerTimeout());
        ServerBootstrap http = new ServerBootstrap()
                .group(httpGroup)
                .channel(transport.serverSocketChannel())
                // Read only when asked: one request at a time (HttpServerInitializer).
                .childOption(ChannelOption.AUTO_READ, false)
                // A client that half-closes after its requests still gets their responses.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new HttpServerInitializer(settings, stats, limit, endpoints, httpConnections));
        metricsChannel = bind("HTTP", http.bind(settings.metricsAddress()), settings.metricsAddress());
    }

    private static Channel bind(String protocol, ChannelFuture future, InetSocketAddress address)
            throws ServerStartException {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ServerStartException("cannot listen on " + protocol + " " + describe(address) + ": "
                    + future.cause().getMessage());
        }
        return future.channel();
    }

    /** {@code *:12000} for every interface, {@code 127.0.0.1:12000} or {@code [::1]:12000} otherwise. */
    static String describe(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip.isAnyLocalAddress() ? "*"
                : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcpChannel.localAddress();
    }

    /** The TLS listener's address; null when --tls-port is not set. */
    public InetSocketAddress tlsAddress() {
        return tlsChannel == null ? null : (InetSocketAddress) tlsChannel.localAddress();
    }

    /** What the kernel gave each UDP socket for queued datagrams, in the units of --udp-receive-buffer. */
    int udpReceiveBuffer() {
        return transport.socketBufferAsAsked(udpChannels.get(0).config().getOption(ChannelOption.SO_RCVBUF));
    }

    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udpChannels.get(0).localAddress();
    }

    /** The HTTP endpoint's address; null when --metrics-port is not set. */
    public InetSocketAddress metricsAddress() {
        return metricsChannel == null ? null : (InetSocketAddress) metricsChannel.localAddress();
    }

    /** True once TCP and UDP are bound, false again as soon as a stop begins (what /health/ready reports). */
    public boolean isReady() {
        return ready;
    }

    public Transport transport() {
        return transport;
    }

    public ServerStats stats() {
        return stats;
    }

    /** The open TCP connections, each until it closes (the drain walks them). */
    ChannelGroup connections() {
        return connections;
    }

    /** Open TCP connections right now. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops gracefully: stops accepting and receiving, answers every line already read (a partial line too), flushes
     * and closes each connection, waits at most the drain timeout for that, then ends the event loops.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        ready = false; // a load balancer stops sending new clients while the drain runs
        log.info("stopping: draining {} connection(s)", connections.size());
        closeListeners();
        Drain.drainAll(connections, settings.drainTimeout());
        if (metricsChannel != null) {
            metricsChannel.close().syncUninterruptibly();
            httpConnections.close().syncUninterruptibly(); // scrapes and health checks: nothing to drain
            metrics.close();
        }
        shutdownEventLoops();
        log.info("stopped");
        stopped.countDown();
    }

    /** Takes no more connections or datagrams: closes the TCP, TLS and UDP sockets bound so far. */
    private void closeListeners() {
        List<Channel> listeners = new ArrayList<>(udpChannels);
        listeners.add(tcpChannel);
        listeners.add(tlsChannel);
        listeners.stream().filter(ch -> ch != null).forEach(ch -> ch.close().syncUninterruptibly());
    }

    private void shutdownEventLoops() {
        List<EventLoopGroup> groups = httpGroup == null ? List.of(tcpGroup, udpGroup)
                : List.of(tcpGroup, udpGroup, httpGroup);
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : groups) {
            g.terminationFuture().syncUninterruptibly();
        }
    }

    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
