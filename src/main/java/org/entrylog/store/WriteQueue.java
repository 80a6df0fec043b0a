package org.entrylog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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

    /**
     * A queued task and its answer. {@code state} settles a race that would otherwise leave a row
     * nobody was told about: a waiter that gives up cancels the task only if the writer has not
     * started it, and the writer runs it only if nobody cancelled it. So "503, nothing written" is
     * always true, and a task once started is waited for to its end.
     */
    private record Job<T>(Task<T> task, CompletableFuture<T> answer, java.util.concurrent.atomic.AtomicInteger state) {
        static final int QUEUED = 0;
        static final int STARTED = 1;
        static final int CANCELLED = 2;

        boolean start() {
            return state.compareAndSet(QUEUED, STARTED);
        }

        boolean cancel() {
            return state.compareAndSet(QUEUED, CANCELLED);
        }
    }

    /** A submitted write: {@link #await()} gives its durable outcome. */
    public static final class Pending<T> {
        private final Job<T> job;
        private final long timeoutMillis;

        private Pending(Job<T> job, long timeoutMillis) {
            this.job = job;
            this.timeoutMillis = timeoutMillis;
        }

        /** A write refused before it was queued. */
        public static <T> Pending<T> failed(RuntimeException e) {
            CompletableFuture<T> f = new CompletableFuture<>();
            f.completeExceptionally(e);
            return new Pending<>(new Job<>(null, f, new java.util.concurrent.atomic.AtomicInteger(Job.CANCELLED)), 0);
        }

        /**
         * The task's result once committed. After the answer timeout a task the writer has not begun
         * is cancelled and answered 503 (nothing was or will be written); one it has begun is waited
         * for, since its commit is imminent and its outcome must be told.
         */
        public T await() {
            try {
                try {
                    return job.answer().get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (job.cancel()) {
                        throw new StoreUnavailable("The database did not answer in time; nothing was written. "
                                + "Try again.");
                    }
                    return job.answer().get(timeoutMillis, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailable("Interrupted while writing.");
            } catch (TimeoutException e) {
                throw new StoreUnavailable("The database did not answer in time.");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new StoreException("write failed", cause);
            }
        }
    }

    private final Database db;
    private final java.time.Duration answerTimeout;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread thread;
    private volatile boolean running = true;
    /** Set when the database was found damaged while running: every write is refused from then on. */
    private volatile StoreUnavailable halted;
    private volatile Observer observer = (tasks, running, committing) -> { };

    /**
     * Told of each committed batch, on the writer's thread: how many tasks it held, the time running
     * them took and the time its {@code COMMIT} took (the WAL's sync and any automatic checkpoint).
     * It is told after the batch's answers and must return at once: the next batch waits for it.
     */
    public interface Observer {
        void committed(int tasks, long runningNanos, long committingNanos);
    }

    /** Sets the one observer of committed batches (the server's metrics). */
    public void observe(Observer o) {
        this.observer = o;
    }

    public WriteQueue(Database db) {
        this(db, java.time.Duration.ofSeconds(ANSWER_TIMEOUT_SECONDS));
    }

    /** With a given answer timeout (tests use a short one). */
    public WriteQueue(Database db, java.time.Duration answerTimeout) {
        this.db = db;
        this.answerTimeout = answerTimeout;
        this.thread = new Thread(this::loop, "entrylog-writer");
        this.thread.setDaemon(true);
    }

    public WriteQueue start() {
        thread.start();
        return this;
    }

    /** Submits a task and waits for its durable outcome. */
    public <T> T execute(Task<T> task) {
        return submit(task).await();
    }

    /**
     * Refuses every write submitted from now on with {@code reason} (503): the database is damaged and
     * must not be written to (docs/threat-model.md T25: read-only with an alarm). Reads go on.
     */
    public void halt(String reason) {
        halted = new StoreUnavailable(reason);
    }

    public <T> Pending<T> submit(Task<T> task) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Job<T> job = new Job<>(task, answer, new java.util.concurrent.atomic.AtomicInteger(Job.QUEUED));
        if (halted != null) {
            answer.completeExceptionally(halted);
        } else if (!running) {
            answer.completeExceptionally(new StoreUnavailable("The server is shutting down."));
        } else if (!queue.offer(job)) {
            answer.completeExceptionally(new StoreUnavailable("Too many writes waiting; try again."));
        }
        return new Pending<>(job, answerTimeout.toMillis());
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
        SQLException storageFault = null;
        long t0 = System.nanoTime();
        long locked;
        long committing;
        synchronized (c) { // may be held by a checkpoint (Reclaimer) or a write outside the queue (Database.transaction)
            locked = System.nanoTime();
            try {
                db.begin(c);
                for (int i = 0; i < batch.size(); i++) {
                    if (!batch.get(i).start()) {
                        failures[i] = new StoreUnavailable("Cancelled: nothing was written.");
                        continue; // its waiter gave up and was told nothing was written
                    }
                    exec(c, "SAVEPOINT task");
                    try {
                        results[i] = batch.get(i).task().run(c);
                        exec(c, "RELEASE task");
                    } catch (SQLException | RuntimeException e) {
                        exec(c, "ROLLBACK TO task");
                        exec(c, "RELEASE task");
                        failures[i] = e instanceof SQLException se ? StoreException.from(se) : (RuntimeException) e;
                        if (isStorageFault(failures[i])) {
                            storageFault = e instanceof SQLException se ? se : null;
                            throw failures[i];
                        }
                    }
                }
                committing = System.nanoTime();
                exec(c, "COMMIT");
            } catch (SQLException | RuntimeException e) {
                Database.rollbackQuietly(c);
                RuntimeException failure = e instanceof SQLException se ? StoreException.from(se) : (RuntimeException) e;
                if (!(failure instanceof ApiException) && !(failure instanceof StoreUnavailable)) {
                    LOG.error("write batch of {} failed and was rolled back: {}", batch.size(), e.getMessage());
                    failure = new StoreUnavailable("The server could not save this; nothing was written. Try again.");
                } else if (isStorageFault(failure)) {
                    alarm(batch.size(), e instanceof SQLException se ? se : storageFault);
                }
                for (Job<?> job : batch) {
                    job.answer().completeExceptionally(failure);
                }
                return;
            }
        }
        long t2 = System.nanoTime();
        if (t2 - t0 >= SLOW_BATCH_NANOS && LOG.isDebugEnabled()) {
            LOG.debug("slow write batch: {} task(s), {} ms waiting for the writer's connection, {} ms running them,"
                    + " {} ms committing (the WAL's sync and any checkpoint)", batch.size(), (locked - t0) / 1_000_000,
                    (committing - locked) / 1_000_000, (t2 - committing) / 1_000_000);
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
        observer.committed(batch.size(), committing - locked, t2 - committing); // after the answers, which need not wait
    }

    /**
     * A batch slower than this is logged at DEBUG ({@code ENTRYLOG_LOG_LEVEL=DEBUG}) with the time its
     * tasks and its commit took: a scan that arrives while one runs waits for all of it (issue 18's target
     * for the longest wait a scan sees beside a purge is 100 ms).
     */
    private static final long SLOW_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A full disk, an I/O error or a lock held too long is answered 503 to the client, and must
     * also reach the operator: logged as an error, at most once every 10 s with a count in between,
     * so a full disk under load does not flood the log. SQLite's messages name no data, only codes.
     */
    private void alarm(int writes, SQLException cause) {
        refusedSinceAlarm += writes;
        long now = System.nanoTime();
        if (lastAlarm != 0 && now - lastAlarm < TimeUnit.SECONDS.toNanos(10)) {
            return;
        }
        LOG.error("storage fault: {} write(s) refused with 503 since the last report; nothing was written: {}",
                refusedSinceAlarm, cause == null ? "busy or unavailable" : cause.getMessage());
        lastAlarm = now;
        refusedSinceAlarm = 0;
    }

    private long lastAlarm;
    private long refusedSinceAlarm;

    /**
     * Runs one transaction-control statement. Not through the statement cache: after SQLite rolls a
     * transaction back by itself (a full disk), a kept SAVEPOINT/RELEASE statement was seen to leave
     * the next batch failing with "no such savepoint"; these statements cost nothing to compile.
     */
    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean isStorageFault(RuntimeException e) {
        return e instanceof StoreUnavailable;
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
                    new StoreUnavailable("The server is shutting down.")));
        }
    }
}
