package io.llmetry4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example as its README command runs it, on a machine with nothing configured: the embedded
 * stand-in answers from the bundled pages, and the trace — printed on stderr, since no endpoint is
 * set — has the AI Service, retrieval, embeddings, search and chat spans; the local trace viewer's
 * address is printed beside it, and the viewer stops with the application.
 */
class HandbookApplicationTest {

  private static final Pattern VIEWER_LINE =
      Pattern.compile("llmetry4j viewer: (http://127\\.0\\.0\\.1:\\d+/)");

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void answers_from_the_bundled_pages_and_prints_the_trace() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      HandbookApplication.main(new String[] {"What", "is", "a", "span?"});
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(stdout)
        .contains("an embedded stand-in answers")
        .contains("question: What is a span?");
    String answer = stdout.substring(stdout.indexOf("answer: ") + "answer: ".length()).strip();
    assertThat(answer.toLowerCase()).contains("span");
    String trees = err.toString(StandardCharsets.UTF_8);
    assertThat(trees)
        .contains("invoke_agent HandbookAssistant")
        .contains("retrieval contentRetriever")
        .contains("embeddings all-minilm-l6-v2")
        .contains("search ")
        .contains("chat llmetry4j-stand-in");
    // The viewer's address beside the trees; with no console the application ended at once, and
    // the viewer with its context.
    Matcher viewer = VIEWER_LINE.matcher(trees);
    assertThat(viewer.find()).as("the viewer's address on stderr: %s", trees).isTrue();
    URI page = URI.create(viewer.group(1));
    assertThat(viewer.find()).as("printed once").isFalse();
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(page).build(),
                        HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(ConnectException.class);
  }
}
