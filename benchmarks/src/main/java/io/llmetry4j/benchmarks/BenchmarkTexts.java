package io.llmetry4j.benchmarks;

/**
 * Chat message texts of ~410 characters in the scripts llmetry4j's users write (#25): Latin script,
 * Chinese, emoji-dense chat, and Chinese mixed with English and emoji as in Tencent users' prompts.
 * Characters are a Java string's: an emoji is two. Each text ends with a unique id, so no two are
 * equal.
 */
final class BenchmarkTexts {

  static final String[] SCRIPTS = {"latin", "chinese", "emoji", "mixed"};

  private BenchmarkTexts() {}

  static String message(String script, int id) {
    String sentence =
        switch (script) {
          case "latin" -> "The quick brown fox jumps over the lazy dog while tracing spans. ";
          case "chinese" -> "请帮我查一下上海明天的天气，并告诉我是否需要带伞。我们的服务部署在腾讯云上，调用链需要完整记录。";
          case "emoji" ->
              "Great job team 🎉 the deploy went fine 🚀 latency is down 📉 errors are gone ✅ ";
          case "mixed" ->
              "用户问：What is the p99 latency of the chat API? 回答：大约 1.2 秒 🚀，主要耗时在 retrieval 阶段。";
          default -> throw new IllegalArgumentException("script " + script);
        };
    StringBuilder text = new StringBuilder(440);
    int at = 0;
    while (text.length() < 400) {
      int codePoint = sentence.codePointAt(at);
      text.appendCodePoint(codePoint);
      at = (at + Character.charCount(codePoint)) % sentence.length();
    }
    return text.append(" #").append(id).toString();
  }
}
