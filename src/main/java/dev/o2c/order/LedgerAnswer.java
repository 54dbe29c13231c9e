package dev.o2c.order;

import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;
import java.math.BigDecimal;
import java.util.List;

/** What the customer's ledger answered an order. */
public sealed interface LedgerAnswer extends CborSerializable {

  /**
   * Taken: the order's status as the ledger decided it, why it is held (rules and credit), the
   * credit issues an approval overrode, its invoice if the ledger issued one (null otherwise), and
   * its gross total (tax included: what the customer will owe). {@code replayed}: the ledger had
   * taken this very order before and answers as it did then.
   */
  record Accepted(
      OrderStatus status, List<HoldReason> holdReasons, List<CreditIssue> overridden, String invoiceId, String invoiceNumber,
      BigDecimal grossTotal, boolean replayed) implements LedgerAnswer {
    public Accepted {
      holdReasons = List.copyOf(holdReasons);
      overridden = List.copyOf(overridden);
    }
  }

  /** Not taken, and nothing changed. */
  record Refused(Rejection rejection) implements LedgerAnswer {}
}
