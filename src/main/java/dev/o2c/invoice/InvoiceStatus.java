package dev.o2c.invoice;

/**
 * Where an invoice's balance stands: ISSUED (nothing applied), PARTIALLY_PAID (some of it paid,
 * credited or written off), PAID (nothing owed any more), VOID (cancelled before anything was
 * applied), WRITTEN_OFF (the whole remaining balance written off).
 */
public enum InvoiceStatus {
  ISSUED,
  PARTIALLY_PAID,
  PAID,
  VOID,
  WRITTEN_OFF;

  public boolean isOpen() {
    return this == ISSUED || this == PARTIALLY_PAID;
  }
}
