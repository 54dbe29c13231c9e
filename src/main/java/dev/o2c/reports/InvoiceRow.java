package dev.o2c.reports;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** An invoice in the tenant-wide list ({@code report_invoices}), as its customer's book holds it. */
public record InvoiceRow(
    String invoiceId, String invoiceNumber, String customerId, String orderId, String currency, BigDecimal total, BigDecimal balance,
    String status, LocalDate issuedOn, LocalDate dueOn, String dunningLevel) {

  static InvoiceRow of(String customerId, Book.Invoice i) {
    return new InvoiceRow(i.invoiceId(), i.invoiceNumber(), customerId, i.orderId(), i.currency(), i.total(), i.balance(), i.status(),
        i.issuedOn(), i.dueOn(), i.dunningLevel());
  }

  /** Owed and past its due date on {@code today}. */
  public boolean overdue(LocalDate today) {
    return balance.signum() > 0 && !"VOID".equals(status) && dueOn.isBefore(today);
  }

  java.time.Instant issuedAt() {
    return issuedOn.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** Which invoices a list wants (null: any); {@code status} OPEN is ISSUED or PARTIALLY_PAID. */
  public record Query(String status, String customerId, boolean overdue, String dunningLevel, LocalDate today) {

    public boolean matches(InvoiceRow r) {
      boolean statusOk = status == null || status.equals(r.status())
          || status.equals("OPEN") && (r.status().equals("ISSUED") || r.status().equals("PARTIALLY_PAID"));
      return statusOk && (customerId == null || customerId.equals(r.customerId())) && (!overdue || r.overdue(today))
          && (dunningLevel == null || dunningLevel.equals(r.dunningLevel()));
    }
  }

  /** A page of the list and the token of the next (null: no more). */
  public record Page(java.util.List<InvoiceRow> invoices, String next) {}
}
