package dev.o2c.order;

import dev.o2c.infra.Validation;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The API's order request bodies and their validation (400 with every field error). */
public final class OrderRequests {

  /** The largest quantity of one line. */
  public static final long MAX_QUANTITY = 1_000_000;

  private OrderRequests() {}

  /** A line of an order request; {@code taxCode} is optional. */
  public record Line(String sku, Long quantity, BigDecimal unitPrice, String taxCode) {

    /** A line without a tax code. */
    public Line(String sku, Long quantity, BigDecimal unitPrice) {
      this(sku, quantity, unitPrice, null);
    }
  }

  /** Body of {@code POST /v1/orders}. */
  public record Create(String customerId, String currency, List<Line> lines, String channel, String externalReference) {}

  /** One order of {@code POST /v1/orders/batch}: an order request with its own Idempotency-Key. */
  public record BatchItem(
      String idempotencyKey, String customerId, String currency, List<Line> lines, String channel, String externalReference) {

    public Create order() {
      return new Create(customerId, currency, lines, channel, externalReference);
    }
  }

  /** Optional body of approve and deliver. */
  public record Note(String note) {}

  /** Optional body of reject and cancel. */
  public record Reason(String reason) {}

  /** Optional body of ship. */
  public record Shipment(String carrier, String trackingNumber) {}

  /** The valid order of a request whose tenant has no tax codes. */
  public static NewOrder validate(Create request, int maxLines) {
    return validate(request, maxLines, code -> false);
  }

  /**
   * The valid order of a request: line totals and total computed exactly in the currency's
   * scale; a line's tax code must be one the tenant knows.
   */
  public static NewOrder validate(Create request, int maxLines, java.util.function.Predicate<String> knownTaxCode) {
    Validation v = new Validation();
    v.id("customerId", request.customerId());
    v.currency("currency", request.currency());
    v.optionalText("channel", request.channel(), 64);
    v.optionalText("externalReference", request.externalReference(), 128);
    List<Line> lines = request.lines();
    if (lines == null) {
      v.error("lines", "is required");
    } else if (lines.isEmpty()) {
      v.error("lines", "must have at least one line");
    } else if (lines.size() > maxLines) {
      v.error("lines", "must have at most " + maxLines + " lines");
    } else {
      for (int i = 0; i < lines.size(); i++) {
        Line line = lines.get(i);
        String at = "lines[" + i + "]";
        if (line == null) {
          v.error(at, "must be an object");
          continue;
        }
        v.text(at + ".sku", line.sku(), 64);
        v.range(at + ".quantity", line.quantity(), 1, MAX_QUANTITY);
        v.amount(at + ".unitPrice", line.unitPrice(), request.currency(), true);
        if (line.taxCode() != null && !knownTaxCode.test(line.taxCode())) {
          v.error(at + ".taxCode", "is not a tax code of this tenant");
        }
      }
    }
    v.orThrow("The order is not valid.");

    String currency = request.currency();
    List<OrderLine> orderLines = new ArrayList<>(lines.size());
    BigDecimal total = Money.zero(currency);
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      BigDecimal unitPrice = Money.normalize(line.unitPrice(), currency);
      // Exact: a quantity times a price at the currency's scale needs no rounding.
      BigDecimal lineTotal = unitPrice.multiply(BigDecimal.valueOf(line.quantity()));
      orderLines.add(new OrderLine(i + 1, line.sku(), line.quantity(), unitPrice, lineTotal, line.taxCode()));
      total = total.add(lineTotal);
    }
    if (total.compareTo(Money.MAX_AMOUNT) >= 0) {
      new Validation().error("lines", "the order total must be less than " + Money.MAX_AMOUNT.toPlainString())
          .orThrow("The order is not valid.");
    }
    return new NewOrder(request.customerId(), currency, orderLines, total, request.channel(), request.externalReference());
  }
}
