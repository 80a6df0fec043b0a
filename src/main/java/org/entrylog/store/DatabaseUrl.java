package org.entrylog.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * {@code ENTRYLOG_DATABASE_URL}: where a PostgreSQL store lives (docs/design.md §8). Either the
 * libpq form {@code postgresql://user:password@host:port/database?options} (also {@code postgres://})
 * or a JDBC URL {@code jdbc:postgresql://host:port/database?user=…&password=…}. The user and password
 * of the libpq form are taken out of the URL and handed to the driver as properties, so they never
 * appear in a JDBC URL that a driver might print.
 *
 * @param jdbcUrl  the URL given to the driver, without credentials (unless a JDBC URL carried them)
 * @param user     the user, or null (then the driver's default, or the JDBC URL's)
 * @param password the password, or null
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    /** Parses the setting; throws {@link IllegalArgumentException} naming what is wrong (never the password). */
    public static DatabaseUrl parse(String value) {
        String v = value.trim();
        if (v.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(v, null, null);
        }
        if (!v.startsWith("postgresql://") && !v.startsWith("postgres://")) {
            throw new IllegalArgumentException("must be a postgresql://user:password@host:port/database URL or a "
                    + "jdbc:postgresql: URL");
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a well-formed URL (check that special characters in the password "
                    + "are percent-encoded)");
        }
        if (uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().length() < 2) {
            throw new IllegalArgumentException("must name a host and a database: postgresql://user:password@host:port/database");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseUrl(jdbc, user, password);
    }

    /** The host, port and database, for logs and the start-up line: never the user's password. */
    public static String describe(String value) {
        String jdbc = parse(value).jdbcUrl();
        int q = jdbc.indexOf('?');
        return (q < 0 ? jdbc : jdbc.substring(0, q)).substring("jdbc:postgresql:".length());
    }

    /** The driver's connection properties. */
    Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "entrylog");
        return p;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl.replaceAll("password=[^&]*", "password=…") + "]";
    }
}
