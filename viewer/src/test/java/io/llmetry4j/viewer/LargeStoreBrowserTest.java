package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.viewer.testing.BrowserSession;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * 10,000 traces in the list and a trace of 2,000 spans: the page holds a bounded number of rows
 * (paged list, windowed waterfall), whatever the store holds.
 */
class LargeStoreBrowserTest {

  @Test
  void ten_thousand_traces_and_a_two_thousand_span_trace_stay_paged_and_windowed()
      throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().maxTraces(20_000).start();
        BrowserSession browser = BrowserSession.start()) {
      String bigTraceId;
      try (SdkTracerProvider tracerProvider =
          SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(viewer.spanExporter()))
              .build()) {
        Tracer tracer = tracerProvider.get("large-test");
        Span big = tracer.spanBuilder("invoke_workflow big").startSpan();
        try (Scope ignored = big.makeCurrent()) {
          for (int i = 0; i < 1_999; i++) {
            tracer
                .spanBuilder("chat step-" + i)
                .setAttribute("gen_ai.operation.name", "chat")
                .startSpan()
                .end();
          }
        }
        big.end();
        bigTraceId = big.getSpanContext().getTraceId();
        for (int i = 0; i < 10_000; i++) {
          tracer.spanBuilder("invoke_workflow small-" + i).startSpan().end();
        }
      }

      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(30));
      driver.get(viewer.url());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("trace-count"), "10001"));
      int rows = driver.findElements(By.cssSelector(".trace-row")).size();
      assertThat(rows).isBetween(1, 500);
      assertThat(driver.findElement(By.cssSelector(".trace-row .root-name")).getText())
          .isEqualTo("invoke_workflow small-9999");

      driver.get(viewer.url() + "#/trace/" + bigTraceId);
      wait.until(
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("#waterfall .span-row")));
      long inDom = driver.findElements(By.cssSelector("#waterfall .span-row")).size();
      assertThat(inDom).as("rows in the DOM of a 2,000-span trace").isBetween(10L, 300L);
      // Scrolled to the end, the last span is there: windowed, not cut.
      ((JavascriptExecutor) driver)
          .executeScript("document.getElementById('waterfall').scrollTop = 1e9;");
      wait.until(
          d ->
              d.findElements(By.cssSelector("#waterfall .span-name")).stream()
                  .anyMatch(name -> name.getText().equals("chat step-1998")));
      assertThat(driver.findElements(By.cssSelector("#waterfall .span-row")).size())
          .isLessThanOrEqualTo(300);
    }
  }
}
