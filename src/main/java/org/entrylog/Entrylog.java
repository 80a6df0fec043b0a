package org.entrylog;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.entrylog.config.Config;
import org.entrylog.official.AnonymousRefusals;
import org.entrylog.official.LoginThrottle;
import org.entrylog.official.NoticeController;
import org.entrylog.official.OfficialController;
import org.entrylog.official.OfficialPrincipal;
import org.entrylog.official.PurposeController;
import org.entrylog.official.VenueListRule;
import org.entrylog.official.Passwords;
import org.entrylog.official.SecondFactors;
import org.entrylog.official.Sessions;
import org.entrylog.official.TotpSecrets;
import org.entrylog.official.TraceService;
import org.entrylog.pass.PassBundleController;
import org.entrylog.pass.PassBundles;
import org.entrylog.pass.CardCodec;
import org.entrylog.pass.CardController;
import org.entrylog.pass.Cards;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.PassController;
import org.entrylog.pass.QrRenderer;
import org.entrylog.pass.SigningKeys;
import org.entrylog.retention.PurgeLog;
import org.entrylog.retention.Purger;
import org.entrylog.retention.RetentionJob;
import org.entrylog.retention.RetentionPolicy;
import org.entrylog.scan.CardScans;
import org.entrylog.scan.ScanController;
import org.entrylog.scan.ScanService;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.FilePermissions;
import org.entrylog.store.WriteQueue;
import org.entrylog.transparency.TransparencyController;
import org.entrylog.venue.DeviceController;
import org.entrylog.venue.DevicePrincipal;
import org.entrylog.venue.DeviceSightings;
import org.entrylog.config.PublicUrl;
import org.entrylog.venue.VenueService;
import org.entrylog.visitor.AuthorityKey;
import org.entrylog.visitor.IdentitySealer;
import org.entrylog.visitor.PhoneHasher;
import org.entrylog.visitor.PhoneIndexMigration;
import org.entrylog.visitor.PhoneNumbers;
import org.entrylog.visitor.HistoryController;
import org.entrylog.visitor.VisitorController;
import org.entrylog.visitor.VisitorPrincipal;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.common.Json;
import org.entrylog.web.Limits;
import org.entrylog.web.Metrics;
import org.entrylog.web.AuthorityPage;
import org.entrylog.web.RateLimiter;
import org.entrylog.web.Tls;
import org.entrylog.transparency.Checkpoints;
import org.entrylog.transparency.Receipts;
import java.time.Duration;
import org.entrylog.transparency.SignedStatements;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.entrylog.web.WebServer;
import org.entrylog.web.WebServer.Role;
import org.entrylog.web.WebServer.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entrylog instance on one data folder: everything is built here with plain constructors, in
 * one place, and handed what it needs (docs/conventions.md §2). The server, the tests and the commands all
 * start from here.
 */
public final class Entrylog implements AutoCloseable {
    public static final String DEMO_VENUE_FILE = "demo-venue.json";
    private static final Logger LOG = LoggerFactory.getLogger(Entrylog.class);

    public final Config config;
    public final Clock clock;
    public final Database db;
    public final WriteQueue writes;
    public final SigningKeys keys;
    public final PassCodec passCodec;
    public final VisitorService visitors;
    public final VenueService venues;
    private final DeviceSightings sightings;
    public final ScanService scans;
    public final Cards cards;
    public final Metrics metrics;
    public final SignedStatements statements;
    public final Checkpoints checkpoints;
    private final ScheduledExecutorService jobs;
    public final PhoneNumbers phones;
    public final PhoneHasher phoneHasher;
    public final Sessions sessions;
    public final TraceService traces;
    public final Purger purger;
    public final Receipts receipts;
    /** Official requests refused without a live session, audited one burst per address. */
    public final AnonymousRefusals anonymousRefusals;
    private final Limits limits;
    private final RetentionJob retentionJob;
    private Javalin server;
    private Tls.Material tls;
    /** What the background check of a large file found wrong with it, or null (see {@link #checkLargeFile}). */
    private volatile String damaged;

