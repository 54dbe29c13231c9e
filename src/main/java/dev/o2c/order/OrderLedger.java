package dev.o2c.order;

import java.util.concurrent.CompletionStage;

/**
 * How an order reaches its customer's ledger, the one writer of the customer's money (credit,
 * invoices, cash). Implemented by the account context; an interface here so that orders do not
 * depend on accounts. Every call is idempotent by order id.
 */
public interface OrderLedger {

  /** A change of an order that the ledger must decide or know about. */
  enum Change {
    /** Release a held order, overriding credit issues: reserve (and invoice, if the tenant invoices on verification). */
    APPROVE,
    /** A held order refused: it never holds credit. */
    REJECT,
    /** Cancelled: release its credit, or void or credit its invoice. */
    CANCEL,
    /** Shipped: invoiced now where the tenant invoices on shipment (or where invoicing failed before). */
    SHIP,
    /** Invoice it now, if it has no invoice yet (after invoicing failed: an unknown tax code, fixed since). */
    INVOICE
  }

  /** Decide the order's credit and, where due, issue its invoice — in one write of the ledger. */
  CompletionStage<LedgerAnswer> place(String tenantId, PlacementRequest request);

  CompletionStage<LedgerAnswer> change(String tenantId, String customerId, String orderId, Change change, String reason, String by);

  /** The order has stored its own record of the placement (no answer). */
  void recorded(String tenantId, String customerId, String orderId);
}
