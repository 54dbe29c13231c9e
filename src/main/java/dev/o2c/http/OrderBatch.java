package dev.o2c.http;

import dev.o2c.infra.ValidationException;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderRequests;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderService;
import dev.o2c.order.OrderSettings;
import dev.o2c.order.OrderView;
import dev.o2c.tenancy.Caller;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;

/** The orders of {@code POST /v1/orders/batch}: each placed as {@code POST /v1/orders} would place it. */
public final class OrderBatch implements BatchIntake.Items {

  /** The outcome of one order of a batch; {@code index} is its position in the request (from 0). */
  public record ItemResult(
      Long index, int status, String idempotencyKey, Boolean replayed, OrderView order, Map<String, Object> problem) {}

  private final OrderService orders;
  private final OrderSettings orderSettings;
  private final InvoicingSettings invoicing;

  public OrderBatch(OrderService orders, OrderSettings orderSettings, InvoicingSettings invoicing) {
    this.orders = orders;
    this.orderSettings = orderSettings;
    this.invoicing = invoicing;
  }

  @Override
  public String noun() {
    return "order";
  }

  @Override
  public int maxItems() {
    return orderSettings.batchMaxOrders();
  }

  @Override
  public int parallelism() {
    return orderSettings.batchParallelism();
  }

  @Override
  public Object failed(Long index, String key, Problem problem) {
    return new ItemResult(index, problem.status(), key, null, null, problem.body());
  }

  @Override
  public CompletionStage<Object> take(Caller caller, ByteString bytes, long index) {
    OrderRequests.BatchItem item;
    try {
      item = Json.read(bytes.toArray(), OrderRequests.BatchItem.class);
    } catch (ProblemException e) {
      return CompletableFuture.completedFuture(failed(index, null, e.problem()));
    }
    String key = item.idempotencyKey();
    Problem badKey = BatchIntake.invalidKey(key, noun());
    if (badKey != null) {
      return CompletableFuture.completedFuture(failed(index, key, badKey));
    }
    NewOrder order;
    try {
      order = OrderRequests.validate(item.order(), orderSettings.maxLines(), invoicing.tenant(caller.tenantId()).tax()::knows);
    } catch (ValidationException e) {
      return CompletableFuture.completedFuture(failed(index, key, Problem.validation(e.getMessage(), e.errors())));
    }
    return orders.place(caller, order, key).handle((result, failure) -> {
      if (failure != null) {
        return failed(index, key, Problem.of(ProblemType.SERVICE_UNAVAILABLE,
            "The order did not complete in time; retry it with the same idempotencyKey."));
      }
      if (result instanceof OrderResult.Ok ok) {
        return new ItemResult(index, 201, key, ok.replayed() ? Boolean.TRUE : null, ok.order(), null);
      }
      return failed(index, key, ApiDirectives.problemOf(((OrderResult.Failed) result).rejection()));
    });
  }
}
