package dev.uppercase.server.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A set of CIDR ranges, IPv4 and IPv6 (Netty's {@link IpSubnetFilterRule}s), as the flags that name sources take
 * them: {@code --allow}, {@code --deny}, the exemptions, the PROXY protocol's proxies. Compared by what was written.
 */
public final class AddressRanges {
    /** The loopback ranges: no packet from another machine can claim them (the kernel drops it as a martian). */
    public static final String LOOPBACK = "127.0.0.0/8,::1";

    /** An array, not a list: contains() runs for every connection and datagram, and allocates no iterator. */
    private final IpSubnetFilterRule[] rules;
    private final String description;

    private AddressRanges(IpSubnetFilterRule[] rules, String description) {
        this.rules = rules;
        this.description = description;
    }

    /**
     * Blank entries are ignored (an empty environment variable means no ranges).
     *
     * @throws IllegalArgumentException naming the first range that is not an address with an optional /prefix
     */
    public static AddressRanges of(List<String> ranges) {
        List<String> written = ranges.stream().map(String::trim).filter(r -> !r.isEmpty())
                .collect(Collectors.toList());
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String range : written) {
            rules.add(rule(range));
        }
        return new AddressRanges(rules.toArray(IpSubnetFilterRule[]::new), String.join(",", written));
    }

    /** The same, from one comma-separated value. */
    public static AddressRanges parse(String commaSeparated) {
        return of(List.of(commaSeparated.split(",")));
    }

    public static AddressRanges none() {
        return of(List.of());
    }

    private static IpSubnetFilterRule rule(String range) {
        int slash = range.indexOf('/');
        String ip = slash < 0 ? range : range.substring(0, slash);
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
        if (address == null) {
            throw new IllegalArgumentException("'" + range + "' is not an IP address or a CIDR range");
        }
        // An IPv4-mapped IPv6 address (::ffff:127.0.0.2) is the IPv4 address it maps, as the JDK reads it and as a
        // dual-stack socket reports an IPv4 client: its prefix counts the 96 bits of the mapping too.
        boolean mapped = address instanceof Inet4Address && !NetUtil.isValidIpV4Address(ip);
        int bits = address instanceof Inet4Address && !mapped ? 32 : 128;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(range.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + range + "' has no valid prefix length");
        }
        int least = mapped ? 96 : 0;
        if (prefix < least || prefix > bits) {
            throw new IllegalArgumentException("'" + range + "': the prefix must be " + least + ".." + bits
                    + (mapped ? " (an IPv4-mapped address)" : ""));
        }
        return new IpSubnetFilterRule(address, mapped ? prefix - 96 : prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean isEmpty() {
        return rules.length == 0;
    }

    public boolean contains(InetSocketAddress source) {
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(source)) {
                return true;
            }
        }
        return false;
    }

    /** The ranges as written, comma-separated; empty for none. */
    @Override
    public String toString() {
        return description;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRanges && ((AddressRanges) o).description.equals(description);
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }
}
