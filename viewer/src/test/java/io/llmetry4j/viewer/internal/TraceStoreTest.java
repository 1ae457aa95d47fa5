package io.llmetry4j.viewer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceStoreTest {

  @Test
  void keeps_the_newest_traces_within_both_bounds_and_counts_evictions() {
    TraceStore store = new TraceStore(1_000, 8L * 1024 * 1024);
    // 100,000 spans: 10,000 traces of 10 spans, each span ~1 KB of attributes.
    for (int trace = 0; trace < 10_000; trace++) {
      store.addAll(trace(trace, 10, 1_000));
    }

    TraceStore.Stats stats = store.stats();
    assertThat(stats.bytes()).isLessThanOrEqualTo(8L * 1024 * 1024);
    assertThat(stats.traces()).isLessThanOrEqualTo(1_000).isGreaterThan(100);
    assertThat(stats.spans()).isEqualTo(stats.traces() * 10L);
    assertThat(stats.evictedTraces()).isEqualTo(10_000 - stats.traces());
    assertThat(stats.evictedSpans()).isEqualTo(100_000 - stats.spans());
    // The newest are kept: the first page starts with the last trace added.
    TraceStore.Page page = store.list(TraceStore.Filter.ALL, 0, 3);
    assertThat(page.traces())
        .extracting(TraceStore.TraceSummary::traceId)
        .containsExactly(traceId(9_999), traceId(9_998), traceId(9_997));
    assertThat(page.total()).isEqualTo(stats.traces());
    assertThat(store.trace(traceId(0))).isNull();
  }

  @Test
  void the_trace_count_bound_applies_when_the_bytes_allow_more() {
    TraceStore store = new TraceStore(1_000, 1L << 40);
    for (int trace = 0; trace < 10_000; trace++) {
      store.addAll(trace(trace, 10, 10));
    }
    assertThat(store.stats().traces()).isEqualTo(1_000);
    assertThat(store.stats().evictedTraces()).isEqualTo(9_000);
    assertThat(store.stats().evictedSpans()).isEqualTo(90_000);
  }

  @Test
  void the_heap_the_store_holds_stays_under_its_byte_bound() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long bound = 64L * 1024 * 1024;
    long before = usedHeapAfterGc(memory);
    TraceStore store = new TraceStore(1_000_000, bound);
    // Spans made as they arrive (no shared strings): the store holds all they reference.
    for (int trace = 0; trace < 20_000; trace++) {
      store.addAll(trace(trace, 10, 600));
    }
    long held = usedHeapAfterGc(memory) - before;

    assertThat(store.stats().evictedTraces()).as("the bound was reached").isPositive();
    assertThat(store.stats().bytes()).isLessThanOrEqualTo(bound);
    assertThat(held).as("heap held by the store").isLessThanOrEqualTo(bound);
    assertThat(store.version()).isPositive(); // keeps the store reachable until here
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void a_span_larger_than_the_whole_store_is_counted_and_not_kept() {
    TraceStore store = new TraceStore(10, 64 * 1024);
    store.addAll(trace(1, 1, 100_000));
    assertThat(store.stats().spans()).isZero();
    assertThat(store.stats().evictedSpans()).isEqualTo(1);
  }

  @Test
  void the_list_shows_root_models_tokens_errors_conversation_and_filters_on_them() {
    TraceStore store = new TraceStore(100, 1L << 30);
    ViewSpan workflow =
        span(
            "a1",
            "01",
            null,
            "invoke_workflow answer",
            0,
            100,
            "UNSET",
            Map.of("gen_ai.workflow.name", "answer", "gen_ai.conversation.id", "conv-1"));
    ViewSpan agent =
        span(
            "a1",
            "02",
            "01",
            "invoke_agent Assistant",
            1,
            99,
            "UNSET",
            Map.of(
                "gen_ai.operation.name",
                "invoke_agent",
                "gen_ai.agent.name",
                "Assistant",
                "gen_ai.usage.input_tokens",
                999L));
    ViewSpan chat =
        span(
            "a1",
            "03",
            "02",
            "chat llama3.2",
            2,
            50,
            "UNSET",
            Map.of(
                "gen_ai.operation.name",
                "chat",
                "gen_ai.request.model",
                "llama3.2",
                "gen_ai.usage.input_tokens",
                120L,
                "gen_ai.usage.output_tokens",
                20L));
    ViewSpan secondChat =
        span(
            "a1",
            "04",
            "02",
            "chat llama3.2",
            51,
            98,
            "ERROR",
            Map.of(
                "gen_ai.operation.name",
                "chat",
                "gen_ai.request.model",
                "llama3.2",
                "gen_ai.usage.input_tokens",
                150L,
                "gen_ai.usage.output_tokens",
                10L,
                "llmetry4j.usage.cost",
                0.25,
                "llmetry4j.usage.cost.currency",
                "USD"));
    // Children first, as a batch processor often delivers them.
    store.addAll(List.of(chat, secondChat));
    store.addAll(List.of(agent, workflow));
    ViewSpan other =
        span(
            "b2",
            "11",
            null,
            "chat gpt-4o",
            200,
            300,
            "UNSET",
            Map.of(
                "llm.request.type",
                "chat",
                "gen_ai.response.model",
                "gpt-4o",
                "gen_ai.usage.prompt_tokens",
                7L,
                "gen_ai.usage.completion_tokens",
                3L));
    store.addAll(List.of(other));

    TraceStore.TraceSummary first = store.list(TraceStore.Filter.ALL, 1, 1).traces().get(0);
    assertThat(first.traceId()).isEqualTo("a1");
    assertThat(first.rootName()).isEqualTo("invoke_workflow answer");
    assertThat(first.models()).containsExactly("llama3.2");
    // The agent's own usage is a sum of its calls: not counted twice.
    assertThat(first.inputTokens()).isEqualTo(270);
    assertThat(first.outputTokens()).isEqualTo(30);
    assertThat(first.errorCount()).isEqualTo(1);
    assertThat(first.conversationId()).isEqualTo("conv-1");
    // The priced call's cost; the unpriced one adds nothing.
    assertThat(first.cost()).isEqualTo(0.25);
    assertThat(first.currency()).isEqualTo("USD");
    // The list's total: every matching trace's priced calls (a conversation's cost).
    TraceStore.Page conversation =
        store.list(new TraceStore.Filter(null, "conv-1", null, null, false), 0, 10);
    assertThat(conversation.cost()).isEqualTo(0.25);
    assertThat(conversation.currency()).isEqualTo("USD");
    assertThat(store.list(new TraceStore.Filter(null, null, null, "gpt-4o", false), 0, 10).cost())
        .isNull();
    assertThat(first.workflows()).containsExactly("answer");
    assertThat(first.agents()).containsExactly("Assistant");
    assertThat(first.endEpochNanos() - first.startEpochNanos()).isEqualTo(100);
    TraceStore.TraceSummary openLlmetry = store.list(TraceStore.Filter.ALL, 0, 1).traces().get(0);
    assertThat(openLlmetry.models()).containsExactly("gpt-4o");
    assertThat(openLlmetry.inputTokens()).isEqualTo(7);

    assertThat(ids(store, new TraceStore.Filter(null, null, null, null, true)))
        .containsExactly("a1");
    assertThat(ids(store, new TraceStore.Filter(null, "CONV-1", null, null, false)))
        .containsExactly("a1");
    assertThat(ids(store, new TraceStore.Filter(null, null, "assistant", null, false)))
        .containsExactly("a1");
    assertThat(ids(store, new TraceStore.Filter(null, null, null, "gpt-4o", false)))
        .containsExactly("b2");
    assertThat(ids(store, new TraceStore.Filter("llama", null, null, null, false)))
        .containsExactly("a1");
    assertThat(ids(store, new TraceStore.Filter("nothing-matches", null, null, null, false)))
        .isEmpty();
    assertThat(store.trace("a1"))
        .extracting(ViewSpan::spanId)
        .containsExactly("01", "02", "03", "04");
  }

  private static List<String> ids(TraceStore store, TraceStore.Filter filter) {
    return store.list(filter, 0, 100).traces().stream()
        .map(TraceStore.TraceSummary::traceId)
        .toList();
  }

  static String traceId(int trace) {
    return String.format("%032x", trace);
  }

  /** {@code spans} spans of one trace, each with {@code characters} characters of attributes. */
  static List<ViewSpan> trace(int trace, int spans, int characters) {
    List<ViewSpan> made = new ArrayList<>(spans);
    for (int i = 0; i < spans; i++) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      attributes.put("gen_ai.operation.name", new String("chat"));
      attributes.put("gen_ai.usage.input_tokens", (long) i);
      attributes.put("llmetry4j.test.text", "x".repeat(characters) + trace + "-" + i);
      made.add(
          new ViewSpan(
              traceId(trace),
              String.format("%016x", i + 1),
              i == 0 ? null : String.format("%016x", 1),
              "span " + trace + "-" + i,
              "INTERNAL",
              1_000L * i,
              1_000L * i + 500,
              "UNSET",
              "",
              "service",
              "scope",
              attributes,
              List.of()));
    }
    return made;
  }

  private static ViewSpan span(
      String traceId,
      String spanId,
      String parent,
      String name,
      long start,
      long end,
      String status,
      Map<String, Object> attributes) {
    return new ViewSpan(
        traceId,
        spanId,
        parent,
        name,
        "INTERNAL",
        start,
        end,
        status,
        "",
        "service",
        "scope",
        attributes,
        List.of());
  }
}
