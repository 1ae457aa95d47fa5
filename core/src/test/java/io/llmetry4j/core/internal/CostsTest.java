package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.TokenPrices;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/** The cost counter's sums, shared per meter, keep no SDK alive. */
class CostsTest {

  @Test
  void an_sdk_a_priced_telemetry_used_is_collected_once_dropped() throws InterruptedException {
    WeakReference<SdkMeterProvider> meters = meterProviderOfADroppedSdk();

    for (int i = 0; i < 100 && meters.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }

    assertThat(meters.get()).as("the dropped SDK's meter provider, after collections").isNull();
  }

  private static WeakReference<SdkMeterProvider> meterProviderOfADroppedSdk() {
    SdkMeterProvider meters =
        SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
    LlmTelemetry.builder(sdk)
        .tokenPrices(
            TokenPrices.builder()
                .price(TokenPrices.price("*", "llama3", "USD").input("1").output("1"))
                .build())
        .build();
    sdk.close();
    return new WeakReference<>(meters);
  }
}
