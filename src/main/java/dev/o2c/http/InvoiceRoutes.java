package dev.o2c.http;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerResult;
import dev.o2c.account.LedgerResult;
import dev.o2c.idempotency.KeyClaims;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.CreditNoteRequests;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.invoice.InvoiceView;
import dev.o2c.order.Order;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderService;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/invoices} and {@code /v1/customers/{id}/invoices}: read invoices, credit them, void
 * them. An invoice lives on its customer's account (the ledger), which decides every change of it:
 * a read finds the customer through the invoice's order (its id is made from the order's) and asks
 * the account, so it shows every change as soon as it is made.
 */
public final class InvoiceRoutes extends ApiDirectives implements TenantRoutes {

  static final String CREDIT_NOTE_KEY_SCOPE = "credit-notes";

  private final ClusterSharding sharding;
  private final InvoiceStore store;
  private final KeyClaims keys;
  private final OrderService orders;

  public InvoiceRoutes(HttpSettings settings, ActorSystem<?> system, InvoiceStore store, KeyClaims keys, OrderService orders) {
    super(settings);
    this.keys = keys;
    this.sharding = ClusterSharding.get(system);
    this.store = store;
    this.orders = orders;
  }

  @Override
  public Route route(Caller caller) {
    return concat(
        pathPrefix("invoices", () -> concat(
            pathEnd(() -> get(() -> parameter("number", number -> byNumber(caller, number)))),
            pathPrefix(PathMatchers.segment(), invoiceId -> {
              if (!EntityIds.isValidId(invoiceId)) {
                return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such invoice."));
              }
              return concat(
                  pathEnd(() -> get(() -> answer(invoice(caller, invoiceId)))),
                  path("credit-notes", () -> post(() -> authorized(caller, Role.FINANCE, actor -> idempotencyKey(key ->
                      jsonBody(CreditNoteRequests.Create.class, body -> creditNote(actor, invoiceId, key, body)))))),
                  path("void", () -> post(() -> authorized(caller, Role.FINANCE, actor -> optionalJsonBody(CreditNoteRequests.Void.class,
                      new CreditNoteRequests.Void(null), body -> voidInvoice(actor, invoiceId, body))))));
            }))),
        pathPrefix(PathMatchers.segment("customers").slash(PathMatchers.segment()).slash("invoices"), customerId ->
            pathEnd(() -> get(() -> parameterOptional("status", status -> parameterOptional("limit", limit ->
                parameterOptional("pageToken", token -> customerInvoices(caller, customerId, status.orElse("all"),
                    limit.orElse("50"), token.orElse(null)))))))));
  }

