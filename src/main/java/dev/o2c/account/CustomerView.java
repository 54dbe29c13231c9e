package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A customer account as the API shows it. {@code status} is what applies to new orders: BLOCKED
 * or CREDIT_HOLD as set on the account, or CREDIT_HOLD while dunning holds the customer
 * ({@code dunningHold}); {@code creditUsed} = {@code reservedForOrders} + {@code openReceivables};
 * {@code balance} = {@code openReceivables} - {@code unappliedCash} - {@code accountCredit}.
 */
public record CustomerView(
    String customerId,
    String name,
    String email,
    String currency,
    CustomerStatus status,
    boolean dunningHold,
    BigDecimal creditLimit,
    BigDecimal creditUsed,
    BigDecimal availableCredit,
    BigDecimal reservedForOrders,
    int openOrders,
    BigDecimal openReceivables,
    int openInvoices,
    BigDecimal unappliedCash,
    BigDecimal accountCredit,
    BigDecimal balance,
    int paymentTermsDays,
    Instant createdAt,
    Instant updatedAt)
    implements CborSerializable {

  public static CustomerView of(CustomerState s, boolean dunningHold) {
    CustomerStatus status = s.status() == CustomerStatus.ACTIVE && dunningHold ? CustomerStatus.CREDIT_HOLD : s.status();
    return new CustomerView(
        s.customerId(), s.name(), s.email(), s.currency(), status, dunningHold, s.creditLimit(), s.creditUsed(), s.availableCredit(),
        s.reserved(), s.ordersHoldingCredit(), s.receivable(), s.receivables().size(), s.unappliedCash(), s.accountCredit(), s.balance(),
        s.paymentTermsDays(), s.createdAt(), s.updatedAt());
  }
}
