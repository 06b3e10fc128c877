package dev.uppercase.cli;

/** The service's well-known ports, where the server listens and the client looks by default. */
public final class Ports {
    /** TCP and UDP: the textbook server's port. */
    public static final int DEFAULT = 12000;
    /** The TLS listener's usual port (off unless configured). */
    public static final int TLS = 12443;

    private Ports() {}
}
