package dev.uppercase.client.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What kind of load bench mode keeps on the server. */
public enum Mode {
    /** Request-reply: one line in flight per connection. */
    TCP_RR("lines"),
    /** Pipelined lines, {@code depth} in flight per connection. */
    TCP_PIPELINE("lines"),
    /** A new connection per line, as the textbook client does. */
    CONNECT("connections"),
    /** Datagrams, {@code depth} in flight per socket; one unanswered for a second is counted lost. */
    UDP("datagrams");

    private final String unit;

    Mode(String unit) {
        this.unit = unit;
    }

    /** What one unit of work is, in the report: lines, connections or datagrams. */
    String unit() {
        return unit;
    }

    /** How many requests each connection or socket keeps in flight. */
    int inFlight(int depth) {
        return this == TCP_RR || this == CONNECT ? 1 : depth;
    }

    /** As written on the command line: {@code tcp-rr}, {@code tcp-pipeline}, {@code connect}, {@code udp}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads a mode as {@link #toString} writes it. */
    static final class Converter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Arrays.stream(values()).filter(m -> m.toString().equals(value)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("unknown mode '" + value + "' ("
                            + Arrays.stream(values()).map(Mode::toString).collect(Collectors.joining(", ")) + ")"));
        }
    }
}
