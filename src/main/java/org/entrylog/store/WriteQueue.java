package org.entrylog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.entrylog.common.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer, with group commit: request threads hand it tasks, it runs as many as are
 * waiting in one transaction (each inside its own savepoint, so one failing task undoes only
 * itself), commits once with {@code synchronous=FULL}, and only then answers each task. A client
 * is therefore never told "written" before the row is durable, and one fsync serves many scans.
 *
 * <p>Tasks also see a consistent, serial view of the database: two tablets racing with one token
 * are simply two tasks in order.
 */
public final class WriteQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);
    private static final int MAX_BATCH = 256;
    private static final long ANSWER_TIMEOUT_SECONDS = 30;

    /** A unit of work run inside the writer's transaction. */
    @FunctionalInterface
    public interface Task<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs after a batch commits or rolls back, on the writer thread (e.g. to advance cached chain heads). */
    public interface BatchListener {
        void committed();

        void rolledBack();
    }

    private record Job<T>(Task<T> task, CompletableFuture<T> answer) {}

    private final Database db;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>(100_000);
    private final List<BatchListener> listeners = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public WriteQueue(Database db) {
        this.db = db;
        this.thread = new Thread(this::loop, "entrylog-writer");
        this.thread.setDaemon(true);
    }

    public void addListener(BatchListener l) {
        listeners.add(l);
    }

    public WriteQueue start() {
        thread.start();
        return this;
    }

    /** Submits a task and waits for its durable outcome. */
    public <T> T execute(Task<T> task) {
        CompletableFuture<T> answer = submit(task);
        try {
            return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted while writing.");
        } catch (TimeoutException e) {
            throw ApiException.unavailable("The database did not answer in time; the write may be retried.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("write failed", cause);
        }
    }

    public <T> CompletableFuture<T> submit(Task<T> task) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!running) {
            answer.completeExceptionally(ApiException.unavailable("The server is shutting down."));
        } else if (!queue.offer(new Job<>(task, answer))) {
            answer.completeExceptionally(ApiException.unavailable("Too many writes waiting; try again."));
        }
        return answer;
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("writer loop: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Job<?>> batch) {
        Connection c = db.writer();
        Object[] results = new Object[batch.size()];
        RuntimeException[] failures = new RuntimeException[batch.size()];
        synchronized (c) {
            try {
                exec(c, "BEGIN IMMEDIATE");
                for (int i = 0; i < batch.size(); i++) {
                    exec(c, "SAVEPOINT task");
                    try {
                        results[i] = batch.get(i).task().run(c);
                        exec(c, "RELEASE task");
                    } catch (SQLException | RuntimeException e) {
                        exec(c, "ROLLBACK TO task");
                        exec(c, "RELEASE task");
                        failures[i] = e instanceof SQLException se ? StoreException.from(se) : (RuntimeException) e;
                        if (isStorageFault(failures[i])) {
                            throw failures[i];
                        }
                    }
                }
                exec(c, "COMMIT");
                listeners.forEach(BatchListener::committed);
            } catch (SQLException | RuntimeException e) {
                Database.rollbackQuietly(c);
                listeners.forEach(BatchListener::rolledBack);
                RuntimeException failure = e instanceof SQLException se ? StoreException.from(se) : (RuntimeException) e;
                if (!(failure instanceof ApiException)) {
                    LOG.error("write batch of {} failed and was rolled back: {}", batch.size(), e.getMessage());
                    failure = ApiException.unavailable("The server could not save this; nothing was written. Try again.");
                }
                for (Job<?> job : batch) {
                    job.answer().completeExceptionally(failure);
                }
                return;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    /** Runs one transaction-control statement; prepared once and kept (see {@link StatementCache}). */
    private static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    private static boolean isStorageFault(RuntimeException e) {
        return e instanceof ApiException a && a.status() == 503;
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Job<T> job, Object result, RuntimeException failure) {
        if (failure != null) {
            job.answer().completeExceptionally(failure);
        } else {
            job.answer().complete((T) result);
        }
    }

    /** Stops taking work, finishes what is queued, and returns when the last batch is committed. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(ANSWER_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Job<?> left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(new CompletionException(
                    ApiException.unavailable("The server is shutting down.")));
        }
    }
}
