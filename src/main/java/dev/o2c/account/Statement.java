package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A customer's statement over a period: the invoices open now, the unapplied cash and account
 * credit now, and the payments (by the day they were received), credit notes and refunds of the
 * period; with the balance now: {@code balance} = open invoice balances - unapplied cash -
 * account credit.
 */
public record Statement(
    String customerId,
    String currency,
    LocalDate from,
    LocalDate to,
    BigDecimal balance,
    BigDecimal openInvoicesTotal,
    BigDecimal unappliedCash,
    BigDecimal accountCredit,
    List<OpenInvoice> openInvoices,
    List<Payment> payments,
    List<CreditNote> creditNotes,
    List<Refund> refunds)
    implements CborSerializable {

  public Statement {
    openInvoices = List.copyOf(openInvoices);
    payments = List.copyOf(payments);
    creditNotes = List.copyOf(creditNotes);
    refunds = List.copyOf(refunds);
  }

  /** An open invoice and what has been applied to it. */
  public record OpenInvoice(
      String invoiceId, String invoiceNumber, String orderId, LocalDate issuedOn, LocalDate dueOn, BigDecimal total, BigDecimal paid,
      BigDecimal credited, BigDecimal writtenOff, BigDecimal balance, DunningLevel dunningLevel) implements CborSerializable {

    static OpenInvoice of(Receivable r) {
      return new OpenInvoice(r.invoiceId(), r.invoiceNumber(), r.orderId(), r.issuedOn(), r.dueOn(), r.total(), r.paid(), r.credited(),
          r.writtenOff(), r.balance(), r.dunningLevel());
    }
  }

  /** A payment of the period and where its money is now. */
  public record Payment(
      String paymentId, PaymentEntry.PaymentStatus status, LocalDate receivedOn, BigDecimal amount, List<Allocation> allocations,
      List<WriteOff> writeOffs, BigDecimal unappliedAmount, BigDecimal refundedAmount) implements CborSerializable {

    static Payment of(PaymentEntry p) {
      return new Payment(p.paymentId(), p.status(), p.receivedOn(), p.amount(), p.allocations(), p.writeOffs(), p.unapplied(),
          p.refunded());
    }
  }

  /** Unapplied cash paid back, and whose payments it came from. */
  public record Refund(
      String refundId, BigDecimal amount, String reference, List<CustomerAccount.RefundSource> sources, String by, Instant at)
      implements CborSerializable {

    static Refund of(CustomerAccount.RefundIssued r) {
      return new Refund(r.refundId(), r.amount(), r.reference(), r.sources(), r.by(), r.at());
    }
  }
}
