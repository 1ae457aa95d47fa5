package io.llmetry4j.agenttests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.ReceivedTelemetry;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RagApplication} in a forked JVM under the real OpenTelemetry Java agent, exporting over
 * OTLP/gRPC to a receiver on 127.0.0.1, with Ollama replayed on 127.0.0.1: one request gives one
 * trace, with the agent's HTTP client spans under the {@code chat} spans, one resource (the
 * agent's), and an application output free of warnings; {@code Llmetry.init} under the agent builds
 * nothing and exports nothing of its own.
 */
class JavaAgentTest {

  private static final String LATEST = System.getProperty("llmetry4j.test.agent.latest");
  private static final String OLDER = System.getProperty("llmetry4j.test.agent.older");
  private static final String JAVA_25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

  private static final String LLMETRY4J_SCOPE = "io.llmetry4j";
  private static final String HTTP_CLIENT_SCOPE = "io.opentelemetry.java-http-client";

  private static final Pattern WARNING =
      Pattern.compile("\\b(WARN|WARNING|SEVERE)\\b", Pattern.CASE_INSENSITIVE);

  /**
   * HotSpot's notice when class data sharing meets an agent that appends to the bootstrap class
   * path, as every OpenTelemetry Java agent does: the JVM's, printed before the agent or the
   * application runs, the one line of "warning" allowed.
   */
  private static final String CDS_NOTICE =
      "OpenJDK 64-Bit Server VM warning: Sharing is only supported for boot loader classes"
          + " because bootstrap classpath has been appended";

  private static final Pattern STACK_TRACE =
      Pattern.compile("^(\\tat |\\s+at [\\w$.]+\\(|Caused by: |[\\w.$]*(Exception|Throwable)\\b)");

  static Stream<Arguments> cases() {
    String current = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return Stream.of(
        Arguments.of(LATEST, "init", current),
        Arguments.of(LATEST, "plain", current),
        Arguments.of(OLDER, "init", current),
        Arguments.of(OLDER, "plain", current),
        Arguments.of(LATEST, "init", JAVA_25));
  }

  @ParameterizedTest(name = "agent {0}, {1}, {2}")
  @MethodSource("cases")
  void one_request_under_the_agent_is_one_trace_with_the_http_spans_under_chat(
      String agentVersion, String mode, String javaExecutable) throws Exception {
    boolean javaPresent = Files.isExecutable(Path.of(javaExecutable));
    if (!javaPresent && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true and no Java at " + javaExecutable);
    }
    Assumptions.assumeTrue(
        javaPresent, "no Java at " + javaExecutable + " (a failure when CI=true)");
    try (ReplayHttpServer ollama = ollama();
        OtlpGrpcReceiver agentReceiver = OtlpGrpcReceiver.start();
        OtlpGrpcReceiver decoy = OtlpGrpcReceiver.start()) {
      Child child = run(javaExecutable, agentVersion, mode, ollama, agentReceiver, decoy);
      String output = child.stdout + child.stderr;
      String context = "\n--- child output ---\n" + output;

      assertThat(child.exitCode).as("exit code" + context).isZero();
      assertThat(child.stdout).as("stdout" + context).contains(RagApplication.MARKER);

      ReceivedTelemetry received = agentReceiver.received();
      received.awaitSpans(10, Duration.ofSeconds(10));
      List<Span> spans = received.spans();
      Map<Span, String> scopes = scopes(received);
      String tree = render(spans, scopes);
      System.out.printf("agent %s, %s, %s:%n%s%n", agentVersion, mode, javaExecutable, tree);

      // 1. One trace, no span twice.
      assertThat(spans.stream().map(s -> hex(s.getTraceId().toByteArray())).distinct())
          .as("trace ids\n" + tree)
          .hasSize(1);
      assertThat(spans.stream().map(s -> hex(s.getSpanId().toByteArray())).distinct())
          .as("span ids\n" + tree)
          .hasSize(spans.size());

      // 2. The tree, exactly; the agent's spans are the Ollama calls.
      assertThat(tree).isEqualTo(EXPECTED_TREE);
      assertThat(spans.stream().filter(s -> HTTP_CLIENT_SCOPE.equals(scopes.get(s))))
          .hasSize(2)
          .allSatisfy(
              post -> {
                assertThat(ReceivedTelemetry.stringAttributes(post.getAttributesList()))
                    .containsEntry("http.request.method", "POST")
                    .containsEntry("url.full", ollama.baseUrl() + "/api/chat");
                assertThat(longAttribute(post, "http.response.status_code")).isEqualTo(200L);
              });

      // 3. The conversation id on every llmetry4j span.
      assertThat(spans.stream().filter(s -> LLMETRY4J_SCOPE.equals(scopes.get(s))))
          .isNotEmpty()
          .allSatisfy(
              span ->
                  assertThat(ReceivedTelemetry.stringAttributes(span.getAttributesList()))
                      .as(span.getName())
                      .containsEntry("gen_ai.conversation.id", RagApplication.CONVERSATION_ID));

      // 4. One resource, the agent's.
      List<Resource> resources = received.spanResources();
      assertThat(resources.stream().distinct()).as("resources").hasSize(1);
      Map<String, String> resource =
          ReceivedTelemetry.stringAttributes(resources.get(0).getAttributesList());
      assertThat(resource)
          .containsEntry("service.name", "rag-agent-app")
          .containsEntry("telemetry.distro.name", "opentelemetry-java-instrumentation")
          .containsEntry("telemetry.distro.version", agentVersion)
          .doesNotContainKey("token");

      // 5. Llmetry.init's own endpoint got nothing.
      assertThat(decoy.calls()).as("trace exports to the endpoint given to init").isZero();
      assertThat(decoy.received().metrics()).as("metrics at the endpoint given to init").isEmpty();

      // 6. Nothing but INFO, and in init mode one line from llmetry4j.
      List<String> lines = output.lines().collect(Collectors.toList());
      assertThat(lines)
          .as("warnings" + context)
          .noneMatch(line -> WARNING.matcher(line).find() && !line.equals(CDS_NOTICE));
      assertThat(lines)
          .as("stack traces" + context)
          .noneMatch(line -> STACK_TRACE.matcher(line).find());
      // java.util.logging's two lines a record: "<date> <logger> <method>", "<LEVEL>: <message>".
      List<String> llmetry4jRecords =
          lines.stream()
              .filter(line -> line.contains(" io.llmetry4j."))
              .collect(Collectors.toList());
      List<String> llmetry4jMessages =
          lines.stream().filter(line -> line.contains("llmetry4j:")).collect(Collectors.toList());
      if (mode.equals("init")) {
        assertThat(llmetry4jRecords).as("llmetry4j's log records" + context).hasSize(1);
        assertThat(llmetry4jMessages).as("llmetry4j's messages" + context).hasSize(1);
        assertThat(llmetry4jMessages.get(0))
            .startsWith("INFO: llmetry4j: ")
            .containsAnyOf("already registered", "agent");
      } else {
        assertThat(llmetry4jRecords).as("llmetry4j's log records" + context).isEmpty();
        assertThat(llmetry4jMessages).as("llmetry4j's messages" + context).isEmpty();
      }
    }
  }

