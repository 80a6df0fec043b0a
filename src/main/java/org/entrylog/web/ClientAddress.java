package org.entrylog.web;

import io.javalin.http.Context;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The address a request came from, as rate limits count it: the socket's peer, unless that peer is
 * a configured trusted reverse proxy, in which case the nearest untrusted address in
 * {@code X-Forwarded-For}. The header is never believed from anyone else, so a client cannot pick
 * its own rate-limit key.
 *
 * <p>An IPv4 address counts in full; an IPv6 address by its /64 prefix, the smallest block a
 * provider hands one subscriber (RFC 6177), so a client cannot get a fresh allowance by moving to
 * another of the 2^64 addresses it holds; an IPv4-mapped IPv6 address counts as its IPv4 address
 * (docs/threat-model.md T31).
 */
public final class ClientAddress {
    /** Only text that can be an IP literal is parsed: {@link InetAddress#getByName} would resolve a host name. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final Set<String> trustedProxies;

    public ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** The rate-limit key of this request's client (see the class comment). */
    public String of(Context ctx) {
        return of(ctx.req().getRemoteAddr(), ctx::header);
    }

    /** The same, from the socket's peer address and a way to read a request header. */
    public String of(String peer, UnaryOperator<String> header) {
        return key(client(peer, header.apply("X-Forwarded-For")));
    }

    private String client(String peer, String xff) {
        if (!trustedProxies.contains(peer) || xff == null || xff.isBlank()) {
            return peer;
        }
        String[] hops = xff.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop.length() > 64 ? hop.substring(0, 64) : hop;
            }
        }
        return peer;
    }

    /**
     * The key an address counts under: IPv4 as written ({@code 192.0.2.7}), IPv6 as its /64
     * ({@code 2001:db8:1:2::/64}), IPv4-mapped IPv6 as IPv4. Text that is no IP literal (a garbled
     * forwarded header) is kept as given, at most 64 characters.
     */
    public static String key(String address) {
        if (address == null) {
            return "";
        }
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(a).matches();
        if (v4 || (a.indexOf(':') >= 0 && IPV6.matcher(a).matches())) {
            try {
                InetAddress ip = InetAddress.getByName(a); // a literal: no lookup
                if (ip instanceof Inet4Address) {
                    return ip.getHostAddress();
                }
                if (ip instanceof Inet6Address) {
                    byte[] b = ip.getAddress();
                    StringBuilder s = new StringBuilder(24);
                    for (int i = 0; i < 8; i += 2) {
                        s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
                    }
                    return s.append(":/64").toString();
                }
            } catch (UnknownHostException e) {
                // not an address after all: counted by its text
            }
        }
        return a.length() > 64 ? a.substring(0, 64) : a;
    }
}
