package org.entrylog.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one connection, so that {@code prepareStatement(sql)} with the
 * same SQL text compiles it once instead of on every call (sqlite-jdbc compiles on every call, and
 * on the scan path the compiling cost more than the statements themselves: BENCHMARKS.md).
 *
 * <p>Callers do not change: they still {@code prepareStatement} in try-with-resources. The
 * connection handed out is a proxy whose {@code prepareStatement(String)} returns the kept
 * statement, whose {@code close()} only clears its parameters and returns it. A statement that is
 * still out (two nested uses of one SQL text) is never handed out twice: the second caller gets a
 * plain statement of its own. At most {@link #MAX} texts are kept; beyond that statements are plain.
 *
 * <p>A connection is used by one thread at a time (the writer holds its monitor; a reader is
 * taken from the pool), so the cache needs no locking of its own.
 */
final class StatementCache implements InvocationHandler {
    static final int MAX = 200;
    private static final Method PREPARE;
    private static final Method CLOSE;

    static {
        try {
            PREPARE = Connection.class.getMethod("prepareStatement", String.class);
            CLOSE = Connection.class.getMethod("close");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection real;
    private final Map<String, Kept> kept = new HashMap<>();

    /** A kept statement and whether it is out with a caller now. */
    private final class Kept implements InvocationHandler {
        final String sql;
        final PreparedStatement statement;
        final PreparedStatement proxy;
        boolean out;
        /** A call failed: the statement may be left mid-step ("statement is not executing"), so it is not kept. */
        boolean broken;

        Kept(String sql, PreparedStatement statement) {
            this.sql = sql;
            this.statement = statement;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object p, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close" -> {
                    if (out) {
                        out = false;
                        if (broken) {
                            kept.remove(sql, this);
                            statement.close();
                        } else {
                            statement.clearParameters();
                        }
                    }
                    return null;
                }
                case "isClosed" -> {
                    return !out || statement.isClosed();
                }
                default -> {
                    try {
                        return call(statement, m, args);
                    } catch (SQLException e) {
                        broken = true;
                        throw e;
                    }
                }
            }
        }
    }

    private StatementCache(Connection real) {
        this.real = real;
    }

    /** The connection, with its prepared statements kept. */
    static Connection wrap(Connection real) {
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new StatementCache(real));
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.equals(PREPARE)) {
            return prepare((String) args[0]);
        }
        if (m.equals(CLOSE)) {
            for (Kept k : kept.values()) {
                try {
                    k.statement.close();
                } catch (SQLException ignored) {
                    // closing the connection anyway
                }
            }
            kept.clear();
        }
        return call(real, m, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Kept k = kept.get(sql);
        if (k == null) {
            if (kept.size() >= MAX) {
                return real.prepareStatement(sql);
            }
            k = new Kept(sql, real.prepareStatement(sql));
            kept.put(sql, k);
        }
        if (k.out) {
            return real.prepareStatement(sql);
        }
        k.out = true;
        return k.proxy;
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
