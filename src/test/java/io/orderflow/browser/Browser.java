package io.orderflow.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through the system's chromedriver. Nothing is downloaded: the driver and the
 * browser are given by path, so Selenium Manager has nothing to look up. A machine without them fails the
 * tests with a message saying what to install; it does not skip them.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of(System.getProperty("orderflow.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("orderflow.chromium", "/usr/bin/chromium"));
    static final Dimension LAPTOP = new Dimension(1280, 900);
    /** Screenshots stop here (CSS pixels): enough for the states they show, small enough for the docs. */
    static final long MAX_HEIGHT = 2400;

    /** Selenium warns that it has no CDP bindings for this Chromium; raw CDP commands (all we use) need none. */
    private static final List<Logger> CDP_LOGS =
            List.of(Logger.getLogger("org.openqa.selenium.devtools"), Logger.getLogger("org.openqa.selenium.chromium"));

    /**
     * Runs in every page before its own scripts (added through DevTools, so the page's Content-Security-Policy
     * does not apply to it): records what that policy blocked, so the tests can tell the pages keep to it.
     */
    private static final String CSP_RECORDER = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push("
            + "e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '') + ':' + e.lineNumber));";

    final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    static Browser start() throws IOException {
        requireExecutable(CHROMEDRIVER, "chromedriver");
        requireExecutable(CHROMIUM, "Chromium");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        CDP_LOGS.forEach(log -> log.setLevel(Level.SEVERE));
        Path profile = Files.createTempDirectory("orderflow-chromium");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(profile.toFile(), "chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--lang=en-US",
                "--window-size=" + LAPTOP.getWidth() + "," + LAPTOP.getHeight(),
                "--user-data-dir=" + profile.resolve("profile"));
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_RECORDER));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.manage().window().setSize(LAPTOP);
        return new Browser(driver, profile, screenshotDirectory());
    }

    private static void requireExecutable(Path path, String what) {
        if (!Files.isExecutable(path)) {
            fail(what + " not found at " + path + ". The browser tests need Chromium and its driver: "
                    + "apt-get update && apt-get install -y chromium chromium-driver "
                    + "(or point -Dorderflow.chromium / -Dorderflow.chromedriver at them).");
        }
    }

    /** Where screenshots go: ORDERFLOW_SCREENSHOTS or -Dorderflow.screenshots; none when neither is set. */
    private static Path screenshotDirectory() {
        String dir = System.getProperty("orderflow.screenshots", System.getenv("ORDERFLOW_SCREENSHOTS"));
        return dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath();
    }

    boolean takesScreenshots() {
        return screenshots != null;
    }

    /** What the page's Content-Security-Policy refused since it loaded (empty when it keeps to its policy). */
    @SuppressWarnings("unchecked")
    List<String> cspViolations() {
        Object violations = driver.executeScript("return window.__cspViolations || []");
        return (List<String>) violations;
    }

    /**
     * Saves the whole page, top to bottom, as {@code name}.png when screenshots were asked for. Animations are
     * stopped for the capture (the page honours prefers-reduced-motion) so a highlight that is fading does not
     * end up in the picture; a style element would do it too, but the page's policy refuses inline styles.
     */
    void screenshot(String name) {
        if (screenshots == null) {
            return;
        }
        driver.executeScript("window.scrollTo(0, 0); if (document.activeElement) document.activeElement.blur();");
        driver.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
        try {
            long width = ((Number) driver.executeScript("return document.documentElement.clientWidth")).longValue();
            long height = ((Number) driver.executeScript(
                            "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"))
                    .longValue();
            Map<String, Object> capture = Map.of(
                    "format",
                    "png",
                    "captureBeyondViewport",
                    true,
                    "clip",
                    Map.of("x", 0, "y", 0, "width", width, "height", Math.min(height, MAX_HEIGHT), "scale", 1));
            Object data =
                    driver.executeCdpCommand("Page.captureScreenshot", capture).get("data");
            save(name, Base64.getDecoder().decode((String) data));
        } finally {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    /** Renders the page as a phone about 390 CSS pixels wide (2x pixels, touch, mobile viewport). */
    void emulatePhone() {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
    }

    void emulateLaptop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    private void save(String name, byte[] png) {
        try {
            Files.createDirectories(screenshots);
            Files.write(screenshots.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