  /**
   * {@link #render} of what the receiver gets: llmetry4j's spans, and the agent's span of each
   * Ollama call (LangChain4j's default JDK HttpClient) under its {@code chat} span.
   */
  static final String EXPECTED_TREE =
      String.join(
          "\n",
          "invoke_workflow answer-question [INTERNAL] (io.llmetry4j)",
          "  invoke_agent Assistant [INTERNAL] (io.llmetry4j)",
          "    retrieval docs [CLIENT] (io.llmetry4j)",
          "      embeddings all-minilm-l6-v2 [INTERNAL] (io.llmetry4j)",
          "      search docs [INTERNAL] (io.llmetry4j)",
          "    chat llama3 [CLIENT] (io.llmetry4j)",
          "      POST [CLIENT] (io.opentelemetry.java-http-client)",
          "    execute_tool getWeather [INTERNAL] (io.llmetry4j)",
          "    chat llama3 [CLIENT] (io.llmetry4j)",
          "      POST [CLIENT] (io.opentelemetry.java-http-client)");

  /** Asks for the tool first, answers once the tool's result is in the conversation. */
  private static ReplayHttpServer ollama() {
    String toolCall = resource("ollama-tool-call-response.json");
    Response finalAnswer = OllamaCassettes.response(OllamaCassettes.TOOL_CALLS);
    return ReplayHttpServer.start()
        .byDefault(
            "/api/chat",
            body ->
                body.replaceAll("\\s", "").toLowerCase(Locale.ROOT).contains("\"role\":\"tool\"")
                    ? finalAnswer
                    : Response.json(200, toolCall));
  }

  private record Child(int exitCode, String stdout, String stderr) {}

