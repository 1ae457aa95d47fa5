package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;

/**
 * The program {@link EnvironmentConfigTest} runs in a forked JVM with a chosen environment. Args
 * are {@code key=value}: {@code appName}, {@code endpoint}, {@code hostName}, {@code header},
 * {@code capture}, {@code propagators=baggage}, {@code tencent=<app name>} (the Tencent preset;
 * give it first), {@code close=false} (leave it to the hook).
 */
public final class EnvironmentChild {

  public static void main(String[] args) {
    LlmetryConfig.Builder builder = LlmetryConfig.builder();
    boolean close = true;
    for (String arg : args) {
      String key = arg.substring(0, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      switch (key) {
        case "appName":
          builder.appName(value);
          break;
        case "endpoint":
          builder.endpoint(value);
          break;
        case "hostName":
          builder.hostName(value);
          break;
        case "header":
          builder.headers(
              Map.of(
                  value.substring(0, value.indexOf(':')), value.substring(value.indexOf(':') + 1)));
          break;
        case "capture":
          builder.telemetry(t -> t.captureContent(Boolean.parseBoolean(value)));
          break;
        case "propagators":
          builder.propagators(new TextMapPropagator[] {W3CBaggagePropagator.getInstance()});
          break;
        case "tencent":
          // The preset, keeping the settings given before it on the command line out of scope.
          builder =
              LlmetryConfig.tencentApm("http://127.0.0.1:4317", "token-of-this-test", value)
                  .metrics(false);
          break;
        case "close":
          close = Boolean.parseBoolean(value);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + key);
      }
    }
    Llmetry llmetry = Llmetry.init(builder.build());
    Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("child-span").startSpan().end();
    System.out.println("captureContent=" + llmetry.telemetry().captureContent());
    System.out.println("openLlmetryCompat=" + llmetry.telemetry().openLlmetryCompat());
    System.out.println(
        "semconvLatestExperimental=" + llmetry.telemetry().semconvLatestExperimental());
    System.out.println("spanContentBudget=" + llmetry.telemetry().spanContentBudget());
    System.out.println(
        "propagatorFields="
            + llmetry.openTelemetry().getPropagators().getTextMapPropagator().fields());
    System.out.println("viewerUrl=" + llmetry.viewerUrl().orElse("none"));
    if (close) {
      llmetry.close();
    }
    System.out.println("child done");
  }

  private EnvironmentChild() {}
}
