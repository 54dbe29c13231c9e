package dev.o2c.payment;

import dev.o2c.infra.Validation;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The API's payment request bodies and their validation (400 with every field error). */
public final class PaymentRequests {

  /** The most allocations one manual allocation request may make. */
  public static final int MAX_ALLOCATIONS = 100;

  private PaymentRequests() {}

  /** Body of {@code POST /v1/payments}. */
  public record Create(
      String customerId, BigDecimal amount, String currency, LocalDate receivedOn, String method, String bankReference,
      String remittanceInfo) {}

  /** One payment of {@code POST /v1/payments/batch}: a payment request with its own Idempotency-Key. */
  public record BatchItem(
      String idempotencyKey, String customerId, BigDecimal amount, String currency, LocalDate receivedOn, String method,
      String bankReference, String remittanceInfo) {

    public Create payment() {
      return new Create(customerId, amount, currency, receivedOn, method, bankReference, remittanceInfo);
    }
  }

  /** One allocation of {@code POST /v1/payments/{id}/allocations}. */
  public record AllocationRequest(String invoiceId, BigDecimal amount) {}

  /** Body of {@code POST /v1/payments/{id}/allocations}. */
  public record Allocate(List<AllocationRequest> allocations) {}

  /** Body of {@code POST /v1/payments/{id}/reverse}. */
  public record Reverse(String reason) {}

  /** Body of {@code POST /v1/customers/{id}/refunds}. */
  public record Refund(BigDecimal amount, String currency, String reference) {}

  /** A valid refund: amount above zero at the currency's scale. */
  public record ValidRefund(BigDecimal amount, String currency, String reference) {}

  /**
   * The valid payment of a request. {@code today} is the business day: a payment cannot have
   * been received after it.
   */
  public static NewPayment validate(Create request, LocalDate today) {
    Validation v = new Validation();
    if (request.customerId() != null) {
      v.id("customerId", request.customerId());
    }
    v.currency("currency", request.currency());
    v.amount("amount", request.amount(), request.currency(), false);
    if (request.receivedOn() != null && request.receivedOn().isAfter(today)) {
      v.error("receivedOn", "must not be after today (" + today + ")");
    }
    v.optionalText("method", request.method(), 32);
    v.optionalText("bankReference", request.bankReference(), 140);
    v.optionalText("remittanceInfo", request.remittanceInfo(), 1000);
    v.orThrow("The payment is not valid.");
    return new NewPayment(request.customerId(), Money.normalize(request.amount(), request.currency()), request.currency(),
        request.receivedOn(), strip(request.method()), strip(request.bankReference()), strip(request.remittanceInfo()));
  }

  /** The valid allocations of a request in {@code currency}: each to a distinct invoice, above zero. */
  public static List<ChosenAllocation> validate(Allocate request, String currency) {
    Validation v = new Validation();
    List<AllocationRequest> allocations = request.allocations();
    if (allocations == null) {
      v.error("allocations", "is required");
    } else if (allocations.isEmpty()) {
      v.error("allocations", "must have at least one allocation");
    } else if (allocations.size() > MAX_ALLOCATIONS) {
      v.error("allocations", "must have at most " + MAX_ALLOCATIONS + " allocations");
    } else {
      Set<String> invoices = new HashSet<>();
      for (int i = 0; i < allocations.size(); i++) {
        AllocationRequest a = allocations.get(i);
        String at = "allocations[" + i + "]";
        if (a == null) {
          v.error(at, "must be an object");
          continue;
        }
        v.id(at + ".invoiceId", a.invoiceId());
        v.amount(at + ".amount", a.amount(), currency, false);
        if (a.invoiceId() != null && !invoices.add(a.invoiceId())) {
          v.error(at + ".invoiceId", "appears more than once");
        }
      }
    }
    v.orThrow("The allocations are not valid.");
    List<ChosenAllocation> chosen = new ArrayList<>(allocations.size());
    for (AllocationRequest a : allocations) {
      chosen.add(new ChosenAllocation(a.invoiceId(), Money.normalize(a.amount(), currency)));
    }
    return chosen;
  }

  public static ValidRefund validate(Refund request) {
    Validation v = new Validation();
    v.currency("currency", request.currency());
    v.amount("amount", request.amount(), request.currency(), false);
    v.optionalText("reference", request.reference(), 140);
    v.orThrow("The refund is not valid.");
    return new ValidRefund(Money.normalize(request.amount(), request.currency()), request.currency(), strip(request.reference()));
  }

  /** An optional reason or note: at most 500 characters. */
  public static String reason(Reverse request) {
    if (request == null || request.reason() == null || request.reason().isBlank()) {
      return null;
    }
    new Validation().optionalText("reason", request.reason().strip(), 500).orThrow("The reversal is not valid.");
    return request.reason().strip();
  }

  private static String strip(String text) {
    return text == null ? null : text.strip();
  }
}
