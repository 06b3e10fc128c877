package dev.uppercase.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A plain JDK socket peer: what any client in any language sees of the server. */
public final class PlainTcpClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final LineInput lines;

    public PlainTcpClient(InetSocketAddress server) throws IOException {
        this(connected(new Socket(), server));
    }

    /** From {@code local}, another loopback address (127.0.0.2): a second source on one machine. */
    public static PlainTcpClient from(InetAddress local, InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        return new PlainTcpClient(connected(socket, server));
    }

    /** Over TLS: the JDK's own SSLSocket, checking the server's name as HTTPS clients do; handshakes on first use. */
    public static PlainTcpClient tls(InetSocketAddress server, SSLContext context, String protocol) throws IOException {
        return tlsFrom(null, server, context, protocol);
    }

    /** Over TLS from {@code local} (null: any), another loopback address being another source. */
    public static PlainTcpClient tlsFrom(InetAddress local, InetSocketAddress server, SSLContext context,
            String protocol) throws IOException {
        SSLSocket socket = checkingName((SSLSocket) context.getSocketFactory().createSocket(), protocol);
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        return new PlainTcpClient(connected(socket, server));
    }

    /** Over TLS after {@code preamble} in the clear, as a proxy sends its PROXY protocol header before the client's. */
    public static PlainTcpClient tlsAfter(byte[] preamble, InetSocketAddress server, SSLContext context,
            String protocol) throws IOException {
        Socket plain = connected(new Socket(), server);
        plain.getOutputStream().write(preamble);
        return new PlainTcpClient(checkingName((SSLSocket) context.getSocketFactory().createSocket(plain,
                server.getHostString(), server.getPort(), true), protocol));
    }

    private static SSLSocket checkingName(SSLSocket socket, String protocol) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static Socket connected(Socket socket, InetSocketAddress server) throws IOException {
        socket.connect(server, 5_000);
        socket.setSoTimeout(20_000); // a hung read fails the test instead of hanging the build
        return socket;
    }

    private PlainTcpClient(Socket socket) throws IOException {
        this.socket = socket;
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        lines = new LineInput(in);
    }

    public PlainTcpClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public PlainTcpClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one reply line, terminator included, decoded as UTF-8; null at end of stream. */
    public String readLine() throws IOException {
        return lines.readLine();
    }

    public byte[] readLineBytes() throws IOException {
        return lines.readLineBytes();
    }

    /** Lines of a byte stream with their terminators; the last may have none. */
    public static final class LineInput {
        private final InputStream in;

        LineInput(InputStream in) {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        }

        String readLine() throws IOException {
            byte[] line = readLineBytes();
            return line == null ? null : new String(line, StandardCharsets.UTF_8);
        }

        byte[] readLineBytes() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    return line.toByteArray();
                }
            }
            return line.size() == 0 ? null : line.toByteArray();
        }
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Reads until the server closes, and returns all of it. */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public Socket socket() {
        return socket;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream rawOutput() {
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
