package dev.uppercase.server.ops;

/**
 * Every counter the server keeps, declared once: its metric's name, the label that sets it apart from its siblings
 * (if any), and what it counts. {@link ServerStats} keeps the counts; the metrics endpoint exports each as
 * {@code <name>_total{<label>}}; the handlers count with {@code stats.add(Counter.X)}.
 */
public enum Counter {
    CONNECTIONS_OPENED("uppercase_connections_opened", "", "TCP and TLS connections accepted and served"),
    CONNECTIONS_REJECTED("uppercase_connections_rejected", "reason=limit", "TCP connections turned away, by reason"),
    /** Over --max-connections-per-source: the source address (IPv6: its /64) had as many open as it may. */
    CONNECTIONS_REJECTED_PER_SOURCE("uppercase_connections_rejected", "reason=per_source",
            "TCP connections turned away, by reason"),
    CONNECTIONS_FILTERED("uppercase_connections_filtered", "", "TCP and HTTP connections refused by --allow/--deny"),
    HTTP_CONNECTIONS_REJECTED("uppercase_http_connections_rejected", "",
            "HTTP connections answered 503 at --metrics-max-connections"),
    /** Malformed, over --metrics-max-header-size, or not whole within --metrics-request-timeout. */
    HTTP_BAD_REQUESTS("uppercase_http_bad_requests", "", "HTTP requests answered 400, 408, 414 or 431, then closed"),
    /** Partial lines answered on a quiet period or at the end of input included. */
    LINES_IN("uppercase_lines_in", "", "TCP request lines answered"),
    BYTES_IN("uppercase_bytes_in", "", "TCP bytes received"),
    BYTES_OUT("uppercase_bytes_out", "", "TCP bytes sent"),
    DATAGRAMS_IN("uppercase_datagrams_in", "", "UDP datagrams received"),
    DATAGRAMS_OUT("uppercase_datagrams_out", "", "UDP replies sent"),
    DATAGRAMS_TOO_LARGE("uppercase_datagrams_dropped", "reason=too_large",
            "UDP datagrams dropped unanswered, by reason"),
    DATAGRAMS_FILTERED("uppercase_datagrams_dropped", "reason=filtered", "UDP datagrams dropped unanswered, by reason"),
    DATAGRAMS_RATE_LIMITED("uppercase_datagrams_dropped", "reason=rate_limited",
            "UDP datagrams dropped unanswered, by reason"),
    /** Their reply would have been over --udp-reply-bytes to their source. */
    DATAGRAMS_BYTES_LIMITED("uppercase_datagrams_dropped", "reason=reply_bytes",
            "UDP datagrams dropped unanswered, by reason"),
    /** A reply over the maximum datagram size: UDP cannot carry it, and a cut one would be wrong. */
    REPLIES_TOO_LARGE("uppercase_replies_too_large", "", "UDP replies not sent: over the datagram size limit"),
    LINES_TOO_LONG("uppercase_errors", "kind=line_too_long", "Inputs answered with an error or closed, by kind"),
    IDLE_CLOSED("uppercase_errors", "kind=idle_close", "Inputs answered with an error or closed, by kind"),
    /** Lines and datagrams whose text held U+FFFD: bytes that were not UTF-8 (or a U+FFFD that was sent). */
    DECODE_REPLACED("uppercase_errors", "kind=decode_replaced", "Inputs answered with an error or closed, by kind"),
    /** TLS connections that failed their handshake, or spoke plain text to the TLS port. */
    TLS_FAILED("uppercase_errors", "kind=tls_handshake", "Inputs answered with an error or closed, by kind"),
    /** Connections closed, holding among the most, when all together held more than the memory budget. */
    MEMORY_BUDGET_CLOSED("uppercase_errors", "kind=memory_budget", "Inputs answered with an error or closed, by kind"),
    /** Connections closed because serving them failed (a defect: each is logged with its cause). */
    INTERNAL_ERRORS("uppercase_errors", "kind=internal", "Inputs answered with an error or closed, by kind");

    private final String metric;
    private final String label;
    private final String help;

    Counter(String metric, String label, String help) {
        this.metric = metric;
        this.label = label;
        this.help = help;
    }

    /** The metric's name, without Prometheus's {@code _total}. */
    public String metric() {
        return metric;
    }

    /** The label's name, or empty for a counter that is the only one of its metric. */
    public String labelName() {
        return label.isEmpty() ? "" : label.substring(0, label.indexOf('='));
    }

    public String labelValue() {
        return label.isEmpty() ? "" : label.substring(label.indexOf('=') + 1);
    }

    public String help() {
        return help;
    }
}
