package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import dev.o2c.invoice.Invoice.Applied;
import dev.o2c.invoice.Invoice.DunningRaised;
import dev.o2c.invoice.Invoice.Event;
import dev.o2c.invoice.Invoice.Issued;
import dev.o2c.invoice.Invoice.Voided;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An invoice: the document it was issued as ({@link Issued}), what has been applied against it,
 * and where it stands. The money follows the customer's account (the ledger), which decides every
 * application; this state records them. For every invoice that is not VOID:
 * amountPaid + amountCredited + amountWrittenOff + balance = total, and 0 &lt;= balance &lt;= total.
 */
public record InvoiceState(
    Issued issued,
    List<Application> applications,
    BigDecimal amountPaid,
    BigDecimal amountCredited,
    BigDecimal amountWrittenOff,
    BigDecimal balance,
    boolean voided,
    DunningLevel dunningLevel,
    Instant updatedAt)
    implements CborSerializable {

  public InvoiceState {
    applications = applications == null ? List.of() : List.copyOf(applications);
  }

  public static final InvoiceState EMPTY =
      new InvoiceState(null, List.of(), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, false, DunningLevel.NONE, null);

  public boolean exists() {
    return issued != null;
  }

  public boolean hasApplication(String id) {
    return applications.stream().anyMatch(a -> a.id().equals(id));
  }

  public InvoiceStatus status() {
    if (voided) {
      return InvoiceStatus.VOID;
    }
    if (balance.signum() == 0) {
      return InvoiceStatus.PAID;
    }
    return balance.compareTo(issued.total()) < 0 ? InvoiceStatus.PARTIALLY_PAID : InvoiceStatus.ISSUED;
  }

  public InvoiceState apply(Event event) {
    if (event instanceof Issued e) {
      BigDecimal zero = Money.zero(e.currency());
      return new InvoiceState(e, List.of(), zero, zero, zero, e.total(), false, DunningLevel.NONE, e.at());
    }
    if (event instanceof Applied e) {
      Application a = e.application();
      List<Application> more = new ArrayList<>(applications);
      more.add(a);
      return new InvoiceState(
          issued, more,
          a.kind() == Application.Kind.PAYMENT ? amountPaid.add(a.amount()) : amountPaid,
          a.kind() == Application.Kind.CREDIT_NOTE ? amountCredited.add(a.amount()) : amountCredited,
          a.kind() == Application.Kind.WRITE_OFF ? amountWrittenOff.add(a.amount()) : amountWrittenOff,
          balance.subtract(a.amount()), voided,
          balance.subtract(a.amount()).signum() == 0 ? DunningLevel.NONE : dunningLevel, a.at());
    }
    if (event instanceof Voided e) {
      return new InvoiceState(issued, applications, amountPaid, amountCredited, amountWrittenOff, Money.zero(issued.currency()),
          true, DunningLevel.NONE, e.at());
    }
    if (event instanceof DunningRaised e) {
      return new InvoiceState(issued, applications, amountPaid, amountCredited, amountWrittenOff, balance, voided, e.level(), e.at());
    }
    throw new IllegalStateException("Unknown event " + event);
  }
}
