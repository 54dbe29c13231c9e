package dev.o2c.payment;

import dev.o2c.idempotency.KeyClaim;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceIds;
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
 * <p>Attribution: a payment is the customer's it names. One that names none is attributed by the
 * tokens of its remittance text and bank reference ({@link Attributions}): invoice numbers and
 * order ids first, external references only when none of those is named; a token naming more than
 * one customer attributes nothing (AMBIGUOUS_REFERENCE, with the candidates). References are looked
 * up where they are current: invoice numbers and external references in the index the customer's
 * account writes before an order's answer goes out, order ids at the order itself. A payment
 * attributed to no one is kept, wholly unapplied, and remembered under its tokens: when an invoice
 * or order it names appears, it is attributed again ({@link #referencesAppeared}), and
 * {@link #reattribute} does the same on request.
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
  private final PaymentStore store;
  private final OrderCustomers orders;
  private final Duration askTimeout;

  public PaymentService(
      ActorSystem<?> system, PaymentAccounts accounts, InvoiceStore invoices, PaymentStore store, OrderCustomers orders,
      Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.accounts = accounts;
    this.invoices = invoices;
    this.store = store;
    this.orders = orders;
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
        : attribute(tenantId, payment.remittanceInfo(), payment.bankReference(), payment.currency()).thenApply(found -> (Object) found);
    return payer.thenCompose(found -> {
      if (found instanceof Rejection rejection) {
        return CompletableFuture.completedFuture(new PaymentResult.Failed(rejection));
      }
      Payer p = (Payer) found;
      Function<ActorRef<PaymentResult>, Payment.Command> receive = replyTo ->
          new Payment.Receive(payment, p.customerId(), p.attribution(), idempotencyKey, caller.by(), replyTo);
      if (idempotencyKey == null || payment.bankReference() == null) {
        return ask(tenantId, paymentId, receive).thenCompose(result -> awaitIfUnattributed(tenantId, result));
      }
      // The bank reference makes the id; the key is claimed where a payment without one would live,
      // so that it is refused for any other request, with or without a bank reference.
      String keyId = EntityIds.derived("pay", tenantId, KEY_SCOPE, idempotencyKey);
      return ref(tenantId, keyId).<KeyClaim.Answer>ask(replyTo -> new Payment.ClaimKey(payment.fingerprint(), replyTo), askTimeout)
          .thenCompose(answer -> answer == KeyClaim.Answer.GRANTED
              ? ask(tenantId, paymentId, receive).thenCompose(result -> awaitIfUnattributed(tenantId, result))
              : CompletableFuture.completedFuture(new PaymentResult.Failed(
                  Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different payment request."))));
    });
  }

  /** Whose payment it is, by the tokens of its texts; {@link Payer#NONE} (or ambiguous) when no single customer is named. */
  CompletionStage<Payer> attribute(String tenantId, String remittanceInfo, String bankReference, String currency) {
    List<String> tokens = tokens(remittanceInfo, bankReference);
    List<CompletableFuture<List<Attributions.Hit>>> lookups = tokens.stream().map(token -> hits(tenantId, token)).toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenCompose(all -> {
      List<Attributions.Hit> hits = new ArrayList<>();
      lookups.forEach(lookup -> hits.addAll(lookup.join()));
      Attributions.Outcome outcome = Attributions.decide(hits);
      if (outcome.customerId() == null) {
        return CompletableFuture.completedFuture(new Payer(null, outcome.attribution()));
      }
      return accounts.checkPayer(tenantId, outcome.customerId(), currency).thenApply(answer ->
          answer instanceof PaymentLedgerResult.Ok ? new Payer(outcome.customerId(), outcome.attribution()) : Payer.NONE);
    });
  }

  /** The distinct tokens of a payment's texts, lower-cased, at most {@link #MAX_ATTRIBUTION_TOKENS}. */
  static List<String> tokens(String remittanceInfo, String bankReference) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String token : Matching.tokens(remittanceInfo, bankReference)) {
      if (distinct.size() == MAX_ATTRIBUTION_TOKENS) {
        break;
      }
      distinct.add(token.toLowerCase(Locale.ROOT));
    }
    return new ArrayList<>(distinct);
  }

  /** The customers a token names: by invoice number or external reference (the index), by order id (the order). */
  private CompletableFuture<List<Attributions.Hit>> hits(String tenantId, String token) {
    CompletableFuture<List<Attributions.Hit>> indexed = invoices.referencesOf(tenantId, token).toCompletableFuture()
        .thenApply(found -> found.stream()
            .map(h -> new Attributions.Hit(token, h.customerId(),
                h.kind() == InvoiceStore.ReferenceKind.NUMBER ? Attributions.Rank.PRIMARY : Attributions.Rank.EXTERNAL))
            .toList());
    if (!token.startsWith("ord_") || !EntityIds.isValidId(token)) {
      return indexed;
    }
    CompletableFuture<List<Attributions.Hit>> order = orders.customerOf(tenantId, token).toCompletableFuture()
        .thenApply(customer -> customer.map(c -> List.of(new Attributions.Hit(token, c, Attributions.Rank.PRIMARY))).orElse(List.of()));
    return indexed.thenCombine(order, (a, b) -> {
      List<Attributions.Hit> both = new ArrayList<>(a);
      both.addAll(b);
      return both;
    });
  }

  /**
   * An unattributed payment just stored is remembered under its tokens, for when an invoice or
   * order it names appears; and attributed once more at once, in case one appeared while it was
   * being stored.
   */
  private CompletionStage<PaymentResult> awaitIfUnattributed(String tenantId, PaymentResult result) {
    if (!(result instanceof PaymentResult.Ok ok) || ok.replayed() || ok.payment().customerId() != null) {
      return CompletableFuture.completedFuture(result);
    }
    PaymentView p = ok.payment();
    List<String> tokens = tokens(p.remittanceInfo(), p.bankReference());
    if (tokens.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    return store.awaitReferences(tenantId, p.paymentId(), tokens).thenApply(saved -> {
      reattribute(tenantId, p.paymentId());
      return result;
    });
  }

  /** Invoices or orders with these names (number, order id, external reference) appeared: attribute the payments waiting for them. */
  public void referencesAppeared(String tenantId, List<String> names) {
    for (String name : names) {
      store.awaiting(tenantId, name.toLowerCase(Locale.ROOT))
          .thenAccept(paymentIds -> paymentIds.forEach(paymentId -> reattribute(tenantId, paymentId)));
    }
  }

  /**
   * Attributes a payment that has no customer by its texts as they read now, and lets that
   * customer's account apply it; the payment as it stands when nothing (or no single customer) is
   * found, or when it has a customer already.
   */
  public CompletionStage<PaymentResult> reattribute(String tenantId, String paymentId) {
    return ask(tenantId, paymentId, Payment.Get::new).thenCompose(found -> {
      if (!(found instanceof PaymentResult.Ok ok) || ok.payment().customerId() != null
          || ok.payment().status() != PaymentEntry.PaymentStatus.UNAPPLIED) {
        return CompletableFuture.completedFuture(found);
      }
      PaymentView p = ok.payment();
      return attribute(tenantId, p.remittanceInfo(), p.bankReference(), p.currency()).thenCompose(payer -> payer.customerId() == null
          ? CompletableFuture.completedFuture(found)
          : ask(tenantId, paymentId, replyTo -> new Payment.Attribute(payer.customerId(), payer.attribution(), replyTo)));
    });
  }

  /** What a re-run of attribution did: payments looked at, those attributed now, and where to go on (null: done). */
  public record Reattributed(int examined, int attributed, String nextPageToken) {}

  /** How many of the unapplied list one re-run looks at. */
  static final int REATTRIBUTE_PAGE = 200;

  /**
   * Attribution once more of the tenant's payments that have no customer, a page of the unapplied
   * list ({@link #REATTRIBUTE_PAGE}) at a time, eight at once.
   */
  public CompletionStage<Reattributed> reattributeAll(String tenantId, String pageToken) {
    return store.unapplied(tenantId, REATTRIBUTE_PAGE, pageToken).thenCompose(page -> {
      List<String> ids = page.payments().stream().filter(p -> p.customerId() == null).map(PaymentStore.Summary::paymentId).toList();
      CompletionStage<List<Boolean>> all = CompletableFuture.completedFuture(new ArrayList<>());
      for (int i = 0; i < ids.size(); i += 8) {
        List<String> group = ids.subList(i, Math.min(ids.size(), i + 8));
        all = all.thenCompose(done -> {
          List<CompletableFuture<Boolean>> each = group.stream()
              .map(id -> reattribute(tenantId, id).toCompletableFuture()
                  .thenApply(r -> r instanceof PaymentResult.Ok ok && ok.payment().customerId() != null))
              .toList();
          return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(x -> {
            each.forEach(f -> done.add(f.join()));
            return done;
          });
        });
      }
      return all.thenApply(results -> new Reattributed(ids.size(), (int) results.stream().filter(b -> b).count(), page.nextPageToken()));
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
        return ask(tenantId, paymentId, replyTo -> new Payment.Allocate(chosen, null, caller.by(), replyTo));
      }
      String firstOrder = InvoiceIds.orderOf(chosen.get(0).invoiceId());
      CompletionStage<Optional<String>> customer = firstOrder == null || !EntityIds.isValidId(firstOrder)
          ? CompletableFuture.completedFuture(Optional.empty())
          : orders.customerOf(tenantId, firstOrder);
      return customer
          .thenCompose(invoiceCustomer -> invoiceCustomer.isPresent()
              ? ask(tenantId, paymentId, replyTo -> new Payment.Allocate(chosen, invoiceCustomer.get(), caller.by(), replyTo))
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
