package dev.o2c.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Order-to-cash cycle time, in plain Java, over the orders placed in a period (a cohort): placed →
 * paid, and each stage — placed → verified (holds included), verified → shipped, shipped →
 * delivered, invoice issued → paid — as count and p50/p90/p99 (nearest rank, milliseconds) over
 * the orders that have reached the stage's end; beside the same figures for another period.
 */
public final class CycleTime {

  /** One stage's turnaround; percentiles null without an order that reached it. */
  public record Stage(String stage, long count, Long p50Millis, Long p90Millis, Long p99Millis) {}

  public record Period(LocalDate from, LocalDate to, long orders, List<Stage> stages) {}

  public record Report(Period period, Period previous) {

    public Csv csv() {
      List<List<Object>> rows = new ArrayList<>();
      for (Period p : previous == null ? List.of(period) : List.of(period, previous)) {
        for (Stage s : p.stages()) {
          rows.add(Arrays.asList(p.from(), p.to(), s.stage(), s.count(), s.p50Millis(), s.p90Millis(), s.p99Millis()));
        }
      }
      return new Csv(List.of("from", "to", "stage", "count", "p50Millis", "p90Millis", "p99Millis"), rows);
    }
  }

  private record Span(String name, Function<OrderRow, Instant> start, Function<OrderRow, Instant> end) {}

  private static final List<Span> SPANS = List.of(
      new Span("placedToPaid", OrderRow::placedAt, OrderRow::paidAt),
      new Span("placedToVerified", OrderRow::placedAt, OrderRow::verifiedAt),
      new Span("verifiedToShipped", OrderRow::verifiedAt, OrderRow::shippedAt),
      new Span("shippedToDelivered", OrderRow::shippedAt, OrderRow::deliveredAt),
      new Span("issuedToPaid", OrderRow::invoicedAt, OrderRow::paidAt));

  private CycleTime() {}

  public static Period of(LocalDate from, LocalDate to, List<OrderRow> orders) {
    List<Stage> stages = new ArrayList<>();
    for (Span span : SPANS) {
      List<Long> millis = new ArrayList<>();
      for (OrderRow o : orders) {
        Instant start = span.start().apply(o);
        Instant end = span.end().apply(o);
        if (start != null && end != null) {
          millis.add(Math.max(0, Duration.between(start, end).toMillis()));
        }
      }
      long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
      stages.add(new Stage(span.name(), sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99)));
    }
    return new Period(from, to, orders.size(), stages);
  }

  /** The nearest-rank percentile; null when there is nothing. */
  static Long rank(long[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
