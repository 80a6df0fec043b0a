package org.entrylog.config;

import java.time.Duration;

/**
 * One configured rate limit: {@code burst} requests at once, refilled at {@code burst} per
 * {@code period}. A setting, so it lives with the settings; the buckets that enforce it are the
 * web layer's.
 */
public record RateLimit(String name, int burst, Duration period) {
    /** Parses {@code N/PERIOD} such as {@code 20/1m}, {@code 600/1h}, {@code 10/1s}. */
    public static RateLimit parse(String name, String spec) {
        String[] p = spec.trim().split("/");
        if (p.length != 2 || !p[1].matches("\\d+[smhd]")) {
            throw new IllegalArgumentException("rate limit " + name + " must look like 20/1m, was '" + spec + "'");
        }
        long n = Long.parseLong(p[1].substring(0, p[1].length() - 1));
        Duration d = switch (p[1].charAt(p[1].length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        int burst = Integer.parseInt(p[0]);
        if (burst < 1 || d.isZero()) {
            throw new IllegalArgumentException("rate limit " + name + " must allow at least 1 per period");
        }
        return new RateLimit(name, burst, d);
    }
}
