package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.viewer.testing.BrowserSession;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real OpenLLMetry export (OpenLLMetry-JS 0.27.0, recorded: see {@code
 * src/test/resources/openllmetry/README.md}), posted to the standalone receiver as the SDK sent it:
 * five OTLP/HTTP protobuf requests of one span each, children first.
 */
class OpenLlmetryExportTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void the_recorded_openllmetry_trace_is_one_trace_with_its_models_tokens_and_conversation()
      throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().otlpReceiver(true).start();
        BrowserSession browser = BrowserSession.start()) {
      for (int i = 1; i <= 5; i++) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(viewer.url() + "v1/traces"))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(recorded(i)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
      assertThat(viewer.receivedSpans()).isEqualTo(5);
      String list =
          http.send(
                  HttpRequest.newBuilder(URI.create(viewer.url() + "api/traces")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(list)
          .contains("\"total\":1")
          .contains("\"traceId\":\"2769a963acc6e529f9d16ee449b29639\"")
          .contains("\"rootName\":\"answer_question.workflow\"")
          .contains("\"service\":\"openllmetry-js-recording\"")
          .contains("\"spanCount\":5")
          .contains("\"models\":[\"gpt-4o-mini-2024-07-18\"]")
          .contains("\"inputTokens\":203")
          .contains("\"outputTokens\":30")
          .contains("\"agents\":[\"weather_agent\"]");

      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(20));
      driver.get(viewer.url());
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 1));
      driver.findElement(By.cssSelector(".trace-row")).click();
      wait.until(
          ExpectedConditions.numberOfElementsToBe(By.cssSelector("#waterfall .span-row"), 5));
      List<String> waterfall =
          driver.findElements(By.cssSelector("#waterfall .span-row")).stream()
              .map(
                  row ->
                      row.getAttribute("data-depth")
                          + " "
                          + row.findElement(By.cssSelector(".span-name")).getText())
              .toList();
      assertThat(waterfall)
          .containsExactly(
              "0 answer_question.workflow",
              "1 weather_agent.agent",
              "2 chat gpt-4o-mini",
              "2 get_weather.tool",
              "2 chat gpt-4o-mini");

      driver.findElements(By.cssSelector("#waterfall .span-row")).get(2).click();
      WebElement conversation =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector("#detail .genai-chat .conversation")));
      assertThat(conversation.findElements(By.cssSelector(".message")))
          .extracting(message -> message.getAttribute("data-role"))
          .contains("system", "user", "assistant");
      assertThat(conversation.findElement(By.cssSelector(".tool-call")).getText())
          .contains("get_weather")
          .contains("Paris");

      driver.findElements(By.cssSelector("#waterfall .span-row")).get(3).click();
      WebElement tool =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .genai-tool")));
      assertThat(tool.getText()).contains("get_weather").contains("Paris");
      assertThat(browser.requestedUrls())
          .allSatisfy(url -> assertThat(url).startsWith(viewer.url()));
    }
  }

  private static byte[] recorded(int i) throws Exception {
    try (InputStream in =
        OpenLlmetryExportTest.class.getResourceAsStream(
            "/openllmetry/openllmetry-js-workflow-" + i + ".otlp.pb")) {
      return in.readAllBytes();
    }
  }
}
