package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.viewer.testing.BrowserSession;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Prompts, answers, tool arguments, document texts and even span names are hostile input: in real
 * headless Chromium every one of them must render as inert text, and the page must request nothing
 * outside its own origin. The checks read the DOM (no element made from the data), not only whether
 * a script ran, so they would fail even though the page's CSP blocks inline scripts.
 */
class HostileContentBrowserTest {

  static final String SCRIPT = "<script>window.__pwned = 'script'</script>";
  static final String IMG = "<img src=x onerror=\"window.__pwned = 'img'\">";
  static final String LINK = "javascript:window.__pwned='link'";
  static final String ANCHOR = "<a href=\"javascript:window.__pwned='a'\">click me</a>";
  static final String RTL = "\u202Eexe.txt\u202C invoice";
  static final String HUGE = "A".repeat(1024 * 1024);

  @Test
  void hostile_text_everywhere_renders_as_text_and_the_page_stays_on_its_origin() throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().start();
        SdkTracerProvider tracerProvider =
            SdkTracerProvider.builder()
                .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(4 << 20).build())
                .addSpanProcessor(SimpleSpanProcessor.create(viewer.spanExporter()))
                .build();
        BrowserSession browser = BrowserSession.start()) {
      Tracer tracer = tracerProvider.get("hostile-test");
      Span root =
          tracer
              .spanBuilder("invoke_agent " + IMG)
              .setAttribute("gen_ai.operation.name", "invoke_agent")
              .setAttribute("gen_ai.agent.name", SCRIPT)
              .setAttribute("gen_ai.conversation.id", ANCHOR)
              .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracer
            .spanBuilder("chat hostile-model")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", "hostile-model")
            .setAttribute("gen_ai.system_instructions", json("[{'type':'text','content':%s}]", IMG))
            .setAttribute(
                "gen_ai.input.messages",
                json(
                    "[{'role':'user','parts':[{'type':'text','content':%s},{'type':'text','content':%s},{'type':'text','content':%s}]},"
                        + "{'role':'user','parts':[{'type':'text','content':%s}]}]",
                    SCRIPT, LINK, RTL, HUGE))
            .setAttribute(
                "gen_ai.output.messages",
                json(
                    "[{'role':'assistant','finish_reason':'tool_call','parts':[{'type':'text','content':%s},"
                        + "{'type':'tool_call','id':'c1','name':%s,'arguments':{'q':%s}},{'type':'reasoning','content':%s}]}]",
                    ANCHOR, IMG, SCRIPT, IMG))
            .startSpan()
            .end();
        tracer
            .spanBuilder("execute_tool lookup")
            .setAttribute("gen_ai.operation.name", "execute_tool")
            .setAttribute("gen_ai.tool.name", SCRIPT)
            .setAttribute("gen_ai.tool.call.arguments", json("{'url':%s,'html':%s}", LINK, IMG))
            .setAttribute("gen_ai.tool.call.result", ANCHOR)
            .startSpan()
            .end();
        tracer
            .spanBuilder("aggregate_content")
            .setAttribute(
                AttributeKey.stringArrayKey("llmetry4j.rag.contents.texts"),
                List.of(SCRIPT, IMG, RTL))
            .setAttribute(
                AttributeKey.doubleArrayKey("llmetry4j.rag.contents.scores"),
                List.of(0.9, 0.8, 0.7))
            .startSpan()
            .end();
        Span failed = tracer.spanBuilder("retrieval " + SCRIPT).startSpan();
        failed.setStatus(StatusCode.ERROR, IMG + " " + LINK);
        failed.setAttribute("error.type", ANCHOR);
        failed.end();
      }
      root.end();

      WebDriver driver = browser.driver();
      WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(20));
      driver.get(viewer.url());
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".trace-row"), 1));
      assertInert(driver);
      assertThat(driver.findElement(By.cssSelector(".trace-row .root-name")).getText())
          .isEqualTo("invoke_agent " + IMG);

      driver.findElement(By.cssSelector(".trace-row")).click();
      wait.until(
          ExpectedConditions.numberOfElementsToBe(By.cssSelector("#waterfall .span-row"), 5));
      List<String> names =
          driver.findElements(By.cssSelector("#waterfall .span-name")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(names).contains("invoke_agent " + IMG, "retrieval " + SCRIPT);
      for (int i = 0; i < names.size(); i++) {
        driver.findElements(By.cssSelector("#waterfall .span-row")).get(i).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail")));
        assertInert(driver);
      }

      // The chat call: every hostile part is there, as text.
      spanRow(driver, "chat hostile-model").click();
      WebElement conversation =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .conversation")));
      String shown = conversation.getText();
      assertThat(shown).contains(SCRIPT, LINK, ANCHOR, IMG);
      // The 1 MB message is cut to a readable length, with a way to see all of it.
      assertThat(shown.length()).isLessThan(200_000);
      assertThat(driver.findElement(By.id("detail")).getText()).contains("show all");
      // The RTL override stays inside its own element: it cannot reorder the page around it.
      Object bidi =
          ((JavascriptExecutor) driver)
              .executeScript(
                  "const walker = document.createTreeWalker(document.getElementById('detail'),"
                      + " NodeFilter.SHOW_TEXT);"
                      + "while (walker.nextNode()) {"
                      + "  if (walker.currentNode.nodeValue.includes('\\u202E')) {"
                      + "    let e = walker.currentNode.parentElement;"
                      + "    while (e) { const b = getComputedStyle(e).unicodeBidi;"
                      + "      if (b === 'isolate' || b === 'plaintext' || b === 'isolate-override')"
                      + "        return b; e = e.parentElement; }"
                      + "    return 'none'; } }"
                      + "return 'not found';");
      assertThat(bidi).isIn("isolate", "plaintext", "isolate-override");

      spanRow(driver, "execute_tool lookup").click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .tool-args")));
      assertThat(driver.findElement(By.cssSelector("#detail .tool-args")).getText())
          .contains(LINK)
          .contains("onerror");
      assertInert(driver);

      spanRow(driver, "aggregate_content").click();
      WebElement documents =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector("#detail .genai-documents")));
      assertThat(documents.getText()).contains(SCRIPT, IMG);
      assertInert(driver);

      spanRow(driver, "retrieval " + SCRIPT).click();
      WebElement error =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .error-box")));
      assertThat(error.getText()).contains(IMG, LINK, ANCHOR);
      assertInert(driver);

      assertThat(browser.requestedUrls())
          .isNotEmpty()
          .allSatisfy(url -> assertThat(url).startsWith(viewer.url()));
      assertThat(browser.consoleMessages()).noneMatch(m -> m.startsWith("SEVERE"));
    }
  }

  /** Nothing from the data became an element, a link or a running script. */
  private static void assertInert(WebDriver driver) {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return window.__pwned === undefined")).isEqualTo(true);
    assertThat(
            js.executeScript(
                "return document.querySelectorAll('img, iframe, object, embed').length"))
        .isEqualTo(0L);
    assertThat(js.executeScript("return document.querySelectorAll('script').length"))
        .as("only the page's own script")
        .isEqualTo(1L);
    assertThat(
            js.executeScript(
                "return Array.from(document.querySelectorAll('a[href]'))"
                    + ".filter(a => !a.getAttribute('href').startsWith('#')).length"))
        .isEqualTo(0L);
    assertThat(
            js.executeScript(
                "return Array.from(document.querySelectorAll('*')).filter(e =>"
                    + " Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"))
        .isEqualTo(0L);
  }

  private static WebElement spanRow(WebDriver driver, String name) {
    return driver.findElements(By.cssSelector("#waterfall .span-row")).stream()
        .filter(row -> row.findElement(By.cssSelector(".span-name")).getText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** A JSON text from a template in single quotes, with {@code %s} as JSON strings. */
  private static String json(String template, String... values) {
    Object[] quoted = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      quoted[i] = io.llmetry4j.core.internal.JsonWriter.quote(values[i]);
    }
    return String.format(template.replace('\'', '"'), quoted);
  }
}
