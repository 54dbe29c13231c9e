package dev.o2c.reports;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The tenant-wide order read models (config/cql/060-reports.cql): each order's row, newest first
 * by month, and its key (where its row is, and what the ledger said of its invoice).
 */
public interface OrderReportStore {

  /** Whether an order's invoice had a manual allocation or a credit note (the ledger's word). */
  record Flags(boolean manualAllocation, boolean creditNote) {}

  /** Which orders a list wants; null: any. {@code from}/{@code to}: placement time bounds (inclusive). */
  record Query(String status, String customerId, String channel, String holdReason, String reviewQueue, Instant from, Instant to) {

    public boolean matches(OrderRow r) {
      return (status == null || status.equals(r.status())) && (customerId == null || customerId.equals(r.customerId()))
          && (channel == null || channel.equals(r.channel())) && (holdReason == null || r.holdReasons().contains(holdReason))
          && (reviewQueue == null || reviewQueue.equals(r.reviewQueue()));
    }
  }

  /** A page of a list, and where the next begins (null: no more). {@code scanned}: rows read for it. */
  record Page(List<OrderRow> orders, String next, int scanned) {}

  /** Writes a placed order's row and key. */
  CompletionStage<Done> placed(String tenantId, OrderRow row);

  /** Where an order's row is: its placement time (empty if the order has no row yet). */
  CompletionStage<Optional<Instant>> placedAt(String tenantId, String orderId);

  CompletionStage<Done> update(String tenantId, String orderId, Instant placedAt, OrderRow.Change change);

  CompletionStage<Flags> flags(String tenantId, String orderId);

  /** Records what the ledger did to an order's invoice, on its key and on its row if it has one. */
  CompletionStage<Done> flag(String tenantId, String orderId, Flags flags);

  /** The orders that match, newest first, from {@code pageToken} on; at most {@code limit}, scanning at most {@code maxScan} rows. */
  CompletionStage<Page> list(String tenantId, Query query, String pageToken, int limit, int maxScan);

  /**
   * Every order placed in [from, to] (for the sales, cycle-time and automation reports); more than
   * {@link #MAX_ORDERS} fail with {@link TooManyOrders} rather than be read into memory.
   */
  CompletionStage<List<OrderRow>> placedBetween(String tenantId, Instant from, Instant to);

  /** The most orders a report over a period reads. */
  int MAX_ORDERS = 200_000;

  /** A period holds more orders than a report reads: a shorter one is needed. */
  final class TooManyOrders extends RuntimeException {
    public TooManyOrders(int max) {
      super("The period holds more than " + max + " orders; ask for a shorter period (or narrow it to a customer).");
    }
  }
}