  private Route byNumber(Caller caller, String number) {
    return onSuccess(() -> store.byNumber(caller.tenantId(), number), found -> found
        .map(hit -> answer(invoiceOf(caller, hit.customerId(), hit.invoiceId())))
        .orElseGet(() -> completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no invoice with number " + number + "."))));
  }

  private Route customerInvoices(Caller caller, String customerId, String status, String limitText, String token) {
    InvoiceStore.Filter filter;
    int limit;
    try {
      filter = InvoiceStore.Filter.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("status", "must be open, paid or all");
    }
    limit = pageSize(limitText);
    if (!EntityIds.isValidId(customerId)) {
      return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such customer."));
    }
    int pageSize = limit;
    CompletionStage<Object> page = sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
        .<CustomerResult>ask(CustomerAccount.Get::new, settings.askTimeout())
        .thenCompose(customer -> {
          if (!(customer instanceof CustomerResult.Ok)) {
            return CompletableFuture.completedFuture((Object) ((CustomerResult.Failed) customer).rejection());
          }
          return pageTokenChecked(store.ofCustomer(caller.tenantId(), customerId, filter, pageSize, token)).<Object>thenApply(p -> p);
        });
    return onSuccess(() -> page, result -> {
      if (result instanceof Rejection rejection) {
        return complete(rejected(rejection));
      }
      InvoiceStore.Page p = (InvoiceStore.Page) result;
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("invoices", p.invoices());
      body.put("nextPageToken", p.nextPageToken());
      return complete(json(200, body));
    });
  }

  private Route creditNote(Caller caller, String invoiceId, String key, CreditNoteRequests.Create body) {
    String creditNoteId = key == null
        ? EntityIds.random("cn")
        : EntityIds.derived("cn", caller.tenantId(), CREDIT_NOTE_KEY_SCOPE, key);
    CompletionStage<Object> outcome = invoice(caller, invoiceId).thenCompose(found -> {
      if (!(found instanceof InvoiceResult.Ok ok)) {
        return CompletableFuture.completedFuture((Object) ((InvoiceResult.Failed) found).rejection());
      }
      InvoiceView invoice = ok.invoice();
      BigDecimal amount = CreditNoteRequests.amount(body, invoice);
      // The key names the credit note, and is claimed tenant-wide: reused on another invoice it is a 422.
      String fingerprint = String.join("|", invoiceId, amount.toPlainString(), body.reason().strip());
      return keys.claimed(caller.tenantId(), CREDIT_NOTE_KEY_SCOPE, key, fingerprint,
              () -> account(caller, invoice.customerId(), replyTo ->
                  new CustomerAccount.IssueCreditNote(invoiceId, creditNoteId, amount, body.reason().strip(), caller.by(), replyTo)),
              () -> new LedgerResult.Failed(KeyClaims.reusedKey("credit note")),
              answer -> answer instanceof LedgerResult.Failed failed ? failed.rejection() : null)
          .thenCompose(ledger -> {
            if (!(ledger instanceof LedgerResult.CreditNote note)) {
              return CompletableFuture.completedFuture((Object) ((LedgerResult.Failed) ledger).rejection());
            }
            var cn = note.creditNote();
            return invoiceOf(caller, invoice.customerId(), invoiceId).thenApply(after -> {
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("creditNote", cn);
              answer.put("invoice", after instanceof InvoiceResult.Ok a ? a.invoice() : invoice);
              answer.put("replayed", note.replayed());
              return (Object) answer;
            });
          });
    });
    return onSuccess(() -> outcome, result -> {
      if (result instanceof Rejection rejection) {
        return complete(rejected(rejection));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> answer = (Map<String, Object>) result;
      boolean replayed = (Boolean) answer.remove("replayed");
      List<HttpHeader> headers = new ArrayList<>(List.of(Location.create("/v1/invoices/" + invoiceId)));
      if (replayed) {
        headers.add(RawHeader.create(IDEMPOTENT_REPLAYED, "true"));
      }
      return complete(json(201, answer, headers));
    });
  }

  private Route voidInvoice(Caller caller, String invoiceId, CreditNoteRequests.Void body) {
    new dev.o2c.infra.Validation().optionalText("reason", body.reason(), 500).orThrow("The request is not valid.");
    String reason = body.reason() == null ? "voided" : body.reason().strip();
    CompletionStage<Object> outcome = invoice(caller, invoiceId).thenCompose(found -> {
      if (!(found instanceof InvoiceResult.Ok ok)) {
        return CompletableFuture.completedFuture((Object) ((InvoiceResult.Failed) found).rejection());
      }
      String customerId = ok.invoice().customerId();
      return account(caller, customerId, replyTo -> new CustomerAccount.VoidInvoice(invoiceId, reason, caller.by(), replyTo))
          .thenCompose(ledger -> ledger instanceof LedgerResult.Voided
              ? invoiceOf(caller, customerId, invoiceId).thenApply(r -> (Object) r)
              : CompletableFuture.completedFuture((Object) ((LedgerResult.Failed) ledger).rejection()));
    });
    return onSuccess(() -> outcome, result -> result instanceof Rejection rejection
        ? complete(rejected(rejection))
        : answer(CompletableFuture.completedFuture((InvoiceResult) result)));
  }

  /** An invoice of the caller's tenant: its order says whose it is, and that customer's account has it. */
  private CompletionStage<InvoiceResult> invoice(Caller caller, String invoiceId) {
    String orderId = InvoiceIds.orderOf(invoiceId);
    if (orderId == null) {
      return CompletableFuture.completedFuture(notFound());
    }
    return orders.ask(caller.tenantId(), orderId, Order.Get::new).thenCompose(order -> order instanceof OrderResult.Ok ok
        ? invoiceOf(caller, ok.order().customerId(), invoiceId)
        : CompletableFuture.completedFuture(notFound()));
  }

  private CompletionStage<InvoiceResult> invoiceOf(Caller caller, String customerId, String invoiceId) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
        .ask(replyTo -> new CustomerAccount.GetInvoice(invoiceId, replyTo), settings.askTimeout());
  }

  private static InvoiceResult notFound() {
    return new InvoiceResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such invoice."));
  }

  private CompletionStage<LedgerResult> account(
      Caller caller, String customerId, Function<ActorRef<LedgerResult>, CustomerAccount.Command> command) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
        .ask(command::apply, settings.askTimeout());
  }

  private Route answer(CompletionStage<InvoiceResult> result) {
    return onSuccess(() -> result, answer -> answer instanceof InvoiceResult.Ok ok
        ? complete(json(200, ok.invoice()))
        : complete(rejected(((InvoiceResult.Failed) answer).rejection())));
  }
}