    private Entrylog(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.db = Database.open(config.dataDir(), config.databaseUrl(), true);
        this.writes = new WriteQueue(db).start();
        this.keys = SigningKeys.openOrCreate(config.dataDir(), clock);
        this.passCodec = new PassCodec(keys, PassCodec.pseudonymKey(config.dataDir()));
        IdentitySealer sealer = new IdentitySealer(
                AuthorityKey.load(config.authorityPublicKey().orElse(null), config.dataDir()));
        this.phones = new PhoneNumbers(config.defaultCountry());
        this.phoneHasher = PhoneHasher.forDataDir(config.dataDir());
        this.visitors = new VisitorService(db, writes, sealer, phoneHasher, phones, clock);
        this.venues = new VenueService(db, clock);
        this.sightings = new DeviceSightings(writes, clock);
        // ---- printed cards (issue 13) ----
        this.cards = new Cards(db, writes, new CardCodec(keys, PassCodec.pseudonymKey(config.dataDir())), clock);
        CardScans cardScans = new CardScans(db, writes, cards, visitors, clock, config.offlineWindow(),
                config.cardRepeat(), new RateLimiter(config.limits().get("card"), clock, config.rateLimits()));
        // ---- end printed cards ----
        this.scans = new ScanService(writes, passCodec, visitors, clock, config.offlineWindow(), cardScans);
        this.metrics = new Metrics();
        writes.observe(metrics.writeTimers());
        metrics.gauge("entrylog.database.size", "Database file size including its write-ahead log", "bytes",
                db::sizeOnDisk);
        // passes this server signed are recognised byte for byte and skip the Ed25519 check (pass/IssuedPasses)
        metrics.gauge("entrylog.passes.remembered", "Passes this server signed and still remembers until they expire"
                + " (at most 131,072)", null, passCodec::remembered);
        metrics.counter("entrylog.passes.signature.checks", "Scanned passes checked by their signature: not one this"
                + " server remembers signing (offline bundles, another server's, from before a restart)",
                passCodec, PassCodec::signatureChecks);
        metrics.gauge("entrylog.oldest.entry.age", "Age of the oldest scan held", "seconds", () -> {
            Long oldest = ScanStore.oldest(db);
            return oldest == null ? null : (clock.millis() - oldest) / 1000.0;
        });
        // what is read of the tablets is indexed (migration 013): at 476,190 tablets, reading them all
        // made a scrape take 3 s (issue 18)
        metrics.gauge("entrylog.tablets.seen", "Tablets that sent scans in the last hour (a count, no ids)", "tablets",
                () -> db.read(c -> VenueService.scanningSince(c, clock.millis() - Duration.ofHours(1).toMillis())));
        // tablets' offline queues, by their latest reports (venue/DeviceSightings): counts and an age, no ids;
        // read once a scrape for both gauges
        AtomicReference<List<DeviceSightings.QueueReport>> queues = new AtomicReference<>();
        metrics.beforeScrape(() -> {
            try {
                queues.set(db.read(sightings::queuedReports));
            } catch (RuntimeException e) { // both gauges read NaN; the rest of the scrape stands
                queues.set(null);
                LOG.warn("metrics: the tablets' queue reports could not be read: {}", e.getMessage());
            }
        });
        metrics.gauge("entrylog.tablets.queued", "Scans queued offline on tablets not revoked, by their latest reports",
                "scans", () -> Optional.ofNullable(queues.get()).map(DeviceSightings::queued).orElse(null));
        metrics.gauge("entrylog.oldest.queued.scan.age", "Age of the oldest scan a tablet reports still queued offline"
                + " (0 when none)", "seconds",
                () -> Optional.ofNullable(queues.get()).map(q -> DeviceSightings.oldestAgeSeconds(q, clock.millis()))
                        .orElse(null));
        this.sessions = new Sessions(db, writes, new Passwords(), new LoginThrottle(clock, config.rateLimits(),
                db.isPostgres() ? new LoginThrottle.Shared(db, writes) : null), clock,
                new SecondFactors(db, TotpSecrets.forDataDir(config.dataDir())));
        this.traces = new TraceService(db);
        this.statements = new SignedStatements(keys);
        this.checkpoints = new Checkpoints(db, statements, clock, config.checkpointInterval());
        this.jobs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entrylog-jobs");
            t.setDaemon(true);
            return t;
        });
        this.purger = new Purger(db, Purger.queued(writes), RetentionPolicy.ofDays(config.retentionDays()), clock,
                Purger.RunBy.SERVER);
        this.receipts = new Receipts(db, statements);
        purger.auditRetention(Duration.ofDays(config.auditRetentionDays())).onClosed((id, r) -> {
            writes.execute(receipts::issueMissing);
            // a checkpoint right after each purge, so a copy kept outside vouches for the log as the purge left it
            writes.execute(checkpoints::take);
            metrics.purge(r.purgedScans(), r.purgedVisitors());
        });
        this.retentionJob = new RetentionJob(purger, clock);
        this.anonymousRefusals = new AnonymousRefusals(writes, sessions, clock);
        this.limits = Limits.from(config, clock);
    }

    /** Opens the data folder (creating keys and schema on first use). */
    public static Entrylog open(Config config, Clock clock) {
        return new Entrylog(config, clock);
    }

    /**
     * How the caller of each role is established, before any handler runs. Adding a role is a value
     * of {@link Role} and its authenticator here; the server refuses to start without it.
     */
    public Map<Role, Authenticator> authenticators() {
        Map<Role, Authenticator> m = new EnumMap<>(Role.class);
        m.put(Role.ANYONE, Authenticator.ANYONE);
        m.put(Role.VISITOR, VisitorPrincipal.authenticator(visitors));
        m.put(Role.DEVICE, DevicePrincipal.authenticator(venues, sightings));
        m.put(Role.OFFICIAL, OfficialPrincipal.authenticator(sessions, anonymousRefusals, limits.officialAnonymous(),
                limits.address()));
        m.put(Role.VENUE_OWNER, org.entrylog.owner.OwnerPrincipal.authenticator(sessions)); // issue 16
        return m;
    }

    /** Every route, with who may call it: the whole API in one list. */
    public List<Route> routes() {
        int max = config.maxBodyBytes();
        var passes = new PassController(visitors, passCodec, new QrRenderer(), keys, clock, config.tokenTtl(), limits, metrics);
        var bundles = new PassBundleController(visitors, new PassBundles(passCodec, new QrRenderer(), clock,
                config.offlinePassSlot(), config.offlinePassHorizon()),
                new RateLimiter(config.limits().get("bundle"), clock, config.rateLimits()));
        var visitorApi = new VisitorController(visitors, max, limits);
        var devices = new DeviceController(venues, writes, max, limits);
        var scanApi = new ScanController(scans, visitors, max, limits, metrics);
        var history = new HistoryController(db, writes, clock);
        var venueLists = new VenueListRule(db, clock);
        var cardApi = new CardController(visitors, cards, new QrRenderer(),
                new RateLimiter(config.limits().get("pass"), clock, config.rateLimits()));
        var officials = new OfficialController(sessions, traces, phones, phoneHasher, writes, clock,
                config.retentionDays(), max, limits.address(), venueLists);
        var purposes = new PurposeController(officials, venueLists, db, clock, max);
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/health", Role.ANYONE, ctx -> Http.json(ctx, damaged == null ? 200 : 503, health())));
        r.add(new Route("GET", "/metrics", Role.ANYONE, metrics::scrape));
        r.add(new Route("GET", "/openapi.json", Role.ANYONE, WebServer.resource("/openapi.json", "application/json")));
        r.add(new Route("GET", "/api/keys", Role.ANYONE, passes::keys));
        r.add(new Route("GET", "/api/transparency", Role.ANYONE, new TransparencyController(db, config)::get));
        r.add(new Route("GET", "/api/purges", Role.ANYONE,
                ctx -> Http.json(ctx, 200, Map.of("receipts", receipts.list(1000)))));
        r.add(new Route("GET", "/api/checkpoints", Role.ANYONE,
                ctx -> Http.json(ctx, 200, Map.of("checkpoints", checkpoints.list(checkpointLimit(ctx))))));
        r.add(new Route("POST", "/api/visitors", Role.ANYONE, visitorApi::register));
        r.add(new Route("POST", "/api/visitors/{visitorId}/passes", Role.VISITOR, passes::issue)
                .throttledBy(passes::throttle));
        r.add(new Route("POST", "/api/visitors/{visitorId}/pass-bundle", Role.VISITOR, bundles::issue)
                .throttledBy(bundles::throttle));
        r.add(new Route("GET", "/api/visitors/{visitorId}/history", Role.VISITOR, history::history));
        r.add(new Route("POST", "/api/visitors/{visitorId}/notices/{noticeId}/acknowledge", Role.VISITOR,
                history::acknowledge));
        // printed cards: a limit like the pass route's, before authentication, for the same reason (T31)
        r.add(new Route("POST", "/api/visitors/{visitorId}/cards", Role.VISITOR, cardApi::issue)
                .throttledBy(cardApi::throttle));
        r.add(new Route("DELETE", "/api/visitors/{visitorId}/cards/{cardId}", Role.VISITOR, cardApi::revoke));
        r.add(new Route("POST", "/api/devices", Role.ANYONE, devices::enroll));
        r.add(new Route("POST", "/api/scans", Role.DEVICE, scanApi::scan));
        r.add(new Route("POST", "/api/scans/batch", Role.DEVICE, scanApi::batch));
        r.add(new Route("POST", "/api/manual-entries", Role.DEVICE, scanApi::manual));
        // official endpoints: every request to them, allowed or refused, is audited (OfficialController,
        // and OfficialPrincipal's authenticator for those refused without a live session)
        r.add(new Route("POST", "/api/sessions", Role.ANYONE, officials::login));
        r.add(new Route("DELETE", "/api/sessions/current", Role.OFFICIAL, officials::logout));
        r.add(new Route("GET", "/api/sessions/current", Role.OFFICIAL, purposes::current));
        r.add(new Route("GET", "/api/venues/{venueId}/visits", Role.OFFICIAL, officials::venueVisits));
        r.add(new Route("POST", "/api/traces", Role.OFFICIAL, officials::trace));
        r.add(new Route("POST", "/api/approvals", Role.OFFICIAL, purposes::request));
        r.add(new Route("GET", "/api/approvals", Role.OFFICIAL, purposes::list));
        r.add(new Route("POST", "/api/approvals/{approvalId}/grant", Role.OFFICIAL, purposes::grant));
        r.add(new Route("POST", "/api/notices", Role.OFFICIAL, new NoticeController(officials, db, clock, max)::send));
        // venue owners and live occupancy (issue 16): counts only, never a visitor
        var occupancy = new org.entrylog.occupancy.Occupancy(db, clock);
        var owners = new org.entrylog.owner.OwnerController(db, writes, sessions, occupancy, clock, new QrRenderer(),
                config::publicUrl);
        r.add(new Route("GET", "/api/venues/{venueId}/occupancy", java.util.EnumSet.of(Role.DEVICE, Role.VENUE_OWNER),
                new org.entrylog.occupancy.OccupancyController(db, occupancy)::get));
        r.add(new Route("GET", "/api/owner/venues", Role.VENUE_OWNER, owners::venues));
        r.add(new Route("GET", "/api/owner/venues/{venueId}/poster", Role.VENUE_OWNER, owners::poster));
        r.add(new Route("DELETE", "/api/owner/sessions/current", Role.VENUE_OWNER, owners::logout));
        // an owner's tablets: list, label and area, revoke, a new enrollment code; audited (owner/TabletController)
        var tablets = new org.entrylog.owner.TabletController(db, writes, sessions, sightings, clock, new QrRenderer(),
                config.dataDir(), config::publicUrl, max);
        r.add(new Route("GET", "/api/owner/venues/{venueId}/devices", Role.VENUE_OWNER, tablets::list));
        r.add(new Route("POST", "/api/owner/venues/{venueId}/devices/{deviceId}", Role.VENUE_OWNER, tablets::edit));
        r.add(new Route("POST", "/api/owner/venues/{venueId}/devices/{deviceId}/revoke", Role.VENUE_OWNER,
                tablets::revoke));
        r.add(new Route("POST", "/api/owner/venues/{venueId}/enrollment-code", Role.VENUE_OWNER, tablets::newCode));
        for (String page : new String[] {"pass", "card", "scan", "console", "transparency", "venue"}) {
            r.add(new Route("GET", "/" + page, Role.ANYONE, WebServer.page(page + ".html")));
        }
        r.add(new Route("GET", "/", Role.ANYONE, WebServer.page("index.html")));
        r.addAll(AuthorityPage.routes(this::tls)); // /ca and /ca.crt: the local authority tablets install
        // at the root so its scope covers /scan and /pass (a worker's scope is its own folder)
        r.add(new Route("GET", "/sw.js", Role.ANYONE, WebServer.bundled("sw.js", "text/javascript; charset=utf-8")));
        return r;
    }

    /** {@code ?limit=N} of {@code /api/checkpoints}: 1–1000, default 1000 (the transparency page asks for the newest few). */
    private static int checkpointLimit(io.javalin.http.Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw org.entrylog.common.ApiException.badRequest("'limit' must be a whole number from 1 to 1000.");
    }

    /**
     * The whole-file {@code quick_check} of a file too large to check before starting
     * ({@link Database#START_CHECK_MAX_BYTES}), run once in the background: when it finds damage,
     * every write is refused from then on (503), {@code /health} answers 503 {@code "damaged"} and the
     * log says so (docs/threat-model.md T25: read-only with an alarm).
     */
    private void checkLargeFile() {
        long t0 = System.nanoTime();
        LOG.info("checking the whole database file in the background (too large to check before starting)");
        String problem = db.checkWholeFile();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        if (problem == null) {
            LOG.info("database file checked in the background: ok ({} s)", seconds);
            return;
        }
        damaged = problem;
        writes.halt("The database file is damaged; nothing more is written. The operator must restore a backup.");
        LOG.error("The database file {} is DAMAGED ({}), found by the background check after {} s. Writes are refused "
                + "from now on; stop the server and restore a backup.", db.file(), problem, seconds);
    }

    /**
     * {@code /health}: {@code "status":"ok"} plus what proves retention to an operator — the
     * retention period, the newest purge (counts and instants only) and the oldest entry held.
     */
    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", damaged == null ? "ok" : "damaged");
        if (damaged != null) {
            m.put("error", "The database file is damaged; writes are refused. Stop the server and restore a backup.");
        }
        m.put("retentionDays", config.retentionDays());
        PurgeLog.Status purges = db.read(PurgeLog::status);
        m.put("purges", purges.purges());
        m.put("lastPurge", purges.lastPurge());
        m.put("oldestEntry", purges.oldestEntry());
        Instant checked = retentionJob.lastRun();
        m.put("retentionCheckedAt", checked == null ? null : checked.toString());
        return m;
    }

    /**
     * Starts the HTTP server on the configured port (0 picks a free one) and returns the port, and
     * the retention job, whose first purge runs at once (a restored old backup is purged at start).
     */
    public int start() {
        if (db.wholeFileCheckDeferred()) {
            Thread check = new Thread(this::checkLargeFile, "entrylog-file-check");
            check.setDaemon(true);
            check.setPriority(Thread.MIN_PRIORITY);
            check.start();
        }
        writes.execute(receipts::issueMissing); // a purge whose process died before its receipt gets one now
        new PhoneIndexMigration(db, writes, phoneHasher).run(); // issue 14: HMAC rows to Argon2id, before any trace
        // asks every minute (one indexed read) so a checkpoint follows within a minute of falling due
        jobs.scheduleWithFixedDelay(this::checkpointIfDue, 0, 1, TimeUnit.MINUTES);
        jobs.scheduleWithFixedDelay(anonymousRefusals::closeDue, 1, 1, TimeUnit.MINUTES);
        tls = config.tlsCert().isPresent() ? Tls.fromPem(config.tlsCert().get(), config.tlsKey().orElseThrow())
                : "self-signed".equals(config.tls()) ? Tls.selfSigned(config.dataDir(), config.publicUrl(config.port())) : null;
        server = WebServer.create(routes(), authenticators(), config.port(), tls, metrics, limits.address(),
                config.rateLimits(), cfg -> { });
        server.start();
        // commands run beside this server print links to its real port (docs/design.md §3)
        PublicUrl.publish(config.dataDir(), config.publicUrl(server.port()));
        retentionJob.start();
        return server.port();
    }

    /**
     * Takes signed checkpoints of both logs when the newest is {@code ENTRYLOG_CHECKPOINT_MINUTES}
     * old (by the injected clock); decided again on the writer, so it is never taken twice.
     */
    public void checkpointIfDue() {
        try {
            if (checkpoints.due() && writes.execute(checkpoints::takeIfDue)) {
                LOG.info("signed checkpoints of the scan and audit logs taken");
            }
        } catch (RuntimeException e) {
            LOG.warn("checkpoint failed, will retry within a minute: {}", e.getMessage());
        }
    }

    /** The TLS certificate in use, or null for plain HTTP. */
    public Tls.Material tls() {
        return tls;
    }

    /** The scheduled purge (for tests and status). */
    public RetentionJob retentionJob() {
        return retentionJob;
    }

    /** The demo venue of a fresh data folder: made once, its code kept (owner-only) so it can be shown again. */
    public Map<String, Object> ensureDemoVenue(int port) {
        Path file = config.dataDir().resolve(DEMO_VENUE_FILE);
        try {
            if (!Files.exists(file)) {
                long venues = db.read(VenueService::count);
                if (venues > 0) {
                    return null;
                }
                var v = this.venues.add("Demo venue", null);
                FilePermissions.writeOwnerOnly(file, Json.write(Map.of("venueId", v.venueId(), "name", "Demo venue",
                        "enrollmentCode", v.enrollmentCode())).getBytes(StandardCharsets.UTF_8));
                LOG.info("created a demo venue; its enrollment code is in {}", file);
            }
            var demo = Json.MAPPER.readTree(file.toFile());
            String code = demo.path("enrollmentCode").asText();
            return Json.obj("venueId", demo.path("venueId").asText(), "name", demo.path("name").asText(),
                    "enrollmentCode", code, "enrollmentUrl", config.publicUrl(port) + "/scan?enroll=" + code,
                    "file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes the data folder's server lock, so two servers never write one log with two chain heads.
     * Commands do not take it: they work beside a running server through SQLite's own locking.
     */
    public static FileLock lockServer(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FilePermissions.ownerOnly(dataDir);
            FileChannel ch = FileChannel.open(dataDir.resolve("server.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("Another entrylog server is already running on " + dataDir);
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Javalin server() {
        return server;
    }

    /** Stops taking requests, writes what was acknowledged-pending, and closes the database. */
    @Override
    public void close() {
        jobs.shutdownNow();
        if (server != null) {
            server.stop();
            PublicUrl.withdraw(config.dataDir());
        }
        retentionJob.close(); // before the write queue: a running purge closes its record through it
        anonymousRefusals.closeAll(); // the counts of open bursts, so no refusal goes unrecorded
        writes.close();
        db.close();
        metrics.close();
    }
}
