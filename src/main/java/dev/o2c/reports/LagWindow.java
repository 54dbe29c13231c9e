package dev.o2c.reports;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The lags (event written → visible in a report) a projection instance saw over the last
 * {@code windowMillis}, for their 99th percentile. Plain Java; one per instance, used by its
 * handler only.
 */
final class LagWindow {

  private record Sample(long at, long lagMillis) {}

  private final long windowMillis;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  LagWindow(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  void add(long nowMillis, long lagMillis) {
    samples.addLast(new Sample(nowMillis, lagMillis));
    while (!samples.isEmpty() && samples.peekFirst().at() < nowMillis - windowMillis) {
      samples.removeFirst();
    }
  }

  /** How many samples the window holds. */
  int size() {
    return samples.size();
  }

  /** The 99th percentile of the window's lags (nearest rank), 0 when empty. */
  long p99() {
    if (samples.isEmpty()) {
      return 0;
    }
    long[] sorted = samples.stream().mapToLong(Sample::lagMillis).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.99 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
