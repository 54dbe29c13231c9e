package dev.o2c.http;

import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.NewOrder;
import dev.o2c.order.Order;
import dev.o2c.order.OrderRequests;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderService;
import dev.o2c.order.OrderSettings;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/orders}: place an order (idempotently with an Idempotency-Key), or a batch of them,
 * read one, and move it through approve, reject, ship, deliver and cancel; invoice one whose
 * invoicing failed.
 */
public final class OrderRoutes extends ApiDirectives implements TenantRoutes {

  private final OrderService orders;
  private final OrderSettings orderSettings;
  private final InvoicingSettings invoicing;
  private final BatchIntake batch;

  public OrderRoutes(
      HttpSettings settings, OrderService orders, OrderSettings orderSettings, InvoicingSettings invoicing, BatchIntake batch) {
    super(settings);
    this.orders = orders;
    this.orderSettings = orderSettings;
    this.invoicing = invoicing;
    this.batch = batch;
  }

  @Override
  public Route route(Caller caller) {
    return pathPrefix("orders", () -> concat(
        pathEnd(() -> post(() -> authorized(caller, Role.ORDERS, actor -> idempotencyKey(key ->
            jsonBody(OrderRequests.Create.class, body -> place(actor, key, body)))))),
        path("batch", () -> post(() -> authorized(caller, Role.ORDERS, batch::route))),
        pathPrefix(PathMatchers.segment(), orderId -> {
          if (orderId.equals("batch")) {
            return reject(); // only POST exists there: 405, not "no such order"
          }
          if (!EntityIds.isValidId(orderId)) {
            return completeProblem(Problem.of(ProblemType.NOT_FOUND, "There is no such order."));
          }
          return concat(
              pathEnd(() -> get(() -> answer(ask(caller, orderId, Order.Get::new)))),
              path("approve", () -> post(() -> authorized(caller, Role.FINANCE, actor -> optionalJsonBody(OrderRequests.Note.class,
                  new OrderRequests.Note(null), body ->
                  answer(ask(actor, orderId, r -> new Order.Approve(actor.by(), note("note", body.note()), r))))))),
              path("reject", () -> post(() -> authorized(caller, Role.FINANCE, actor -> optionalJsonBody(OrderRequests.Reason.class,
                  new OrderRequests.Reason(null), body ->
                  answer(ask(actor, orderId, r -> new Order.Reject(actor.by(), note("reason", body.reason()), r))))))),
              path("cancel", () -> post(() -> authorized(caller, Role.ORDERS, actor -> optionalJsonBody(OrderRequests.Reason.class,
                  new OrderRequests.Reason(null), body ->
                  answer(ask(actor, orderId, r -> new Order.Cancel(actor.by(), note("reason", body.reason()), r))))))),
              path("ship", () -> post(() -> authorized(caller, Role.ORDERS, actor -> optionalJsonBody(OrderRequests.Shipment.class,
                  new OrderRequests.Shipment(null, null), body -> answer(ask(actor, orderId, r -> new Order.Ship(
                      actor.by(), note("carrier", body.carrier()), note("trackingNumber", body.trackingNumber()), r))))))),
              path("deliver", () -> post(() -> authorized(caller, Role.ORDERS, actor -> optionalJsonBody(OrderRequests.Note.class,
                  new OrderRequests.Note(null), body ->
                  answer(ask(actor, orderId, r -> new Order.Deliver(actor.by(), note("note", body.note()), r))))))),
              path("invoice", () -> post(() -> authorized(caller, Role.FINANCE, actor ->
                  answer(ask(actor, orderId, r -> new Order.Invoice(actor.by(), r)))))));
        })));
  }

  private Route place(Caller caller, String key, OrderRequests.Create body) {
    NewOrder order = OrderRequests.validate(body, orderSettings.maxLines(), invoicing.tenant(caller.tenantId()).tax()::knows);
    return onSuccess(() -> orders.place(caller, order, key), result -> {
      if (result instanceof OrderResult.Ok ok) {
        List<HttpHeader> headers = new ArrayList<>(List.of(Location.create("/v1/orders/" + ok.order().orderId())));
        if (ok.replayed()) {
          headers.add(RawHeader.create(IDEMPOTENT_REPLAYED, "true"));
        }
        return complete(json(201, ok.order(), headers));
      }
      return complete(rejected(((OrderResult.Failed) result).rejection()));
    });
  }

  private CompletionStage<OrderResult> ask(Caller caller, String orderId, Function<ActorRef<OrderResult>, Order.Command> command) {
    return orders.ask(caller.tenantId(), orderId, command);
  }

  private Route answer(CompletionStage<OrderResult> result) {
    return onSuccess(() -> result, answer -> answer instanceof OrderResult.Ok ok
        ? complete(json(200, ok.order()))
        : complete(rejected(((OrderResult.Failed) answer).rejection())));
  }

  /** A free-text field of a transition: trimmed and bounded; blank means none. */
  private static String note(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String trimmed = text.strip();
    if (trimmed.length() > 500 || trimmed.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw new dev.o2c.infra.ValidationException("The request is not valid.",
          List.of(new dev.o2c.infra.FieldError(field, "must be at most 500 characters without control characters")));
    }
    return trimmed;
  }
}
