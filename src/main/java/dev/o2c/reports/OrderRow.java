package dev.o2c.reports;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order as the reports and the tenant-wide order list see it ({@code report_orders}): what was
 * ordered, its status and hold reasons, and when it reached each step (null: not yet).
 * {@code net} is the order's total before tax, {@code gross} with tax; {@code manualAllocation}
 * and {@code creditNote} say whether its invoice needed a hand.
 */
public record OrderRow(
    String orderId, String customerId, String channel, String externalReference, String currency, String status, List<String> holdReasons,
    String reviewQueue, long units, BigDecimal net, BigDecimal gross, List<Line> lines, String invoiceId, Instant placedAt,
    Instant invoicedAt, Instant verifiedAt, boolean approved, Instant shippedAt, Instant deliveredAt, Instant paidAt, Instant closedAt,
    boolean manualAllocation, boolean creditNote) {

  public OrderRow {
    holdReasons = holdReasons == null ? List.of() : List.copyOf(holdReasons);
    lines = lines == null ? List.of() : List.copyOf(lines);
  }

  /** A line: its SKU, quantity and net amount. */
  public record Line(String sku, long quantity, BigDecimal net) {}

  /** What an event changes of an order's row (null: unchanged); {@code clearPaid} takes paidAt back. */
  public record Change(
      String status, Instant verifiedAt, Boolean approved, Instant shippedAt, Instant deliveredAt, Instant paidAt, boolean clearPaid,
      Instant closedAt, String invoiceId, Instant invoicedAt, Boolean manualAllocation, Boolean creditNote) {

    public static Change none() {
      return new Change(null, null, null, null, null, null, false, null, null, null, null, null);
    }

    public Change status(String s) {
      return new Change(s, verifiedAt, approved, shippedAt, deliveredAt, paidAt, clearPaid, closedAt, invoiceId, invoicedAt, manualAllocation,
          creditNote);
    }

    public Change verified(Instant at, boolean byApproval) {
      return new Change(status, at, byApproval ? Boolean.TRUE : approved, shippedAt, deliveredAt, paidAt, clearPaid, closedAt, invoiceId,
          invoicedAt, manualAllocation, creditNote);
    }

    public Change shipped(Instant at) {
      return new Change(status, verifiedAt, approved, at, deliveredAt, paidAt, clearPaid, closedAt, invoiceId, invoicedAt, manualAllocation,
          creditNote);
    }

    public Change delivered(Instant at) {
      return new Change(status, verifiedAt, approved, shippedAt, at, paidAt, clearPaid, closedAt, invoiceId, invoicedAt, manualAllocation,
          creditNote);
    }

    public Change paid(Instant at) {
      return new Change(status, verifiedAt, approved, shippedAt, deliveredAt, at, at == null, closedAt, invoiceId, invoicedAt,
          manualAllocation, creditNote);
    }

    public Change closed(Instant at) {
      return new Change(status, verifiedAt, approved, shippedAt, deliveredAt, paidAt, clearPaid, at, invoiceId, invoicedAt, manualAllocation,
          creditNote);
    }

    public Change invoiced(String id, Instant at) {
      return new Change(status, verifiedAt, approved, shippedAt, deliveredAt, paidAt, clearPaid, closedAt, id, at, manualAllocation,
          creditNote);
    }

    public Change flags(Boolean manual, Boolean credit) {
      return new Change(status, verifiedAt, approved, shippedAt, deliveredAt, paidAt, clearPaid, closedAt, invoiceId, invoicedAt, manual,
          credit);
    }

    /** This change applied to a row (the in-memory store, and tests). */
    public OrderRow applyTo(OrderRow r) {
      return new OrderRow(r.orderId(), r.customerId(), r.channel(), r.externalReference(), r.currency(), status != null ? status : r.status(),
          r.holdReasons(), r.reviewQueue(), r.units(), r.net(), r.gross(), r.lines(), invoiceId != null ? invoiceId : r.invoiceId(),
          r.placedAt(), invoicedAt != null ? invoicedAt : r.invoicedAt(), verifiedAt != null ? verifiedAt : r.verifiedAt(),
          approved != null ? approved : r.approved(), shippedAt != null ? shippedAt : r.shippedAt(),
          deliveredAt != null ? deliveredAt : r.deliveredAt(), clearPaid ? null : paidAt != null ? paidAt : r.paidAt(),
          closedAt != null ? closedAt : r.closedAt(), manualAllocation != null ? manualAllocation : r.manualAllocation(),
          creditNote != null ? creditNote : r.creditNote());
    }
  }
}
