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
 * Which sources may talk to the server: CIDR ranges, IPv4 and IPv6, in Netty's own {@link IpSubnetFilterRule}s. A
 * source in a deny range is refused; otherwise, if there are allow ranges, only a source in one of them is accepted;
 * with neither, everyone is.
 */
public final class AddressFilter {
    private final List<IpSubnetFilterRule> allow;
    private final List<IpSubnetFilterRule> deny;
    private final String description;

    private AddressFilter(List<IpSubnetFilterRule> allow, List<IpSubnetFilterRule> deny, String description) {
        this.allow = allow;
        this.deny = deny;
        this.description = description;
    }

    /** @throws IllegalArgumentException naming the first range that is not an address with an optional /prefix */
    public static AddressFilter of(List<String> allowRanges, List<String> denyRanges) {
        List<String> allow = nonBlank(allowRanges);
        List<String> deny = nonBlank(denyRanges);
        String description = (allow.isEmpty() ? "" : "allow " + String.join(",", allow))
                + (allow.isEmpty() || deny.isEmpty() ? "" : "; ")
                + (deny.isEmpty() ? "" : "deny " + String.join(",", deny));
        return new AddressFilter(rules(allow, IpFilterRuleType.ACCEPT), rules(deny, IpFilterRuleType.REJECT),
                description.isEmpty() ? "everyone" : description);
    }

    /** An empty value (UPPERCASE_ALLOW="" in a compose file) means no ranges. */
    private static List<String> nonBlank(List<String> ranges) {
        return ranges.stream().map(String::trim).filter(r -> !r.isEmpty()).collect(Collectors.toList());
    }

    private static List<IpSubnetFilterRule> rules(List<String> ranges, IpFilterRuleType type) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String range : ranges) {
            String trimmed = range.trim();
            int slash = trimmed.indexOf('/');
            String ip = slash < 0 ? trimmed : trimmed.substring(0, slash);
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
            if (address == null) {
                throw new IllegalArgumentException("'" + range + "' is not an IP address or a CIDR range");
            }
            // An IPv4-mapped IPv6 address (::ffff:127.0.0.2) is the IPv4 address it maps, as the JDK reads it and as
            // a dual-stack socket reports an IPv4 client: its prefix counts the 96 bits of the mapping too.
            boolean mapped = address instanceof Inet4Address && !NetUtil.isValidIpV4Address(ip);
            int bits = address instanceof Inet4Address && !mapped ? 32 : 128;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + range + "' has no valid prefix length");
            }
            int least = mapped ? 96 : 0;
            if (prefix < least || prefix > bits) {
                throw new IllegalArgumentException("'" + range + "': the prefix must be " + least + ".." + bits
                        + (mapped ? " (an IPv4-mapped address)" : ""));
            }
            rules.add(new IpSubnetFilterRule(address, mapped ? prefix - 96 : prefix, type));
        }
        return List.copyOf(rules);
    }

    public boolean isOpen() {
        return allow.isEmpty() && deny.isEmpty();
    }

    public boolean accepts(InetSocketAddress source) {
        for (IpSubnetFilterRule rule : deny) {
            if (rule.matches(source)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (IpSubnetFilterRule rule : allow) {
            if (rule.matches(source)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Two filters are equal when they were made from the same ranges (so settings compare by value). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AddressFilter && ((AddressFilter) o).description.equals(description);
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }
}
