package dev.o2c.http;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.RefundResult;
import dev.o2c.idempotency.KeyClaims;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import dev.o2c.payment.NewPayment;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentRequests;
import dev.o2c.payment.PaymentResult;
import dev.o2c.payment.PaymentService;
import dev.o2c.payment.PaymentStore;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/payments}: receive payments (one, or a bank statement's worth), read and list them,
 * apply unapplied money by hand, take an allocation back, reverse a payment; and, on a customer,
 * {@code /refunds} (unapplied cash paid back) and {@code /statement}.
 */
public final class PaymentRoutes extends ApiDirectives implements TenantRoutes {

  /** The scope of refund ids made from Idempotency-Keys. */
  static final String REFUND_KEY_SCOPE = "refunds";

  private final PaymentService payments;
  private final PaymentStore store;
  private final BusinessClock clock;
  private final ClusterSharding sharding;
  private final BatchIntake batch;
  private final KeyClaims keys;

  public PaymentRoutes(HttpSettings settings, ActorSystem<?> system, PaymentService payments, PaymentStore store, BusinessClock clock,
      BatchIntake batch, KeyClaims keys) {
    super(settings);
    this.keys = keys;
    this.payments = payments;
    this.store = store;
    this.clock = clock;
    this.sharding = ClusterSharding.get(system);
    this.batch = batch;
  }

  @Override
  public Route route(Caller caller) {
    return concat(
        pathPrefix("payments", () -> concat(
            pathEnd(() -> concat(
                post(() -> authorized(caller, Role.FINANCE, actor -> idempotencyKey(key ->
                    jsonBody(PaymentRequests.Create.class, body -> receive(actor, key, body))))),
                get(() -> parameterOptional("status", status -> parameterOptional("customerId", customerId ->
                    parameterOptional("limit", limit -> parameterOptional("pageToken", token ->
                        list(caller, status, customerId, limit.orElse("50"), token.orElse(null))))))))),
            path("batch", () -> post(() -> authorized(caller, Role.FINANCE, batch::route))),
            path("attribute", () -> post(() -> authorized(caller, Role.FINANCE, actor ->
                parameterOptional("pageToken", token -> reattributeAll(actor, token.orElse(null)))))),
            pathPrefix(PathMatchers.segment(), paymentId -> {
              if (paymentId.equals("batch") || paymentId.equals("attribute")) {
                return reject(); // only POST exists there: 405, not "no such payment"
              }
              if (!EntityIds.isValidId(paymentId)) {
                return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such payment."));
              }
              return concat(
                  pathEnd(() -> get(() -> answer(payments.ask(caller.tenantId(), paymentId, Payment.Get::new)))),
                  path("attribute", () -> post(() -> authorized(caller, Role.FINANCE, actor ->
                      answer(payments.reattribute(actor.tenantId(), paymentId))))),
                  path("allocations", () -> post(() -> authorized(caller, Role.FINANCE, actor ->
                      jsonBody(PaymentRequests.Allocate.class, body -> answer(payments.allocate(actor, paymentId, body)))))),
                  path(PathMatchers.segment("allocations").slash(PathMatchers.segment()), invoiceId -> delete(() ->
                      authorized(caller, Role.FINANCE, actor -> answer(payments.ask(actor.tenantId(), paymentId,
                          r -> new Payment.Unallocate(invoiceId, actor.by(), r)))))),
                  path("reverse", () -> post(() -> authorized(caller, Role.FINANCE, actor -> optionalJsonBody(
                      PaymentRequests.Reverse.class, new PaymentRequests.Reverse(null), body -> {
                        String reason = PaymentRequests.reason(body);
                        return answer(payments.ask(actor.tenantId(), paymentId,
                            r -> new Payment.Reverse(reason, actor.by(), r)));
                      })))));
            }))),
        pathPrefix(PathMatchers.segment("customers").slash(PathMatchers.segment()), customerId -> concat(
            path("refunds", () -> post(() -> authorized(caller, Role.FINANCE, actor -> idempotencyKey(key ->
                jsonBody(PaymentRequests.Refund.class, body -> refund(actor, customerId, key, body)))))),
            path("statement", () -> get(() -> parameterOptional("from", from -> parameterOptional("to", to ->
                statement(caller, customerId, from, to))))))));
  }

  /** Attribution once more of the tenant's payments without a customer, a page of the unapplied list at a time. */
  private Route reattributeAll(Caller caller, String pageToken) {
    return onSuccess(() -> pageTokenChecked(payments.reattributeAll(caller.tenantId(), pageToken)), outcome -> complete(json(200, outcome)));
  }

  private Route receive(Caller caller, String key, PaymentRequests.Create body) {
    NewPayment payment = PaymentRequests.validate(body, clock.today());
    return onSuccess(() -> payments.receive(caller, payment, key), result -> {
      if (result instanceof PaymentResult.Ok ok) {
        List<HttpHeader> headers = new ArrayList<>(List.of(Location.create("/v1/payments/" + ok.payment().paymentId())));
        if (ok.replayed()) {
          headers.add(RawHeader.create(IDEMPOTENT_REPLAYED, "true"));
        }
        return complete(json(ok.duplicate() ? 200 : 201, ok.payment(), headers));
      }
      return complete(rejected(((PaymentResult.Failed) result).rejection()));
    });
  }

  private Route list(Caller caller, Optional<String> status, Optional<String> customerId, String limitText, String token) {
    String filter = status.map(s -> s.toLowerCase(Locale.ROOT)).orElse(customerId.isPresent() ? "all" : "unapplied");
    if (!filter.equals("unapplied") && !filter.equals("all")) {
      throw invalid("status", "must be unapplied or all");
    }
    if (filter.equals("all") && customerId.isEmpty()) {
      throw invalid("customerId", "is required to list all payments (status=all); without it, status=unapplied lists the tenant's");
    }
    if (customerId.isPresent() && !EntityIds.isValidId(customerId.get())) {
      throw invalid("customerId", "is not a customer id");
    }
    int limit = pageSize(limitText);
    CompletionStage<PaymentStore.Page> page = customerId.isPresent()
        ? store.ofCustomer(caller.tenantId(), customerId.get(), limit, token)
        : store.unapplied(caller.tenantId(), limit, token);
    CompletionStage<PaymentStore.Page> checked = pageTokenChecked(page);
    boolean onlyUnapplied = filter.equals("unapplied");
    return onSuccess(() -> checked, p -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("payments", onlyUnapplied ? p.payments().stream().filter(PaymentStore.Summary::unapplied).toList() : p.payments());
      body.put("nextPageToken", p.nextPageToken());
      return complete(json(200, body));
    });
  }

  private Route refund(Caller caller, String customerId, String key, PaymentRequests.Refund body) {
    PaymentRequests.ValidRefund refund = PaymentRequests.validate(body);
    if (!EntityIds.isValidId(customerId)) {
      return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such customer."));
    }
    String refundId = key == null ? EntityIds.random("ref") : EntityIds.derived("ref", caller.tenantId(), REFUND_KEY_SCOPE, key);
    // The key names the refund, and is claimed tenant-wide: reused for another customer it is a 422.
    String fingerprint = String.join("|", customerId, refund.amount().toPlainString(), refund.currency(), String.valueOf(refund.reference()));
    CompletionStage<RefundResult> result = keys.claimed(caller.tenantId(), REFUND_KEY_SCOPE, key, fingerprint,
        () -> sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
            .<RefundResult>ask(replyTo -> new CustomerAccount.IssueRefund(refundId, refund.amount(), refund.currency(), refund.reference(),
                caller.by(), replyTo), settings.askTimeout()),
        () -> new RefundResult.Failed(KeyClaims.reusedKey("refund")),
        answer -> answer instanceof RefundResult.Failed failed ? failed.rejection() : null);
    return onSuccess(() -> result, answer -> {
      if (answer instanceof RefundResult.Ok ok) {
        List<HttpHeader> headers = new ArrayList<>(List.of(Location.create("/v1/customers/" + customerId + "/statement")));
        if (ok.replayed()) {
          headers.add(RawHeader.create(IDEMPOTENT_REPLAYED, "true"));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("refundId", ok.refund().refundId());
        view.put("customerId", customerId);
        view.put("amount", ok.refund().amount());
        view.put("currency", ok.refund().currency());
        view.put("reference", ok.refund().reference());
        view.put("sources", ok.refund().sources());
        view.put("by", ok.refund().by());
        view.put("at", ok.refund().at());
        return complete(json(201, view, headers));
      }
      return complete(rejected(((RefundResult.Failed) answer).rejection()));
    });
  }

  private Route statement(Caller caller, String customerId, Optional<String> fromText, Optional<String> toText) {
    LocalDate today = clock.today();
    LocalDate to = toText.map(t -> date("to", t)).orElse(today);
    LocalDate from = fromText.map(t -> date("from", t)).orElse(to.withDayOfMonth(1));
    if (from.isAfter(to)) {
      throw invalid("from", "must not be after to (" + to + ")");
    }
    if (!EntityIds.isValidId(customerId)) {
      return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such customer."));
    }
    CompletionStage<CustomerAccount.StatementAnswer> answer =
        sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
            .ask(replyTo -> new CustomerAccount.GetStatement(from, to, replyTo), settings.askTimeout());
    return onSuccess(() -> answer, found -> found.failure() != null
        ? complete(rejected(found.failure()))
        : found.statement() == null
            ? complete(rejected(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such customer.")))
            : complete(json(200, found.statement())));
  }

  private Route answer(CompletionStage<PaymentResult> result) {
    return onSuccess(() -> result, answer -> answer instanceof PaymentResult.Ok ok
        ? complete(json(200, ok.payment()))
        : complete(rejected(((PaymentResult.Failed) answer).rejection())));
  }

  private static LocalDate date(String field, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(field, "must be a date such as 2026-11-01");
    }
  }
}
