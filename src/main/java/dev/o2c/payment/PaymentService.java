package dev.o2c.payment;

import dev.o2c.idempotency.KeyClaim;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.Invoice;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.tenancy.Caller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The payments of the cluster as the HTTP routes (single and batch) use them: where a payment's
 * id comes from, whose payment it is, and the asks to its entity.
 *
 * <p>Attribution: a payment is the customer's it names. One that names none is the customer of
 * the first token of its remittance text (then of its bank reference) that is an invoice number,
 * an order id or an order's external reference of one of the tenant's invoices. A payment
 * attributed so to a customer whose account is in another currency, or to none, is kept
 * unattributed: wholly unapplied until someone applies it by hand.
 */
public final class PaymentService {

  /** The scope of payment ids made from Idempotency-Keys. */
  static final String KEY_SCOPE = "payments";

  /** The scope of payment ids made from bank references. */
  static final String BANK_SCOPE = "bank-references";

  /** At most this many distinct tokens of a payment's texts are looked up to find its customer. */
  static final int MAX_ATTRIBUTION_TOKENS = 20;

  private final ClusterSharding sharding;
  private final PaymentAccounts accounts;
  private final InvoiceStore invoices;
  private final Duration askTimeout;

  public PaymentService(ActorSystem<?> system, PaymentAccounts accounts, InvoiceStore invoices, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.accounts = accounts;
    this.invoices = invoices;
    this.askTimeout = askTimeout;
  }

  /**
   * The id of a payment: from its bank reference, else from the Idempotency-Key, else random. (A
   * key given with a bank reference is claimed at the id it would make: see {@link #receive}.)
   */
  static String paymentId(String tenantId, NewPayment payment, String idempotencyKey) {
    if (payment.bankReference() != null) {
      return EntityIds.derived("pay", tenantId, BANK_SCOPE, payment.bankReference());
    }
    return idempotencyKey == null ? EntityIds.random("pay") : EntityIds.derived("pay", tenantId, KEY_SCOPE, idempotencyKey);
  }

  /**
   * Receives a payment. A customer named in the request must exist and keep its account in the
   * payment's currency (422 otherwise, and nothing is stored).
   */
  public CompletionStage<PaymentResult> receive(Caller caller, NewPayment payment, String idempotencyKey) {
    String tenantId = caller.tenantId();
    String paymentId = paymentId(tenantId, payment, idempotencyKey);
    CompletionStage<Object> payer = payment.customerId() != null
        ? accounts.checkPayer(tenantId, payment.customerId(), payment.currency()).thenApply(answer ->
            answer instanceof PaymentLedgerResult.Failed failed ? (Object) failed.rejection() : new Payer(payment.customerId(), Attribution.GIVEN))
        : attribute(tenantId, payment).thenApply(found -> (Object) found);
    return payer.thenCompose(found -> {
      if (found instanceof Rejection rejection) {
        return CompletableFuture.completedFuture(new PaymentResult.Failed(rejection));
      }
      Payer p = (Payer) found;
      Function<ActorRef<PaymentResult>, Payment.Command> receive = replyTo ->
          new Payment.Receive(payment, p.customerId(), p.attribution(), idempotencyKey, caller.principal(), replyTo);
      if (idempotencyKey == null || payment.bankReference() == null) {
        return ask(tenantId, paymentId, receive);
      }
      // The bank reference makes the id; the key is claimed where a payment without one would live,
      // so that it is refused for any other request, with or without a bank reference.
      String keyId = EntityIds.derived("pay", tenantId, KEY_SCOPE, idempotencyKey);
      return ref(tenantId, keyId).<KeyClaim.Answer>ask(replyTo -> new Payment.ClaimKey(payment.fingerprint(), replyTo), askTimeout)
          .thenCompose(answer -> answer == KeyClaim.Answer.GRANTED
              ? ask(tenantId, paymentId, receive)
              : CompletableFuture.completedFuture(new PaymentResult.Failed(
                  Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different payment request."))));
    });
  }

  /** Whose payment it is, by the tokens of its texts; {@link Payer#NONE} when no token tells. */
  CompletionStage<Payer> attribute(String tenantId, NewPayment payment) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String token : Matching.tokens(payment.remittanceInfo(), payment.bankReference())) {
      if (distinct.size() == MAX_ATTRIBUTION_TOKENS) {
        break;
      }
      distinct.add(token.toLowerCase(Locale.ROOT));
    }
    List<String> tokens = new ArrayList<>(distinct);
    List<CompletableFuture<Optional<String>>> lookups = tokens.stream()
        .map(token -> invoices.customerOfReference(tenantId, token).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenCompose(all -> {
      for (int i = 0; i < tokens.size(); i++) {
        Optional<String> customer = lookups.get(i).join();
        if (customer.isPresent()) {
          Attribution attribution = new Attribution(Attribution.Method.REFERENCE, tokens.get(i));
          return accounts.checkPayer(tenantId, customer.get(), payment.currency()).thenApply(answer ->
              answer instanceof PaymentLedgerResult.Ok ? new Payer(customer.get(), attribution) : Payer.NONE);
        }
      }
      return CompletableFuture.completedFuture(Payer.NONE);
    });
  }

  /**
   * Applies a payment's unapplied money to chosen invoices. A payment without a customer becomes
   * the customer's of the first invoice chosen (whose account then checks all of them).
   */
  public CompletionStage<PaymentResult> allocate(Caller caller, String paymentId, PaymentRequests.Allocate request) {
    String tenantId = caller.tenantId();
    return ask(tenantId, paymentId, Payment.Get::new).thenCompose(found -> {
      if (!(found instanceof PaymentResult.Ok ok)) {
        return CompletableFuture.completedFuture(found);
      }
      List<ChosenAllocation> chosen = PaymentRequests.validate(request, ok.payment().currency());
      if (ok.payment().customerId() != null) {
        return ask(tenantId, paymentId, replyTo -> new Payment.Allocate(chosen, null, caller.principal(), replyTo));
      }
      String firstInvoice = chosen.get(0).invoiceId();
      return sharding.entityRefFor(Invoice.KEY, EntityIds.entityId(tenantId, firstInvoice))
          .<InvoiceResult>ask(Invoice.Get::new, askTimeout)
          .thenCompose(invoice -> invoice instanceof InvoiceResult.Ok inv
              ? ask(tenantId, paymentId, replyTo -> new Payment.Allocate(chosen, inv.invoice().customerId(), caller.principal(), replyTo))
              : CompletableFuture.completedFuture(new PaymentResult.Failed(new Rejection(Rejection.Kind.UNPROCESSABLE,
                  "The allocations cannot be made.", java.util.Map.of("allocations[0].invoiceId", "is not an invoice of this tenant")))));
    });
  }

  public CompletionStage<PaymentResult> ask(String tenantId, String paymentId, Function<ActorRef<PaymentResult>, Payment.Command> command) {
    return ref(tenantId, paymentId).ask(command::apply, askTimeout);
  }

  private EntityRef<Payment.Command> ref(String tenantId, String paymentId) {
    return sharding.entityRefFor(Payment.KEY, EntityIds.entityId(tenantId, paymentId));
  }

  /** A payment's customer (null: none) and how it was found. */
  record Payer(String customerId, Attribution attribution) {
    static final Payer NONE = new Payer(null, Attribution.NONE);
  }
}
