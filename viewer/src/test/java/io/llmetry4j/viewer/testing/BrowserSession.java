package io.llmetry4j.viewer.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, for the viewer's browser tests: Debian's {@code chromium}
 * and {@code chromedriver} (installed by {@code .ci/run}), given by path so that Selenium Manager
 * never runs (it would download a browser or report statistics). Without them the test is skipped,
 * except under CI, where it fails. Chromium's own background traffic (updates, sync, safe browsing)
 * is switched off; the page's requests are read from the DevTools network log.
 */
public final class BrowserSession implements AutoCloseable {

  private static final Path CHROMIUM = Path.of(env("LLMETRY4J_CHROMIUM", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(env("LLMETRY4J_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Pattern REQUESTED_URL =
      Pattern.compile(
          "\"method\":\"Network.requestWillBeSent\".*?\"request\":\\{.*?\"url\":\"([^\"]*)\"");

  private final ChromeDriver driver;
  private final List<String> requestedUrls = new ArrayList<>();
  private final List<String> consoleMessages = new ArrayList<>();

  private BrowserSession(ChromeDriver driver) {
    this.driver = driver;
  }

  /** A new headless browser; skips the test (fails under CI) when Chromium is not installed. */
  public static BrowserSession start() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(
            "CI runs the browser tests: install chromium and chromium-driver (.ci/run does)");
      }
      Assumptions.abort(
          "no chromium and chromedriver here (Debian: apt-get install chromium chromium-driver)");
    }
    // Selenium traces its own WebDriver calls with an OpenTelemetry SDK of its own unless told not
    // to: the tests' spans are the application's, never Selenium's.
    System.setProperty("webdriver.remote.enableTracing", "false");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--metrics-recording-only",
        "--safebrowsing-disable-auto-update");
    if ("root".equals(System.getProperty("user.name"))) {
      // Chromium refuses to run as root with its sandbox.
      options.addArguments("--no-sandbox");
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new BrowserSession(new ChromeDriver(service, options));
  }

  public WebDriver driver() {
    return driver;
  }

  public WebDriverWait waitUpTo(Duration timeout) {
    return new WebDriverWait(driver, timeout);
  }

  /** Every URL the page requested since the session began (from the DevTools network log). */
  public List<String> requestedUrls() {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      Matcher matcher = REQUESTED_URL.matcher(entry.getMessage());
      if (matcher.find()) {
        requestedUrls.add(matcher.group(1));
      }
    }
    return List.copyOf(requestedUrls);
  }

  /** The console's messages since the session began (errors, CSP violations among them). */
  public List<String> consoleMessages() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      consoleMessages.add(entry.getLevel() + " " + entry.getMessage());
    }
    return List.copyOf(consoleMessages);
  }

  /** A PNG of the window. */
  public void screenshot(Path file) throws IOException {
    File taken = driver.getScreenshotAs(OutputType.FILE);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.copy(taken.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
