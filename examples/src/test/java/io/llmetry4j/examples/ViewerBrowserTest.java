package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.viewer.testing.BrowserSession;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo with the viewer on ({@code --viewer}), looked at in real headless Chromium: the RAG
 * request in the list, its waterfall, the conversation of its chat call, live updates and filters.
 */
class ViewerBrowserTest {

  /** The demo's trace, depth-first as the waterfall lists it: name and depth. */
  static final List<String> EXPECTED_WATERFALL =
      List.of(
          "0 invoke_workflow answer-question",
          "1 invoke_agent Assistant",
          "2 retrieval_augmentation",
          "3 transform_query",
          "3 route_query",
          "3 retrieval docs",
          "4 embeddings all-minilm-l6-v2",
          "4 search docs",
          "3 aggregate_content",
          "3 inject_content",
          "2 chat llmetry4j-stand-in",
          "2 execute_tool glossary",
          "2 chat llmetry4j-stand-in");

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void the_demo_request_appears_with_its_waterfall_conversation_live_updates_and_filters()
      throws Exception {
    try (BrowserSession browser = BrowserSession.start()) {
      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(20));
      RagDemo.run(
          new String[] {"--viewer", "--capture-content"},
          quiet(),
          (viewerUrl, ask) -> {
            driver.get(viewerUrl);
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 1));
            WebElement row = driver.findElement(By.cssSelector(".trace-row"));
            assertThat(row.findElement(By.cssSelector(".root-name")).getText())
                .isEqualTo("invoke_workflow answer-question");
            assertThat(row.findElement(By.cssSelector(".models")).getText())
                .contains("llmetry4j-stand-in");
            assertThat(row.findElement(By.cssSelector(".errors")).getText()).isEqualTo("0");

            row.click();
            wait.until(
                ExpectedConditions.numberOfElementsToBe(
                    By.cssSelector("#waterfall .span-row"), EXPECTED_WATERFALL.size()));
            assertThat(waterfall(driver)).isEqualTo(EXPECTED_WATERFALL);
            browser.screenshot(SCREENSHOTS.resolve("viewer-trace.png"));

            // The first chat call: the conversation as the model saw it.
            spanRow(driver, "chat llmetry4j-stand-in").click();
            wait.until(
                ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#detail .genai-chat .conversation .message")));
            List<WebElement> messages =
                driver.findElements(By.cssSelector("#detail .conversation .message"));
            assertThat(messages)
                .extracting(message -> message.getAttribute("data-role"))
                .contains("user", "assistant");
            assertThat(driver.findElement(By.cssSelector("#detail .conversation")).getText())
                .contains(RagDemo.DEFAULT_QUESTION);
            assertThat(driver.findElements(By.cssSelector("#detail .tool-call"))).isNotEmpty();
            assertThat(driver.findElements(By.cssSelector("#detail .capture-off"))).isEmpty();
            browser.screenshot(SCREENSHOTS.resolve("viewer-conversation.png"));

            // Live update: a second request shows up in the open list without a reload.
            driver.findElement(By.id("nav-traces")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 1));
            ((JavascriptExecutor) driver).executeScript("window.__notReloaded = true;");
            ask.answer("What is baggage?");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 2));
            assertThat(((JavascriptExecutor) driver).executeScript("return window.__notReloaded"))
                .isEqualTo(true);

            // Filters.
            filter(driver, "filter-model", "llmetry4j-stand-in");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 2));
            filter(driver, "filter-q", "no-such-trace");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 0));
            assertThat(driver.findElement(By.id("empty")).isDisplayed()).isTrue();
            filter(driver, "filter-q", "");
            filter(driver, "filter-model", "");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 2));
            driver.findElement(By.id("filter-errors")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 0));
            driver.findElement(By.id("filter-errors")).click();
            filter(driver, "filter-name", "Assistant");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 2));
            assertThat(driver.findElement(By.id("trace-count")).getText()).contains("2");

            // While the viewer still runs: once the demo stops it, the page's next poll fails.
            assertThat(browser.requestedUrls())
                .isNotEmpty()
                .allSatisfy(url -> assertThat(url).startsWith(viewerUrl));
            assertThat(browser.consoleMessages()).noneMatch(m -> m.startsWith("SEVERE"));
          });
    }
  }

  @Test
  void with_content_capture_off_the_chat_call_says_so_and_how_to_turn_it_on() throws Exception {
    try (BrowserSession browser = BrowserSession.start()) {
      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(20));
      RagDemo.run(
          new String[] {"--viewer"},
          quiet(),
          (viewerUrl, ask) -> {
            driver.get(viewerUrl);
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 1));
            driver.findElement(By.cssSelector(".trace-row")).click();
            wait.until(
                ExpectedConditions.numberOfElementsToBe(
                    By.cssSelector("#waterfall .span-row"), EXPECTED_WATERFALL.size()));
            spanRow(driver, "chat llmetry4j-stand-in").click();
            WebElement notice =
                wait.until(
                    ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#detail .capture-off")));
            assertThat(notice.getText())
                .contains("Content capture is off")
                .contains("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true");
            assertThat(driver.findElements(By.cssSelector("#detail .conversation .message")))
                .isEmpty();
            assertThat(driver.findElement(By.id("detail")).getText())
                .doesNotContain(RagDemo.DEFAULT_QUESTION);
          });
    }
  }

  private static List<String> waterfall(WebDriver driver) {
    return driver.findElements(By.cssSelector("#waterfall .span-row")).stream()
        .map(
            row ->
                row.getAttribute("data-depth")
                    + " "
                    + row.findElement(By.cssSelector(".span-name")).getText())
        .toList();
  }

  private static WebElement spanRow(WebDriver driver, String name) {
    return driver.findElements(By.cssSelector("#waterfall .span-row")).stream()
        .filter(row -> row.findElement(By.cssSelector(".span-name")).getText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static void filter(WebDriver driver, String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    if (!value.isEmpty()) {
      input.sendKeys(value);
    } else {
      // clear() sends no input event: type and delete one character so the page refetches.
      input.sendKeys(" ");
      input.sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
    }
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
