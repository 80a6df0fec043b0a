package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's packages, driven through Debian's chromedriver. Both paths
 * are given explicitly, so Selenium never looks for (or downloads) a browser or driver.
 *
 * <p>Every page gets two small probes before its own scripts run (through DevTools, which the
 * page's CSP does not govern): {@code window.__csp} collects {@code securitypolicyviolation}
 * events and {@code window.__alerts} collects {@code alert()} calls instead of showing them, so
 * a test can assert that injected markup never ran.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of(System.getProperty("entrylog.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("entrylog.chromedriver", "/usr/bin/chromedriver"));

    private static final String PROBES = """
            window.__csp = [];
            window.__alerts = [];
            document.addEventListener('securitypolicyviolation',
                (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
            window.alert = (m) => { window.__alerts.push(String(m)); };
            """;

    /**
     * Selenium looks for a DevTools binding matching this Chromium and warns when it has none;
     * these tests speak DevTools through chromedriver's own endpoint and need none. (Held in a
     * field: java.util.logging keeps loggers weakly.)
     */
    private static final java.util.logging.Logger DEVTOOLS_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
    }

    public final ChromeDriver driver;
    private final ChromeDriverService service;

    private Browser(ChromeDriver driver, ChromeDriverService service) {
        this.driver = driver;
        this.service = service;
    }

    /**
     * Starts Chromium with a fresh profile in {@code profileDir}. With {@code fakeVideo} (a Y4M
     * file) the page's camera is that video, and camera permission is granted without a prompt.
     * Without Chromium, a CI run fails (a browser test that silently skips proves nothing); a
     * developer's run without it is skipped with a message saying what to install.
     */
    public static Browser launch(Path profileDir, Path fakeVideo) {
        return launch(profileDir, fakeVideo, Map.of(), null);
    }

    /**
     * The same with extra environment for Chromium: {@code HOME} names where it finds its NSS
     * certificate database ({@code ~/.pki/nssdb}), so a test can give it a trust store of its own.
     */
    public static Browser launch(Path profileDir, Path fakeVideo, Map<String, String> env) {
        return launch(profileDir, fakeVideo, env, null);
    }

    /**
     * As {@link #launch(Path, Path)}; with {@code netLog}, Chromium writes every request of the
     * browser (pages and their workers alike) to that file, read by {@link #requestedUrls} once
     * the browser is closed.
     */
    public static Browser launch(Path profileDir, Path fakeVideo, Path netLog) {
        return launch(profileDir, fakeVideo, Map.of(), netLog);
    }

    private static Browser launch(Path profileDir, Path fakeVideo, Map<String, String> env, Path netLog) {
        requireChromium();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=en-US", "--accept-lang=en-US", "--window-size=1024,768",
                "--user-data-dir=" + profileDir.toAbsolutePath());
        if (fakeVideo != null) {
            o.addArguments("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    "--use-file-for-fake-video-capture=" + fakeVideo.toAbsolutePath());
        }
        if (netLog != null) {
            o.addArguments("--log-net-log=" + netLog.toAbsolutePath());
        }
        o.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        o.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(env)
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBES));
        return new Browser(driver, service);
    }

    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (present) {
            return;
        }
        String what = "headless Chromium and its driver are needed for the browser tests: "
                + "apt-get install chromium chromium-driver (looked for " + CHROMIUM + " and " + CHROMEDRIVER + ")";
        if (System.getenv("CI") != null) {
            fail(what);
        }
        Assumptions.abort(what);
    }

    public void open(String url) {
        driver.get(url);
        waitUntil("page script ran on " + url, Duration.ofSeconds(10),
                () -> "true".equals(js("return document.body && document.body.dataset.ready")));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    public WebElement el(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public String text(String css) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
    }

    public String attr(String css, String name) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    public boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    public void type(String css, String value) {
        WebElement e = el(css);
        e.clear();
        e.sendKeys(value);
    }

    /** Waits for a condition, failing with {@code what} and the page's state when it never holds. */
    public void waitUntil(String what, Duration timeout, Supplier<Boolean> condition) {
        try {
            new WebDriverWait(driver, timeout, Duration.ofMillis(50)).ignoring(RuntimeException.class)
                    .until(d -> Boolean.TRUE.equals(condition.get()));
        } catch (TimeoutException e) {
            fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + diagnostics());
        }
    }

    /** Waits for an element matching {@code css} to exist (hidden or not). */
    public void waitFor(String css, Duration timeout) {
        waitUntil(css, timeout, () -> present(css));
    }

    /** Violations of the page's Content-Security-Policy seen by the probe since the page loaded. */
    @SuppressWarnings("unchecked")
    public List<String> cspViolations() {
        Object v = js("return window.__csp || [];");
        return new ArrayList<>((List<String>) v);
    }

    @SuppressWarnings("unchecked")
    public List<String> alerts() {
        Object v = js("return window.__alerts || [];");
        return new ArrayList<>((List<String>) v);
    }

    /** The browser console since the last call (errors, warnings, CSP reports), one line each. */
    public List<String> consoleLog() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            out.add(e.getLevel() + " " + e.getMessage());
        }
        return out;
    }

    /**
     * The URLs that pages of {@code origin}, and their workers, asked for, from a net log written
     * by a closed browser (see {@link #launch(Path, Path, Path)}). Chromium's own requests (its
     * updater, sign-in) have no page as their initiator and are left out.
     */
    public static java.util.Set<String> requestedUrls(Path netLog, String origin) {
        try {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (var event : org.entrylog.common.Json.MAPPER.readTree(netLog.toFile()).path("events")) {
                var p = event.path("params");
                if (p.has("url") && p.path("initiator").asText("").equals(origin)) {
                    out.add(p.path("url").asText());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the viewport as a phone ({@code mobile}) or a tablet/desktop would have it, 1 CSS px per pixel. */
    public void viewport(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    /** Cuts the page off from the network (navigator.onLine becomes false), or brings it back. */
    public void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
                "offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    private String diagnostics() {
        try {
            return "url: " + driver.getCurrentUrl() + "\nconsole: " + consoleLog()
                    + "\nbody: " + js("return document.body ? document.body.innerText.slice(0, 1500) : ''");
        } catch (RuntimeException e) {
            return "(no page state: " + e.getMessage() + ")";
        }
    }

    public static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
