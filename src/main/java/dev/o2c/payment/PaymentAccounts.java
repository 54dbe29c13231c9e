package dev.o2c.payment;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The customer accounts as a payment uses them: each is the one writer of its customer's
 * balances and decides every application (docs/payments.md). Every call is idempotent or refused
 * without effect, so a payment may repeat one after a failure.
 */
public interface PaymentAccounts {

  /** Whether the customer can pay in this currency (an Ok without a payment), or why not. */
  CompletionStage<PaymentLedgerResult> checkPayer(String tenantId, String customerId, String currency);

  /** Apply a received payment by the matching rules (once per payment id). */
  CompletionStage<PaymentLedgerResult> apply(String tenantId, String customerId, Received payment);

  /** Apply a payment's unapplied money to chosen invoices (the account learns the payment if new to it). */
  CompletionStage<PaymentLedgerResult> allocate(
      String tenantId, String customerId, Received payment, List<ChosenAllocation> allocations, String by);

  CompletionStage<PaymentLedgerResult> unallocate(String tenantId, String customerId, String paymentId, String invoiceId, String by);

  CompletionStage<PaymentLedgerResult> reverse(String tenantId, String customerId, String paymentId, String reason, String by);

  /** What a payment is to the account: its identity and what it says. */
  record Received(
      String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, String remittanceInfo, String bankReference) {}
}
