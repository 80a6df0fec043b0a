package org.entrylog.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the server, read from the environment once at start and validated, so a bad
 * value stops the start with a message naming the setting instead of failing later.
 *
 * @param dataDir                the one data folder ({@code ENTRYLOG_DATA}, default {@code ./data})
 * @param port                   HTTP port ({@code ENTRYLOG_PORT}, default 7070; 0 picks a free one)
 * @param tokenTtl               pass lifetime ({@code ENTRYLOG_TOKEN_TTL_SECONDS}, 1–3600, default 30)
 * @param retentionDays          how long scans are kept ({@code ENTRYLOG_RETENTION_DAYS}, default 28)
 * @param auditRetentionDays     how long audit entries are kept ({@code ENTRYLOG_AUDIT_RETENTION_DAYS}, default 365)
 * @param offlineWindow          how old a scan from an offline tablet may be ({@code ENTRYLOG_OFFLINE_WINDOW_HOURS}, default 24)
 * @param defaultCountry         region for phone numbers written without a country code ({@code ENTRYLOG_DEFAULT_COUNTRY}, default KR)
 * @param publicUrl              base of links the server prints ({@code ENTRYLOG_PUBLIC_URL}); empty means {@code http://localhost:<port>}
 * @param authorityPublicKey     PEM file of the health authority's X25519 key ({@code ENTRYLOG_AUTHORITY_PUBLIC_KEY}); empty means a demo pair
 * @param rateLimits             {@code ENTRYLOG_RATE_LIMITS}: {@code on} (default) or {@code off}
 * @param tls                    {@code ENTRYLOG_TLS}: empty, or {@code self-signed}
 * @param tlsCert                {@code ENTRYLOG_TLS_CERT} PEM certificate chain
 * @param tlsKey                 {@code ENTRYLOG_TLS_KEY} PEM private key
 * @param maxBodyBytes           largest request body accepted (64 KiB)
 * @param trustedProxies         {@code ENTRYLOG_TRUSTED_PROXIES}: addresses of reverse proxies whose {@code X-Forwarded-For} is believed
 * @param limits                 rate limits by name, each {@code ENTRYLOG_RATE_LIMIT_<NAME>} as {@code N/PERIOD}
 * @param checkpointInterval     how often signed checkpoints of the logs are taken ({@code ENTRYLOG_CHECKPOINT_MINUTES}, 1–1440, default 60)
 * @param offlinePassSlot        slot of an offline bundle's passes ({@code ENTRYLOG_OFFLINE_PASS_SLOT_MINUTES}, a divisor of 60, default 10)
 * @param offlinePassHorizon     how far ahead a bundle reaches ({@code ENTRYLOG_OFFLINE_PASS_HOURS}, 1–72, default 24)
 * @param cardRepeat             a printed card scanned again at a venue within this is a duplicate ({@code ENTRYLOG_CARD_REPEAT_MINUTES}, 1–1440, default 60)
 * @param databaseUrl            {@code ENTRYLOG_DATABASE_URL}: empty for the embedded SQLite file in the data folder, or a
 *                               {@code postgresql://user:pass@host:port/db} / {@code jdbc:postgresql:…} URL (docs/design.md §8)
 */
public record Config(
        Path dataDir,
        int port,
        Duration tokenTtl,
        int retentionDays,
        int auditRetentionDays,
        Duration offlineWindow,
        String defaultCountry,
        String publicUrl,
        Optional<Path> authorityPublicKey,
        boolean rateLimits,
        String tls,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey,
        int maxBodyBytes,
        java.util.Set<String> trustedProxies,
        Map<String, RateLimit> limits,
        Duration checkpointInterval,
        Duration offlinePassSlot,
        Duration offlinePassHorizon,
        Duration cardRepeat,
        String databaseUrl) {

    /** Default rate limits: generous for people, tight for scripts. */
    public static final Map<String, String> DEFAULT_LIMITS = Map.of(
            "registration", "20/2m",   // per client address: 600 an hour sustained (carrier NAT shares addresses)
            "pass", "10/20s",          // per visitor: a page renews every ~25 s; 1 every 2 s sustained
            "enrollment", "10/10m",    // per client address: codes are 128-bit, this only slows noise
            "scan", "120/1m",          // per device: a busy door scans ~1 a second
            "bundle", "6/1h",         // per visitor: 144 signatures each; a phone fetches one every ~12 h
            // per client address: official requests without a live session (a console whose session
            // expired retries a few times; past this they are 429 and audited as one counted burst)
            "official_anonymous", "30/10m",
            "card", "10/10m");         // per device: typed card numbers (1 a minute sustained; pass.CardCodec)
    // sign-ins are throttled by failures per account and address: official.LoginThrottle

    public static final int DEFAULT_PORT = 7070;

    /** Thrown for a setting that is present but wrong; the message names it. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    /** Every setting's name, for checking the config file. */
    public static final java.util.Set<String> SETTINGS = java.util.Set.of(
            "ENTRYLOG_DATA", "ENTRYLOG_PORT", "ENTRYLOG_TOKEN_TTL_SECONDS", "ENTRYLOG_RETENTION_DAYS",
            "ENTRYLOG_AUDIT_RETENTION_DAYS", "ENTRYLOG_OFFLINE_WINDOW_HOURS", "ENTRYLOG_DEFAULT_COUNTRY",
            "ENTRYLOG_PUBLIC_URL", "ENTRYLOG_AUTHORITY_PUBLIC_KEY", "ENTRYLOG_RATE_LIMITS", "ENTRYLOG_TLS",
            "ENTRYLOG_TLS_CERT", "ENTRYLOG_TLS_KEY", "ENTRYLOG_TRUSTED_PROXIES", "ENTRYLOG_LOG_FORMAT",
            "ENTRYLOG_LOG_LEVEL", "ENTRYLOG_CHECKPOINT_MINUTES",
            "ENTRYLOG_OFFLINE_PASS_SLOT_MINUTES", "ENTRYLOG_OFFLINE_PASS_HOURS",
            "ENTRYLOG_CARD_REPEAT_MINUTES", "ENTRYLOG_DATABASE_URL");
    public static final String FILE = "entrylog.properties";

    /**
     * The settings of a data folder: its {@code entrylog.properties} (same names as the
     * environment variables), overridden by the environment, with {@code dataDir} (from
     * {@code --data}) overriding both. An unknown name in the file is an error, so a typo is not
     * silently ignored.
     */
    public static Config load(Map<String, String> env, Path dataDir) {
        Path dir = dataDir != null ? dataDir : Path.of(env.getOrDefault("ENTRYLOG_DATA", "./data"));
        Map<String, String> merged = new java.util.HashMap<>();
        Path file = dir.resolve(FILE);
        if (java.nio.file.Files.isRegularFile(file)) {
            java.util.Properties p = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (java.io.IOException e) {
                throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                boolean limit = name.startsWith("ENTRYLOG_RATE_LIMIT_") && DEFAULT_LIMITS.containsKey(
                        name.substring("ENTRYLOG_RATE_LIMIT_".length()).toLowerCase(Locale.ROOT));
                if (!SETTINGS.contains(name) && !limit) {
                    throw new ConfigException("Unknown setting " + name + " in " + file);
                }
                merged.put(name, p.getProperty(name));
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("ENTRYLOG_")) {
                merged.put(k, v);
            }
        });
        merged.put("ENTRYLOG_DATA", dir.toString());
        return from(merged);
    }

    /**
     * {@code ENTRYLOG_DEFAULT_COUNTRY} of these settings (default KR), checked as {@link #from} checks it:
     * for the offline commands that need nothing else of the configuration.
     */
    public static String defaultCountry(Map<String, String> env) {
        return new Reader(env).country("ENTRYLOG_DEFAULT_COUNTRY", "KR");
    }

    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        Config c = new Config(
                Path.of(r.string("ENTRYLOG_DATA", "./data")),
                r.integer("ENTRYLOG_PORT", DEFAULT_PORT, 0, 65535),
                Duration.ofSeconds(r.integer("ENTRYLOG_TOKEN_TTL_SECONDS", 30, 1, 3600)),
                r.integer("ENTRYLOG_RETENTION_DAYS", 28, 1, 3650),
                r.integer("ENTRYLOG_AUDIT_RETENTION_DAYS", 365, 1, 36500),
                Duration.ofHours(r.integer("ENTRYLOG_OFFLINE_WINDOW_HOURS", 24, 0, 168)),
                defaultCountry(env),
                r.url("ENTRYLOG_PUBLIC_URL"),
                r.path("ENTRYLOG_AUTHORITY_PUBLIC_KEY"),
                r.onOff("ENTRYLOG_RATE_LIMITS", true),
                r.choice("ENTRYLOG_TLS", "", "self-signed"),
                r.path("ENTRYLOG_TLS_CERT"),
                r.path("ENTRYLOG_TLS_KEY"),
                64 * 1024,
                r.list("ENTRYLOG_TRUSTED_PROXIES"),
                r.limits(),
                Duration.ofMinutes(r.integer("ENTRYLOG_CHECKPOINT_MINUTES", 60, 1, 1440)),
                Duration.ofMinutes(r.integer("ENTRYLOG_OFFLINE_PASS_SLOT_MINUTES", 10, 1, 60)),
                // at most 72: pass.PassCodec.MAX_SLOT_AHEAD, how far ahead of its signing a slot pass is believed
                Duration.ofHours(r.integer("ENTRYLOG_OFFLINE_PASS_HOURS", 24, 1, 72)),
                Duration.ofMinutes(r.integer("ENTRYLOG_CARD_REPEAT_MINUTES", 60, 1, 1440)),
                r.databaseUrl("ENTRYLOG_DATABASE_URL"));
        if (60 % c.offlinePassSlot.toMinutes() != 0) {
            // slots are aligned to the slot length in UTC; a divisor of the hour puts every slot
            // boundary at the same minutes of every hour (:00, :10, …), which people can read
            throw new ConfigException("ENTRYLOG_OFFLINE_PASS_SLOT_MINUTES must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, "
                    + "30 or 60), was " + c.offlinePassSlot.toMinutes());
        }
        if (c.offlinePassHorizon.dividedBy(c.offlinePassSlot) > 1440) {
            // one signature and one QR image per slot: bounds the cost and size of one bundle
            throw new ConfigException("ENTRYLOG_OFFLINE_PASS_HOURS / ENTRYLOG_OFFLINE_PASS_SLOT_MINUTES makes more than 1440 "
                    + "passes per bundle; use longer slots or fewer hours");
        }
        if (c.offlineWindow.compareTo(java.time.Duration.ofDays(c.retentionDays)) >= 0) {
            // a scan older than the cut-off would be accepted only to be purged at the next round
            throw new ConfigException("ENTRYLOG_OFFLINE_WINDOW_HOURS (" + c.offlineWindow.toHours()
                    + ") must be shorter than ENTRYLOG_RETENTION_DAYS (" + c.retentionDays + " days)");
        }
        if (c.tlsCert.isPresent() != c.tlsKey.isPresent()) {
            throw new ConfigException("ENTRYLOG_TLS_CERT and ENTRYLOG_TLS_KEY must be set together");
        }
        return c;
    }

    public Config withPort(int newPort) {
        return new Config(dataDir, newPort, tokenTtl, retentionDays, auditRetentionDays, offlineWindow,
                defaultCountry, publicUrl, authorityPublicKey, rateLimits, tls, tlsCert, tlsKey, maxBodyBytes, trustedProxies, limits,
                checkpointInterval, offlinePassSlot, offlinePassHorizon, cardRepeat, databaseUrl);
    }

    public boolean tlsEnabled() {
        return tlsCert.isPresent() || "self-signed".equals(tls);
    }

    /** Base URL for printed links, given the port actually bound. */
    public String publicUrl(int boundPort) {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        return (tlsEnabled() ? "https" : "http") + "://localhost:" + boundPort;
    }

    /** The effective settings for the start-up line; nothing here is secret. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", dataDir.toAbsolutePath().normalize().toString());
        // the host and database only: the URL may carry a password
        m.put("database", databaseUrl.isEmpty() ? "sqlite (in the data folder)" : "postgresql " + org.entrylog.store.DatabaseUrl.describe(databaseUrl));
        m.put("port", port);
        m.put("tokenTtlSeconds", tokenTtl.toSeconds());
        m.put("retentionDays", retentionDays);
        m.put("auditRetentionDays", auditRetentionDays);
        m.put("offlineWindowHours", offlineWindow.toHours());
        m.put("cardRepeatMinutes", cardRepeat.toMinutes());
        m.put("defaultCountry", defaultCountry);
        m.put("publicUrl", publicUrl.isEmpty() ? "(http://localhost:<port>)" : publicUrl);
        m.put("authorityPublicKey", authorityPublicKey.map(Path::toString).orElse("(demo pair in data folder)"));
        m.put("rateLimits", rateLimits ? limits.values().stream().map(l -> l.name() + "=" + l.burst() + "/"
                + l.period()).sorted().toList() : "off");
        m.put("trustedProxies", trustedProxies);
        m.put("tls", tlsCert.isPresent() ? "pem" : tls.isEmpty() ? "off" : tls);
        m.put("checkpointMinutes", checkpointInterval.toMinutes());
        m.put("offlinePassSlotMinutes", offlinePassSlot.toMinutes());
        m.put("offlinePassHours", offlinePassHorizon.toHours());
        return m;
    }

    private static final class Reader {
        private final Map<String, String> env;

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String string(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        int integer(String name, int fallback, int min, int max) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be a whole number, was '" + v + "'");
            }
        }

        String country(String name, String fallback) {
            String v = string(name, fallback).toUpperCase(Locale.ROOT);
            if (!v.matches("[A-Z]{2}")) {
                throw new ConfigException(name + " must be a two-letter region code such as KR, was '" + v + "'");
            }
            return v;
        }

        String url(String name) {
            String v = string(name, "");
            if (!v.isEmpty() && !v.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
                throw new ConfigException(name + " must be an http(s) URL, was '" + v + "'");
            }
            return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        }

        Optional<Path> path(String name) {
            String v = string(name, null);
            return v == null ? Optional.empty() : Optional.of(Path.of(v));
        }

        boolean onOff(String name, boolean fallback) {
            String v = string(name, fallback ? "on" : "off").toLowerCase(Locale.ROOT);
            return switch (v) {
                case "on", "true", "1" -> true;
                case "off", "false", "0" -> false;
                default -> throw new ConfigException(name + " must be on or off, was '" + v + "'");
            };
        }

        java.util.Set<String> list(String name) {
            String v = string(name, "");
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return java.util.Set.copyOf(out);
        }

        Map<String, RateLimit> limits() {
            Map<String, RateLimit> out = new java.util.TreeMap<>();
            for (var e : DEFAULT_LIMITS.entrySet()) {
                String var = "ENTRYLOG_RATE_LIMIT_" + e.getKey().toUpperCase(Locale.ROOT);
                try {
                    out.put(e.getKey(), RateLimit.parse(e.getKey(), string(var, e.getValue())));
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException(var + " must look like 20/1m (requests per period: s, m, h or d), was '"
                            + string(var, "") + "'");
                }
            }
            return Map.copyOf(out);
        }

        String databaseUrl(String name) {
            String v = string(name, "");
            if (!v.isEmpty()) {
                try {
                    org.entrylog.store.DatabaseUrl.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + " " + e.getMessage());
                }
            }
            return v;
        }

        String choice(String name, String... allowed) {
            String v = string(name, "");
            for (String a : allowed) {
                if (a.equals(v)) {
                    return v;
                }
            }
            throw new ConfigException(name + " must be one of " + String.join(", ", allowed) + "; was '" + v + "'");
        }
    }
}
