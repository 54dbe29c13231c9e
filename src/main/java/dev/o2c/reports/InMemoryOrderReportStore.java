package dev.o2c.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** The order read models in memory: for servers without Cassandra (route tests). Same behaviour as the Cassandra store. */
public final class InMemoryOrderReportStore implements OrderReportStore {

  private final Map<String, OrderRow> rows = new ConcurrentHashMap<>();
  private final Map<String, Flags> flags = new ConcurrentHashMap<>();

  private static String key(String tenantId, String orderId) {
    return tenantId + "\u0000" + orderId;
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  @Override
  public CompletionStage<Done> placed(String tenantId, OrderRow row) {
    rows.put(key(tenantId, row.orderId()), row);
    return done(Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<Instant>> placedAt(String tenantId, String orderId) {
    return done(Optional.ofNullable(rows.get(key(tenantId, orderId))).map(OrderRow::placedAt));
  }

  @Override
  public synchronized CompletionStage<Done> update(String tenantId, String orderId, Instant placedAt, OrderRow.Change change) {
    rows.computeIfPresent(key(tenantId, orderId), (k, r) -> change.applyTo(r));
    return done(Done.getInstance());
  }

  @Override
  public CompletionStage<Flags> flags(String tenantId, String orderId) {
    return done(flags.getOrDefault(key(tenantId, orderId), new Flags(false, false)));
  }

  @Override
  public synchronized CompletionStage<Done> flag(String tenantId, String orderId, Flags f) {
    flags.merge(key(tenantId, orderId), f, (a, b) -> new Flags(a.manualAllocation() || b.manualAllocation(), a.creditNote() || b.creditNote()));
    return update(tenantId, orderId, Instant.EPOCH, OrderRow.Change.none().flags(f.manualAllocation() ? Boolean.TRUE : null,
        f.creditNote() ? Boolean.TRUE : null));
  }

  private List<OrderRow> newestFirst(String tenantId) {
    String prefix = tenantId + "\u0000";
    List<OrderRow> out = new ArrayList<>();
    rows.forEach((k, r) -> {
      if (k.startsWith(prefix)) {
        out.add(r);
      }
    });
    out.sort(Comparator.comparing(OrderRow::placedAt).reversed().thenComparing(OrderRow::orderId));
    return out;
  }

  @Override
  public CompletionStage<Page> list(String tenantId, Query query, String pageToken, int limit, int maxScan) {
    ListCursor at = pageToken == null ? ListCursor.before(query.to()) : ListCursor.open(pageToken);
    List<OrderRow> found = new ArrayList<>();
    int scanned = 0;
    for (OrderRow r : newestFirst(tenantId)) {
      if (!at.isAfter(r.placedAt(), r.orderId()) || r.placedAt().isBefore(query.from())) {
        continue;
      }
      scanned++;
      if (query.matches(r)) {
        found.add(r);
      }
      if (found.size() >= limit || scanned >= maxScan) {
        return done(new Page(found, new ListCursor(r.placedAt(), r.orderId()).token(), scanned));
      }
    }
    return done(new Page(found, null, scanned));
  }

  @Override
  public CompletionStage<List<OrderRow>> placedBetween(String tenantId, Instant from, Instant to) {
    List<OrderRow> rows = newestFirst(tenantId).stream().filter(r -> !r.placedAt().isBefore(from) && !r.placedAt().isAfter(to)).toList();
    if (rows.size() > MAX_ORDERS) {
      return CompletableFuture.failedFuture(new TooManyOrders(MAX_ORDERS));
    }
    return done(rows);
  }
}
