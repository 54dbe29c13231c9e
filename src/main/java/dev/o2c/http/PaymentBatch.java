package dev.o2c.http;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.ValidationException;
import dev.o2c.payment.NewPayment;
import dev.o2c.payment.PaymentRequests;
import dev.o2c.payment.PaymentResult;
import dev.o2c.payment.PaymentService;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.PaymentView;
import dev.o2c.tenancy.Caller;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;

/**
 * The payments of {@code POST /v1/payments/batch} (a bank statement's worth): each received as
 * {@code POST /v1/payments} would receive it, with the same status: 201, 200 for a bank reference
 * seen before, or the problem's.
 */
public final class PaymentBatch implements BatchIntake.Items {

  /** The outcome of one payment of a batch; {@code index} is its position in the request (from 0). */
  public record ItemResult(
      Long index, int status, String idempotencyKey, Boolean replayed, Boolean duplicate, PaymentView payment,
      Map<String, Object> problem) {}

  private final PaymentService payments;
  private final PaymentSettings settings;
  private final BusinessClock clock;

  public PaymentBatch(PaymentService payments, PaymentSettings settings, BusinessClock clock) {
    this.payments = payments;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String noun() {
    return "payment";
  }

  @Override
  public int maxItems() {
    return settings.batchMaxPayments();
  }

  @Override
  public int parallelism() {
    return settings.batchParallelism();
  }

  @Override
  public Object failed(Long index, String key, Problem problem) {
    return new ItemResult(index, problem.status(), key, null, null, null, problem.body());
  }

  @Override
  public CompletionStage<Object> take(Caller caller, ByteString bytes, long index) {
    PaymentRequests.BatchItem item;
    try {
      item = Json.read(bytes.toArray(), PaymentRequests.BatchItem.class);
    } catch (ProblemException e) {
      return CompletableFuture.completedFuture(failed(index, null, e.problem()));
    }
    String key = item.idempotencyKey();
    Problem badKey = BatchIntake.invalidKey(key, noun());
    if (badKey != null) {
      return CompletableFuture.completedFuture(failed(index, key, badKey));
    }
    NewPayment payment;
    try {
      payment = PaymentRequests.validate(item.payment(), clock.today());
    } catch (ValidationException e) {
      return CompletableFuture.completedFuture(failed(index, key, Problem.validation(e.getMessage(), e.errors())));
    }
    return payments.receive(caller, payment, key).handle((result, failure) -> {
      if (failure != null) {
        return failed(index, key, Problem.of(ProblemType.SERVICE_UNAVAILABLE,
            "The payment did not complete in time; retry it with the same idempotencyKey or bankReference."));
      }
      if (result instanceof PaymentResult.Ok ok) {
        return new ItemResult(index, ok.duplicate() ? 200 : 201, key, ok.replayed() ? Boolean.TRUE : null,
            ok.duplicate() ? Boolean.TRUE : null, ok.payment(), null);
      }
      return failed(index, key, ApiDirectives.problemOf(((PaymentResult.Failed) result).rejection()));
    });
  }
}
