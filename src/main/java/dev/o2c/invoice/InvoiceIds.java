package dev.o2c.invoice;

/** The invoice id of an order and back: made from the order's id, so one order has one invoice. */
public final class InvoiceIds {

  private InvoiceIds() {}

  public static String forOrder(String orderId) {
    return "inv_" + (orderId.startsWith("ord_") ? orderId.substring(4) : orderId);
  }

  /** The order an invoice id was made from, or null when the id is not an invoice id. */
  public static String orderOf(String invoiceId) {
    return invoiceId.startsWith("inv_") && invoiceId.length() > 4 ? "ord_" + invoiceId.substring(4) : null;
  }
}