  private static Child run(
      String javaExecutable,
      String agentVersion,
      String mode,
      ReplayHttpServer ollama,
      OtlpGrpcReceiver agentReceiver,
      OtlpGrpcReceiver decoy)
      throws IOException, InterruptedException {
    Path agent =
        Path.of(System.getProperty("llmetry4j.test.agents"))
            .resolve("opentelemetry-javaagent-" + agentVersion + ".jar");
    assertThat(agent).isRegularFile();
    String classpath =
        System.getProperty("llmetry4j.test.testClasses")
            + File.pathSeparator
            + Files.readString(Path.of(System.getProperty("llmetry4j.test.application.classpath")))
                .strip();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    command.add("-javaagent:" + agent);
    command.add("-Dotel.service.name=rag-agent-app");
    command.add("-Dotel.exporter.otlp.endpoint=" + agentReceiver.endpoint());
    command.add("-Dotel.exporter.otlp.protocol=grpc");
    command.add("-Dotel.metrics.exporter=none");
    command.add("-Dotel.logs.exporter=none");
    command.add("-Dotel.bsp.schedule.delay=100");
    // DJL (the tokenizer of the in-process embedding model) calls AWS's instance metadata
    // service on first use, to report usage: off, the test's only network is 127.0.0.1.
    command.add("-DOPT_OUT_TRACKING=true");
    if (featureVersion(javaExecutable) >= 24) {
      // ONNX Runtime loads its native library: from Java 24 the JVM warns unless allowed.
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.add("-cp");
    command.add(classpath);
    command.add(RagApplication.class.getName());
    command.add(mode);
    command.add(ollama.baseUrl());
    if (mode.equals("init")) {
      command.add(decoy.endpoint());
    }
    // Kept in target/agent-runs/ for a look after the build.
    Path runDirectory =
        Files.createDirectories(
            Path.of(System.getProperty("llmetry4j.test.runs"))
                .resolve(
                    agentVersion
                        + "-"
                        + mode
                        + "-"
                        + Path.of(javaExecutable).getParent().getParent().getFileName()));
    Path stdout = runDirectory.resolve("stdout.txt");
    Path stderr = runDirectory.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    // The child's configuration is the command line's alone.
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    builder.environment().keySet().removeIf(name -> name.startsWith("LLMETRY4J_"));
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    Process process = builder.start();
    if (!process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail(
          "no exit within "
              + CHILD_TIMEOUT
              + "\n--- stdout ---\n"
              + Files.readString(stdout)
              + "\n--- stderr ---\n"
              + Files.readString(stderr));
    }
    return new Child(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private static Map<Span, String> scopes(ReceivedTelemetry received) {
    Map<Span, String> scopes = new LinkedHashMap<>();
    for (ScopeSpans scopeSpans : received.scopeSpans()) {
      scopeSpans.getSpansList().forEach(span -> scopes.put(span, scopeSpans.getScope().getName()));
    }
    return scopes;
  }

  /**
   * One line per span, {@code name [kind] (scope)}, children under their parent by start time;
   * spans whose parent was not received are roots.
   */
  static String render(List<Span> spans, Map<Span, String> scopes) {
    Map<String, Span> byId = new LinkedHashMap<>();
    spans.forEach(span -> byId.put(hex(span.getSpanId().toByteArray()), span));
    Map<String, List<Span>> children = new LinkedHashMap<>();
    List<Span> roots = new ArrayList<>();
    Comparator<Span> byStart =
        Comparator.comparingLong(Span::getStartTimeUnixNano).thenComparing(Span::getName);
    for (Span span : spans) {
      String parent = hex(span.getParentSpanId().toByteArray());
      if (parent.isEmpty() || !byId.containsKey(parent)) {
        roots.add(span);
      } else {
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(span);
      }
    }
    roots.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    StringBuilder out = new StringBuilder();
    for (Span root : roots) {
      render(root, 0, children, scopes, out);
    }
    return out.toString().stripTrailing();
  }

  private static void render(
      Span span,
      int depth,
      Map<String, List<Span>> children,
      Map<Span, String> scopes,
      StringBuilder out) {
    out.append("  ".repeat(depth))
        .append(span.getName())
        .append(" [")
        .append(span.getKind().name().replace("SPAN_KIND_", ""))
        .append("] (")
        .append(scopes.get(span))
        .append(")\n");
    for (Span child : children.getOrDefault(hex(span.getSpanId().toByteArray()), List.of())) {
      render(child, depth + 1, children, scopes, out);
    }
  }

  /** The feature version of the Java whose launcher is {@code javaExecutable}. */
  private static int featureVersion(String javaExecutable) throws IOException {
    Path release = Path.of(javaExecutable).getParent().getParent().resolve("release");
    for (String line : Files.readAllLines(release)) {
      if (line.startsWith("JAVA_VERSION=")) {
        String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        return Integer.parseInt(version.split("[.+-]")[0]);
      }
    }
    throw new IllegalStateException("no JAVA_VERSION in " + release);
  }

  private static long longAttribute(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .mapToLong(kv -> kv.getValue().getIntValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " on " + span.getName()));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String resource(String name) {
    try (InputStream in = JavaAgentTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
