package io.llmetry4j.bootstrap;

import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;

/**
 * Starts the local trace viewer for an SDK the bootstrap assembles. Kept apart from {@link
 * SdkAssembly} so that {@code llmetry4j-viewer}, an optional dependency, is loaded only when the
 * viewer is on.
 */
final class ViewerSetup {

  static final String VIEWER_CLASS = "io.llmetry4j.viewer.LocalViewer";

  /** How soon a finished span reaches the page: the page polls every second. */
  private static final Duration VIEWER_EXPORT_DELAY = Duration.ofMillis(200);

  private ViewerSetup() {}

  /** Whether {@code llmetry4j-viewer} is on the classpath. */
  static boolean available() {
    try {
      Class.forName(VIEWER_CLASS, false, ViewerSetup.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Starts the viewer and returns the span processor that feeds it: a batch processor, so that the
   * application never waits for the viewer; shutting it down (with the SDK) stops the viewer.
   */
  static SpanProcessor start(SdkAssembly.Settings settings) {
    LocalViewer.Builder builder = LocalViewer.builder().port(settings.viewerPort);
    if (settings.viewerMaxTraces != null) {
      builder.maxTraces((int) Math.min(Integer.MAX_VALUE, settings.viewerMaxTraces));
    }
    if (settings.viewerMaxBytes != null) {
      builder.maxBytes(settings.viewerMaxBytes);
    }
    if (settings.viewerHost != null) {
      builder.host(settings.viewerHost);
    }
    if (settings.viewerToken != null) {
      builder.accessToken(settings.viewerToken);
    }
    LocalViewer viewer;
    try {
      viewer = builder.start();
    } catch (java.io.UncheckedIOException e) {
      throw new ViewerStartFailure("LLMETRY4J_VIEWER_PORT: the viewer's port cannot be bound", e);
    } catch (IllegalArgumentException e) {
      throw new ViewerStartFailure(e.getMessage(), e);
    }
    settings.viewerUrl = viewer.url();
    System.err.println(
        "llmetry4j viewer: "
            + viewer.url()
            + (settings.viewerToken != null ? " (append ?token=<your token>)" : ""));
    return BatchSpanProcessor.builder(new ClosingExporter(viewer))
        .setScheduleDelay(VIEWER_EXPORT_DELAY)
        .build();
  }

  /** The viewer could not start: the message names the setting. */
  static final class ViewerStartFailure extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ViewerStartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The viewer's exporter, which stops the viewer when the SDK shuts it down. */
  private static final class ClosingExporter implements SpanExporter {
    private final LocalViewer viewer;
    private final SpanExporter delegate;

    ClosingExporter(LocalViewer viewer) {
      this.viewer = viewer;
      this.delegate = viewer.spanExporter();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return delegate.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      viewer.close();
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public String toString() {
      return "llmetry4j viewer exporter";
    }
  }
}
