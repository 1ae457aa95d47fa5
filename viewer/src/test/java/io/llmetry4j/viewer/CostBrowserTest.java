package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.viewer.testing.BrowserSession;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Priced calls (#24): each trace's cost in the list, a conversation's total, a call's cost in the
 * waterfall and its details, and an agent's or workflow's sum.
 */
class CostBrowserTest {

  @Test
  void the_list_shows_each_trace_cost_the_conversation_total_and_each_calls_cost()
      throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().start();
        SdkTracerProvider tracerProvider =
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(viewer.spanExporter()))
                .build();
        BrowserSession browser = BrowserSession.start()) {
      Tracer tracer = tracerProvider.get("cost-test");
      trace(tracer, "conv-1", 0.25);
      trace(tracer, "conv-1", 0.5);
      trace(tracer, "conv-2", null);

      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(20));
      driver.get(viewer.url());
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 3));
      List<String> costs =
          driver.findElements(By.cssSelector(".trace-row .cost")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(costs).containsExactly("", "0.5000 USD", "0.2500 USD");

      driver.findElement(By.id("filter-conversation")).sendKeys("conv-1");
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 2));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("trace-count"), "2 traces · 0.7500 USD"));

      // A call's own cost in the waterfall and its details; the workflow's is the sum under it.
      driver.findElements(By.cssSelector(".trace-row")).get(0).click();
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".span-row"), 2));
      List<WebElement> rows = driver.findElements(By.cssSelector(".span-row"));
      assertThat(rows.get(0).findElement(By.cssSelector(".span-info")).getText())
          .isEqualTo("Σ 0.5000 USD");
      assertThat(rows.get(1).findElement(By.cssSelector(".span-info")).getText())
          .isEqualTo("gpt-4o-mini · 0.5000 USD");
      rows.get(1).click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .span-cost")));
      assertThat(driver.findElement(By.cssSelector("#detail .span-cost")).getText())
          .isEqualTo("Cost\n0.5000 USD");
      rows = driver.findElements(By.cssSelector(".span-row"));
      rows.get(0).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.cssSelector("#detail .span-cost"), "Cost of its calls"));
      assertThat(driver.findElement(By.cssSelector("#detail .span-cost")).getText())
          .isEqualTo("Cost of its calls\n0.5000 USD");
    }
  }

  private static void trace(Tracer tracer, String conversation, Double cost) {
    Span workflow =
        tracer
            .spanBuilder("invoke_workflow answer")
            .setAttribute("gen_ai.conversation.id", conversation)
            .startSpan();
    try (Scope ignored = workflow.makeCurrent()) {
      var chat =
          tracer
              .spanBuilder("chat gpt-4o-mini")
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.request.model", "gpt-4o-mini");
      if (cost != null) {
        chat.setAttribute("llmetry4j.usage.cost", cost)
            .setAttribute("llmetry4j.usage.cost.currency", "USD");
      }
      chat.startSpan().end();
    }
    if (cost != null) {
      // As llmetry4j sums the calls under a workflow.
      workflow
          .setAttribute("llmetry4j.usage.cost", cost)
          .setAttribute("llmetry4j.usage.cost.currency", "USD");
    }
    workflow.end();
  }
}
