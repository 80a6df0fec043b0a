package org.entrylog.web;

import io.javalin.http.Context;
import java.util.Set;

/**
 * The address a request came from: the socket's peer, unless that peer is a configured trusted
 * reverse proxy, in which case the nearest untrusted address in {@code X-Forwarded-For}. The
 * header is never believed from anyone else, so a client cannot pick its own rate-limit key.
 */
public final class ClientAddress {
    private final Set<String> trustedProxies;

    public ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String of(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        String xff = ctx.header("X-Forwarded-For");
        if (xff == null || xff.isBlank()) {
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
}
