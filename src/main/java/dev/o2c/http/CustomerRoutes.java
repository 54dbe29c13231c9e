package dev.o2c.http;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerRequests;
import dev.o2c.account.CustomerResult;
import dev.o2c.account.NewCustomer;
import dev.o2c.infra.EntityIds;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.util.List;
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
 * {@code /v1/customers}: open an account (idempotently with an Idempotency-Key), read it, and
 * change its contact data, credit limit, payment terms or status.
 */
public final class CustomerRoutes extends ApiDirectives implements TenantRoutes {

  /** The scope of customer ids made from Idempotency-Keys. */
  static final String KEY_SCOPE = "customers";

  private final ClusterSharding sharding;

  public CustomerRoutes(HttpSettings settings, ActorSystem<?> system) {
    super(settings);
    this.sharding = ClusterSharding.get(system);
  }

  @Override
  public Route route(Caller caller) {
    return pathPrefix("customers", () -> concat(
        pathEnd(() -> post(() -> authorized(caller, Role.ORDERS, actor -> idempotencyKey(key ->
            jsonBody(CustomerRequests.Create.class, body -> create(actor, key, body)))))),
        pathPrefix(PathMatchers.segment(), customerId -> pathEnd(() -> {
          if (!EntityIds.isValidId(customerId)) {
            return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such customer."));
          }
          return concat(
              get(() -> answer(ask(caller, customerId, CustomerAccount.Get::new), false)),
              patch(() -> !caller.may(Role.ORDERS) && !caller.may(Role.FINANCE)
                  ? completeProblem(forbidden(caller, Role.ORDERS))
                  : jsonBody(com.fasterxml.jackson.databind.JsonNode.class, body -> {
                var changes = CustomerRequests.validate(CustomerRequests.Patch.fromJson(body));
                // Contact data is the channel's or finance's; credit limit, terms and status only finance's.
                Role needed = touchesCredit(changes) || !caller.may(Role.ORDERS) ? Role.FINANCE : Role.ORDERS;
                return authorized(caller, needed, actor ->
                    answer(ask(actor, customerId, replyTo -> new CustomerAccount.Update(changes, actor.by(), replyTo)), false));
              })));
        }))));
  }

  /** Whether a change is one of credit: the limit, the payment terms or the status (holds and blocks). */
  static boolean touchesCredit(dev.o2c.account.CustomerPatch changes) {
    return changes.creditLimit() != null || changes.paymentTermsDays() != null || changes.status() != null;
  }

  private Route create(Caller caller, String key, CustomerRequests.Create body) {
    String generatedId = key == null
        ? EntityIds.random("cus")
        : EntityIds.derived("cus", caller.tenantId(), KEY_SCOPE, key);
    NewCustomer customer = CustomerRequests.validate(body, generatedId);
    return answer(
        ask(caller, customer.customerId(), replyTo -> new CustomerAccount.Create(customer, key, caller.by(), replyTo)),
        true);
  }

  private CompletionStage<CustomerResult> ask(
      Caller caller, String customerId, Function<ActorRef<CustomerResult>, CustomerAccount.Command> command) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(caller.tenantId(), customerId))
        .ask(command::apply, settings.askTimeout());
  }

  private Route answer(CompletionStage<CustomerResult> result, boolean created) {
    return onSuccess(() -> result, answer -> {
      if (answer instanceof CustomerResult.Ok ok) {
        if (!created) {
          return complete(json(200, ok.customer()));
        }
        List<HttpHeader> headers = new java.util.ArrayList<>(List.of(Location.create("/v1/customers/" + ok.customer().customerId())));
        if (ok.replayed()) {
          headers.add(RawHeader.create(IDEMPOTENT_REPLAYED, "true"));
        }
        return complete(json(201, ok.customer(), headers));
      }
      return complete(rejected(((CustomerResult.Failed) answer).rejection()));
    });
  }
}
