package dev.o2c.reports;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The order read models in Cassandra ({@code report_orders}, {@code report_order_keys}). */
public final class CassandraOrderReportStore implements OrderReportStore {

  private static final String COLUMNS = "order_id, customer_id, channel, external_reference, currency, status, hold_reasons, review_queue, "
      + "units, net, gross, lines, invoice_id, placed_at, invoiced_at, verified_at, approved, shipped_at, delivered_at, paid_at, closed_at, "
      + "manual_allocation, credit_note";
  private final CassandraSession session;
  private final String ks;

  public CassandraOrderReportStore(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> placed(String tenantId, OrderRow r) {
    CompletionStage<Done> row = session.executeWrite("INSERT INTO " + ks + ".report_orders (tenant, month, " + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tenantId, MonthScan.month(r.placedAt()), r.orderId(), r.customerId(), r.channel(), r.externalReference(), r.currency(), r.status(),
        r.holdReasons(), r.reviewQueue(), r.units(), r.net(), r.gross(), CassandraReportStore.write(r.lines()), r.invoiceId(), r.placedAt(),
        r.invoicedAt(), r.verifiedAt(), r.approved(), r.shippedAt(), r.deliveredAt(), r.paidAt(), r.closedAt(), r.manualAllocation(),
        r.creditNote());
    CompletionStage<Done> key = session.executeWrite("UPDATE " + ks + ".report_order_keys SET placed_at = ? WHERE tenant = ? AND order_id = ?",
        r.placedAt(), tenantId, r.orderId());
    return row.thenCombine(key, (a, b) -> Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<Instant>> placedAt(String tenantId, String orderId) {
    return session.selectOne("SELECT placed_at FROM " + ks + ".report_order_keys WHERE tenant = ? AND order_id = ?", tenantId, orderId)
        .thenApply(row -> row.filter(r -> !r.isNull("placed_at")).map(r -> r.getInstant("placed_at")));
  }

  @Override
  public CompletionStage<Done> update(String tenantId, String orderId, Instant placedAt, OrderRow.Change c) {
    List<String> sets = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    set(sets, values, "status", c.status());
    set(sets, values, "verified_at", c.verifiedAt());
    set(sets, values, "approved", c.approved());
    set(sets, values, "shipped_at", c.shippedAt());
    set(sets, values, "delivered_at", c.deliveredAt());
    if (c.clearPaid()) {
      sets.add("paid_at = null");
    } else {
      set(sets, values, "paid_at", c.paidAt());
    }
    set(sets, values, "closed_at", c.closedAt());
    set(sets, values, "invoice_id", c.invoiceId());
    set(sets, values, "invoiced_at", c.invoicedAt());
    set(sets, values, "manual_allocation", c.manualAllocation());
    set(sets, values, "credit_note", c.creditNote());
    if (sets.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    values.addAll(List.of(tenantId, MonthScan.month(placedAt), placedAt, orderId));
    // IF EXISTS is not used: the row exists (its key was read), and a lightweight transaction per event would cost a Paxos round.
    return session.executeWrite("UPDATE " + ks + ".report_orders SET " + String.join(", ", sets)
        + " WHERE tenant = ? AND month = ? AND placed_at = ? AND order_id = ?", values.toArray());
  }

  private static void set(List<String> sets, List<Object> values, String column, Object value) {
    if (value != null) {
      sets.add(column + " = ?");
      values.add(value);
    }
  }

  @Override
  public CompletionStage<Flags> flags(String tenantId, String orderId) {
    return session.selectOne("SELECT manual_allocation, credit_note FROM " + ks + ".report_order_keys WHERE tenant = ? AND order_id = ?",
        tenantId, orderId).thenApply(row -> row.map(r -> new Flags(r.getBoolean("manual_allocation"), r.getBoolean("credit_note")))
        .orElse(new Flags(false, false)));
  }

  @Override
  public CompletionStage<Done> flag(String tenantId, String orderId, Flags flags) {
    List<String> sets = new ArrayList<>();
    if (flags.manualAllocation()) {
      sets.add("manual_allocation = true");
    }
    if (flags.creditNote()) {
      sets.add("credit_note = true");
    }
    if (sets.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return session.executeWrite("UPDATE " + ks + ".report_order_keys SET " + String.join(", ", sets) + " WHERE tenant = ? AND order_id = ?",
            tenantId, orderId)
        .thenCompose(done -> placedAt(tenantId, orderId))
        .thenCompose(at -> at.isEmpty() ? CompletableFuture.completedFuture(Done.getInstance())
            : update(tenantId, orderId, at.get(), OrderRow.Change.none().flags(flags.manualAllocation() ? Boolean.TRUE : null,
                flags.creditNote() ? Boolean.TRUE : null)));
  }

  @Override
  public CompletionStage<Page> list(String tenantId, Query query, String pageToken, int limit, int maxScan) {
    ListCursor start = pageToken == null ? ListCursor.before(query.to()) : ListCursor.open(pageToken);
    MonthScan<OrderRow> scan = new MonthScan<>((month, lower, upper, chunk) -> session.selectAll("SELECT " + COLUMNS + " FROM " + ks
        + ".report_orders WHERE tenant = ? AND month = ? AND placed_at <= ? AND placed_at >= ? LIMIT ?", tenantId, month, upper, lower, chunk)
        .thenApply(rows -> rows.stream().map(CassandraOrderReportStore::row).toList()), OrderRow::placedAt, OrderRow::orderId);
    return scan.scan(start, query.from(), query::matches, limit, maxScan)
        .thenApply(r -> new Page(r.rows(), r.next() == null ? null : r.next().token(), r.scanned()));
  }

  @Override
  public CompletionStage<List<OrderRow>> placedBetween(String tenantId, Instant from, Instant to) {
    List<CompletableFuture<List<OrderRow>>> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(from.atOffset(ZoneOffset.UTC)); !m.isAfter(YearMonth.from(to.atOffset(ZoneOffset.UTC))); m = m.plusMonths(1)) {
      months.add(session.selectAll("SELECT " + COLUMNS + " FROM " + ks + ".report_orders WHERE tenant = ? AND month = ? AND placed_at >= ? "
          + "AND placed_at <= ? LIMIT ?", tenantId, m.toString(), from, to, MAX_ORDERS + 1)
          .thenApply(rows -> rows.stream().map(CassandraOrderReportStore::row).toList())
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(months.toArray(CompletableFuture[]::new)).thenApply(all -> {
      List<OrderRow> out = new ArrayList<>();
      months.forEach(m -> out.addAll(m.join()));
      if (out.size() > MAX_ORDERS) {
        throw new TooManyOrders(MAX_ORDERS);
      }
      return out;
    });
  }

  private static final TypeReference<List<OrderRow.Line>> LINES = new TypeReference<>() {};

  static OrderRow row(Row r) {
    List<OrderRow.Line> lines;
    try {
      lines = r.isNull("lines") ? List.of() : CassandraReportStore.MAPPER.readValue(r.getString("lines"), LINES);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot read the lines of order " + r.getString("order_id"), e);
    }
    return new OrderRow(r.getString("order_id"), r.getString("customer_id"), r.getString("channel"), r.getString("external_reference"),
        r.getString("currency"), r.getString("status"), r.getList("hold_reasons", String.class), r.getString("review_queue"),
        r.getLong("units"), r.getBigDecimal("net"), r.getBigDecimal("gross"), lines, r.getString("invoice_id"), r.getInstant("placed_at"),
        r.getInstant("invoiced_at"), r.getInstant("verified_at"), r.getBoolean("approved"), r.getInstant("shipped_at"),
        r.getInstant("delivered_at"), r.getInstant("paid_at"), r.getInstant("closed_at"), r.getBoolean("manual_allocation"),
        r.getBoolean("credit_note"));
  }
}
