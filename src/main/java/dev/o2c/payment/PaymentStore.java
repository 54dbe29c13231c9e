package dev.o2c.payment;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** The read models of payments: those with unapplied money (attributed or not), and a customer's. */
public interface PaymentStore {

  /** A payment in a list. */
  record Summary(
      String paymentId, String customerId, PaymentEntry.PaymentStatus status, BigDecimal amount, BigDecimal unappliedAmount,
      String currency, LocalDate receivedOn, String bankReference, String remittanceInfo) {

    public static Summary of(PaymentView v) {
      return new Summary(v.paymentId(), v.customerId(), v.status(), v.amount(), v.unappliedAmount(), v.currency(), v.receivedOn(),
          v.bankReference(), v.remittanceInfo());
    }

    /** Money of it waits to be applied. */
    public boolean unapplied() {
      return status == PaymentEntry.PaymentStatus.UNAPPLIED || status == PaymentEntry.PaymentStatus.PARTIALLY_APPLIED
          || status == PaymentEntry.PaymentStatus.PENDING;
    }
  }

  /** A page of a list; {@code nextPageToken} is null on the last page. */
  record Page(List<Summary> payments, String nextPageToken) {}

  /** Writes (rewrites) a payment's rows as it is now. */
  CompletionStage<Done> save(String tenantId, Summary payment);

  /** A page of the tenant's payments with unapplied money. */
  CompletionStage<Page> unapplied(String tenantId, int limit, String pageToken);

  /** Remembers an unattributed payment under the (lower-cased) tokens of its texts. */
  CompletionStage<Done> awaitReferences(String tenantId, String paymentId, List<String> tokens);

  /** The unattributed payments remembered under a token (at most a bounded number). */
  CompletionStage<List<String>> awaiting(String tenantId, String token);

  /** A page of a customer's payments. */
  CompletionStage<Page> ofCustomer(String tenantId, String customerId, int limit, String pageToken);
}
