package dev.uppercase.server.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which sources may talk to the server ({@code --allow}, {@code --deny}): a source in a deny range is refused;
 * otherwise, if there are allow ranges, only a source in one of them is accepted; with neither, everyone is.
 */
public final class AddressFilter {
    private final AddressRanges allow;
    private final AddressRanges deny;

    private AddressFilter(AddressRanges allow, AddressRanges deny) {
        this.allow = allow;
        this.deny = deny;
    }

    /** @throws IllegalArgumentException naming the first range that is not an address with an optional /prefix */
    public static AddressFilter of(List<String> allowRanges, List<String> denyRanges) {
        return new AddressFilter(AddressRanges.of(allowRanges), AddressRanges.of(denyRanges));
    }

    public boolean isOpen() {
        return allow.isEmpty() && deny.isEmpty();
    }

    public boolean accepts(InetSocketAddress source) {
        return !deny.contains(source) && (allow.isEmpty() || allow.contains(source));
    }

    @Override
    public String toString() {
        String description = (allow.isEmpty() ? "" : "allow " + allow)
                + (allow.isEmpty() || deny.isEmpty() ? "" : "; ")
                + (deny.isEmpty() ? "" : "deny " + deny);
        return description.isEmpty() ? "everyone" : description;
    }

    /** Two filters are equal when they were made from the same ranges (so settings compare by value). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AddressFilter f && f.allow.equals(allow) && f.deny.equals(deny);
    }

    @Override
    public int hashCode() {
        return 31 * allow.hashCode() + deny.hashCode();
    }
}
