package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoiceView;
import dev.o2c.order.PaymentStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentStatusTest {

  private static InvoiceView invoice(InvoiceStatus status, String paid, String credited, String balance) {
    return new InvoiceView("inv_1", "INV-2026-000001", "ord_1", "c", null, "EUR", List.of(), new BigDecimal("100.00"),
        BigDecimal.ZERO, new BigDecimal("100.00"), new BigDecimal(paid), new BigDecimal(credited), BigDecimal.ZERO,
        new BigDecimal(balance), LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1), status, DunningLevel.NONE, List.of(),
        Instant.EPOCH);
  }

  @Test
  void the_orders_payment_status_follows_what_was_paid_not_what_was_credited() {
    assertEquals(PaymentStatus.UNPAID, ShardedLedgerEffects.paymentStatus(invoice(InvoiceStatus.ISSUED, "0", "0", "100.00")));
    assertEquals(PaymentStatus.UNPAID, ShardedLedgerEffects.paymentStatus(invoice(InvoiceStatus.PAID, "0", "100.00", "0.00")),
        "settled by credit notes alone: nothing was paid");
    assertEquals(PaymentStatus.UNPAID, ShardedLedgerEffects.paymentStatus(invoice(InvoiceStatus.VOID, "0", "0", "0.00")));
    assertEquals(PaymentStatus.PARTIALLY_PAID,
        ShardedLedgerEffects.paymentStatus(invoice(InvoiceStatus.PARTIALLY_PAID, "30.00", "0", "70.00")));
    assertEquals(PaymentStatus.PAID, ShardedLedgerEffects.paymentStatus(invoice(InvoiceStatus.PAID, "60.00", "40.00", "0.00")));
  }
}
